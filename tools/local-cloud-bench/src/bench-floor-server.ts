/**
 * The benchmark's floor (`bench-floor-server.mjs`, started by `local-cloud-bench:bench`): the
 * function behind one route, loaded from its assembly and called in-process by a bare HTTP server, one
 * process per core (node:cluster), against the local cloud's DynamoDB Local. No gateway, no
 * authorizer, no worker threads, no pollers: what the function's own work (its AWS SDK calls and
 * DynamoDB Local's answers) costs on this machine, which no local cloud can go below. The bench
 * puts it next to the local cloud's numbers, measured in the same minute.
 *
 * `node bench-floor-server.mjs --assemblies dist/apps --path /products/BENCH-0001
 *   --dynamodb http://127.0.0.1:8000 --port 4000 [--processes 2]`; prints `ready <function> <table>`
 *   once every process listens.
 * Only GET routes of AWS_PROXY integrations; loopback only.
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildModel,
  buildProxyEvent,
  discoverAssemblies,
  incomingRequest,
  loadAssembly,
  parseProxyResponse,
  RestRoutes,
  type FunctionDef,
  type MethodDef,
  type RestApiDef,
} from '@shop/local-cloud';
import { functionEnvironment } from './function-environment';

const { values } = parseArgs({
  options: {
    assemblies: { type: 'string', default: 'dist/apps' },
    path: { type: 'string' },
    dynamodb: { type: 'string' },
    port: { type: 'string' },
    processes: { type: 'string', default: String(cpus().length) },
  },
});

interface Route {
  api: RestApiDef;
  method: MethodDef;
  pathParameters: Record<string, string> | null;
  fn: FunctionDef;
}

/** The route and function the local cloud's gateway would pick for `GET path`. */
function resolveRoute(assembliesRoot: string, path: string): Route {
  const stacks = discoverAssemblies(assembliesRoot).flatMap((location) => loadAssembly(location));
  const model = buildModel(stacks, { sqsEndpoint: 'http://127.0.0.1:0', workDir: join(tmpdir(), 'local-cloud-bench-floor') });
  for (const api of model.restApis) {
    for (const basePath of api.basePaths) {
      if (!path.startsWith(`/${basePath}/`) && path !== `/${basePath}`) continue;
      const match = new RestRoutes(api).match('GET', path.slice(basePath.length + 1) || '/');
      if (match.kind !== 'method' || match.method.integration.type !== 'AWS_PROXY') continue;
      const { functionName } = match.method.integration;
      const fn = model.functions.find((candidate) => candidate.name === functionName);
      if (fn) return { api, method: match.method, pathParameters: match.pathParameters, fn };
    }
  }
  throw new Error(`no Lambda proxy route for GET ${path} in ${assembliesRoot}`);
}

function serve(route: Route, dynamodb: string, port: number): void {
  const { api, method, pathParameters, fn } = route;
  // The environment the local cloud gives the function, with only DynamoDB reachable.
  Object.assign(process.env, {
    ...functionEnvironment(fn),
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
  });
  // The function's logs are dropped, as the bench's local cloud drops them (LOCAL_CLOUD_FUNCTION_LOGS=none).
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const dot = fn.handler.lastIndexOf('.');
  const loaded = createRequire(join(fn.codeDir, 'index.js'))(join(fn.codeDir, `${fn.handler.slice(0, dot)}.js`)) as Record<string, unknown>;
  const handler = loaded[fn.handler.slice(dot + 1)] as (event: unknown, context: unknown) => Promise<unknown>;
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const requestId = randomUUID();
    // GET only: the body is not read.
    const event = buildProxyEvent(incomingRequest(req, Buffer.alloc(0)), {
      api,
      method,
      pathParameters,
      requestId,
      extendedRequestId: requestId,
      traceId: `Root=1-00000000-${requestId.replace(/-/g, '').slice(0, 24)}`,
      now: Date.now(),
    });
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const context = {
      functionName: fn.name,
      awsRequestId: requestId,
      memoryLimitInMB: String(fn.memorySize),
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    handler(event, context).then(
      (result) => {
        const answer = parseProxyResponse(result);
        if (!answer.ok) {
          res.writeHead(502).end(answer.reason);
          return;
        }
        res.writeHead(answer.statusCode, answer.headers.flat());
        res.end(answer.body);
      },
      (error: Error) => res.writeHead(502).end(error.message),
    );
  });
  server.listen(port, '127.0.0.1', () => process.send?.('listening'));
}

function main(): void {
  const path = values.path;
  const dynamodb = values.dynamodb;
  const port = Number(values.port);
  if (!path || !dynamodb || !port)
    throw new Error('usage: bench-floor-server --path /products/SKU --dynamodb http://127.0.0.1:PORT --port N');
  const route = resolveRoute(values.assemblies, path);
  if (cluster.isPrimary) {
    // The table the function reads, for the bench's raw GetItem next to it.
    const tableName = route.fn.environment.TABLE_NAME;
    if (!tableName) throw new Error(`${route.fn.name} has no TABLE_NAME variable: no table to read raw`);
    const processes = Math.max(1, Number(values.processes));
    let listening = 0;
    for (let index = 0; index < processes; index += 1) {
      cluster.fork().on('message', (message) => {
        if (message === 'listening' && ++listening === processes) process.stdout.write(`ready ${route.fn.name} ${tableName}\n`);
      });
    }
    cluster.on('exit', (_worker, code) => {
      if (code !== 0) process.exit(1);
    });
    process.on('SIGTERM', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
      process.exit(0);
    });
    return;
  }
  serve(route, dynamodb, port);
}

main();
