import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { incomingRequest } from '../api/gateway';
import { buildFunctionUrlEvent, functionUrlResponse, localIamIdentity } from '../api/function-url-event';
import { functionNameOf, stableId } from '../assembly/naming';
import { LOCAL_ACCESS_KEY_ID } from '../control-plane/secret';
import { SigV4Verifier } from '../control-plane/sigv4';
import type { CloudRuntime } from '../runtime/cloud-runtime';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    functionUrls: FunctionUrlDef[];
  }
}

export interface FunctionUrlDef extends ResourceBase {
  functionName: string;
  /** `NONE` (anyone) or `AWS_IAM` (a SigV4 signature with the local credentials). */
  authType: string;
  /** `BUFFERED`; `RESPONSE_STREAM` is answered buffered. */
  invokeMode: string;
  /** The id in `<url-id>.lambda-url.<region>.on.aws`: stable across restarts. */
  urlId: string;
  /** `Cors` is read but not applied locally (a warning says so). */
  cors: boolean;
}

/** Lambda's limit on a synchronous invocation's payload, which a function URL's request must fit in. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

/** One function URL served on its own loopback port (its path is the function's `rawPath`, as on AWS). */
class FunctionUrlServer {
  readonly server: Server;
  private verifier?: { secret: string; verifier: SigV4Verifier };

  constructor(
    public def: FunctionUrlDef,
    private readonly runtime: CloudRuntime,
  ) {
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
      });
      req.on('end', () => {
        if (size > MAX_REQUEST_BYTES) {
          res
            .writeHead(413, { 'Content-Type': 'application/json' })
            .end(`{"Message":"Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation"}`);
          return;
        }
        this.answer(incomingRequest(req, Buffer.concat(chunks))).then(
          ({ statusCode, headers, body }) => res.writeHead(statusCode, headers.flat()).end(body),
          (error: Error) => {
            runtime.logger.error(`function URL ${this.def.functionName}: ${error.stack ?? error}`);
            res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"Message":"Internal Server Error"}');
          },
        );
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async listen(): Promise<void> {
    this.server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async answer(
    request: ReturnType<typeof incomingRequest>,
  ): Promise<{ statusCode: number; headers: [string, string][]; body: Buffer | string }> {
    const requestId = randomUUID();
    const json = (statusCode: number, body: unknown, errorType?: string) => ({
      statusCode,
      headers: [
        ['Content-Type', 'application/json'],
        ['x-amzn-RequestId', requestId],
        ...(errorType ? [['x-amzn-ErrorType', errorType] as [string, string]] : []),
      ] as [string, string][],
      body: JSON.stringify(body),
    });
    const started = performance.now();
    const log = (statusCode: number, note = '') =>
      this.runtime.logger.line(
        'http',
        `${request.httpMethod} ${this.url.slice(0, -1)}${request.path} ${statusCode} ${(performance.now() - started).toFixed(1)}ms (function URL → ${this.def.functionName})${note}`,
      );
    let iam: ReturnType<typeof localIamIdentity> | undefined;
    if (this.def.authType === 'AWS_IAM') {
      const verification = await this.verifierFor(this.runtime.secret).verify(request);
      if (!verification.ok) {
        log(403, ` (AWS_IAM: ${verification.code})`);
        return json(403, { Message: 'Forbidden' }, 'AccessDeniedException');
      }
      iam = localIamIdentity(LOCAL_ACCESS_KEY_ID);
    }
    const pool = this.runtime.pools.get(this.def.functionName);
    if (!pool) {
      log(502, ' (function not running)');
      return json(502, { Message: null }, 'ResourceNotFoundException');
    }
    const event = buildFunctionUrlEvent(request, { urlId: this.def.urlId, requestId, now: Date.now(), iam });
    const outcome = await pool.invoke(event, { correlationId: event.headers['x-correlation-id'] ?? requestId, source: 'url' });
    if (!outcome.ok) {
      log(502, ` (${outcome.error?.errorType}: ${outcome.error?.errorMessage})`);
      return json(502, { Message: 'Internal Server Error' });
    }
    const response = functionUrlResponse(outcome.payload);
    log(response.statusCode);
    return { ...response, headers: [['x-amzn-RequestId', requestId], ...response.headers] };
  }

  private verifierFor(secret: string | undefined): SigV4Verifier {
    if (!secret) throw new Error('the control secret is made at start');
    if (this.verifier?.secret !== secret)
      this.verifier = {
        secret,
        verifier: new SigV4Verifier({
          accessKeyId: LOCAL_ACCESS_KEY_ID,
          // A function's own key signs with the same secret (iam/access-keys.ts).
          acceptsAccessKeyId: (key) => this.runtime.iamGate.keys.accepts(key),
          secretAccessKey: secret,
        }),
      };
    return this.verifier.verifier;
  }
}

/** The URL servers running for each local cloud, by `<stack>/<logical id>` (a redeploy keeps a URL's port). */
const running = new WeakMap<CloudRuntime, Map<string, FunctionUrlServer>>();
function serversOf(runtime: CloudRuntime): Map<string, FunctionUrlServer> {
  let servers = running.get(runtime);
  if (!servers) running.set(runtime, (servers = new Map()));
  return servers;
}
const idOf = (def: FunctionUrlDef) => `${def.stackName}/${def.logicalId}`;

/**
 * `AWS::Lambda::Url`: the function served over HTTP with payload format 2.0 on its own loopback
 * port, listed in `/_local/resources` and the start banner. `AuthType: NONE` lets anyone in;
 * `AWS_IAM` answers 403 unless the request carries a valid SigV4 signature made with the local
 * credentials (access key id `LOCALCLOUDCONTROL`, the control secret).
 */
export const functionUrls = resourceKind<'functionUrls', FunctionUrlDef, FunctionUrlDef[]>({
  key: 'functionUrls',
  types: ['AWS::Lambda::Url'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const props = propertiesOf(context.resolver, logicalId);
      return {
        ...context.base(logicalId),
        functionName: functionNameOf(String(props('TargetFunctionArn'))),
        authType: String(props('AuthType') ?? 'NONE'),
        invokeMode: String(props('InvokeMode') ?? 'BUFFERED'),
        urlId: stableId(`${context.stack.stackName}/${logicalId}`, 32),
        cors: props('Cors') !== undefined,
      };
    }),
  apply: async (defs, { runtime }) => {
    const servers = serversOf(runtime);
    for (const def of defs) {
      if (def.cors) runtime.logger.warn(`function URL ${def.stackName}/${def.logicalId}: Cors is not applied locally`);
      const server = servers.get(idOf(def));
      if (server) server.def = def;
      else {
        const started = new FunctionUrlServer(def, runtime);
        await started.listen();
        servers.set(idOf(def), started);
      }
    }
    return defs;
  },
  teardown: async (state, { runtime }, next) => {
    const servers = serversOf(runtime);
    for (const def of state) {
      if (next?.some((candidate) => idOf(candidate) === idOf(def))) continue;
      await servers.get(idOf(def))?.close();
      servers.delete(idOf(def));
    }
  },
  describe: (_model, runtime) => ({
    functionUrls: [...serversOf(runtime).values()].map(({ def, url }) => ({
      service: def.service,
      functionName: def.functionName,
      authType: def.authType,
      url,
    })),
  }),
  urls: (runtime) =>
    [...serversOf(runtime).values()].map(({ def, url }) => ({
      service: def.service,
      name: `${def.functionName} (function URL, ${def.authType})`,
      url,
    })),
});
