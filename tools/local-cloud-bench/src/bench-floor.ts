/**
 * The floor of `local-cloud-bench:bench`: the same GET load, in the same minute, on what is left
 * when the local cloud is taken away, so that its numbers read against what this machine can do at all:
 * - DynamoDB Local alone: the GetItem the function makes, sent raw (no SDK) to the local cloud's
 *   DynamoDB Local;
 * - the function alone: its bundle called in-process by a bare HTTP server, one process per core
 *   (`bench-floor-server.ts`), against the same DynamoDB Local.
 * Neither has a gateway, an authorizer or worker threads; the second still pays for the function's
 * AWS SDK calls, as it would in Lambda.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { awsJsonCall, freePort } from '@shop/local-cloud';
import { stop } from './bench-process';
import { closedLoop, getter, measureLoad, openLoop, poster, type Measured } from './load';
import { DYNAMODB_LOCAL, trackProcesses, type TrackedProcesses } from './process-cpu';

export interface FloorOptions {
  /** Directory of the built local cloud (bench-floor-server.mjs). */
  distDir: string;
  workspaceRoot: string;
  assemblies: string;
  /** The local cloud's base URL: its DynamoDB Local is read from `/_local/resources`. */
  localCloud: string;
  /** The local cloud's processes, as the bench tracks them: its DynamoDB Local's JVM among them. */
  localCloudProcesses: TrackedProcesses;
  /** Path of the benchmarked GET, e.g. `/products/BENCH-0001`. */
  path: string;
  /** Value of the `sku` attribute of the item the GET reads. */
  sku: string;
  clients: number;
  warmup: number;
  requests: number;
  rate: number;
  rateSeconds: number;
  maxSeconds: number;
}

export interface FloorResult {
  dynamodb: { fixedRate: Measured };
  handler: { processes: number; functionName: string; throughput: Measured; fixedRate: Measured };
}

const DYNAMODB_HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': 'DynamoDB_20120810.GetItem',
  // DynamoDB Local wants a SigV4-shaped header; it does not check the signature.
  authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
};

export async function measureFloor(options: FloorOptions): Promise<FloorResult> {
  // DynamoDB Local itself: the functions' endpoint is the local cloud's front door, which takes only calls signed with its secret.
  const resources = (await (await fetch(`${options.localCloud}/_local/resources`)).json()) as { emulators: { dynamodb: string } };
  const dynamodb = resources.emulators.dynamodb;
  const javaPid = options.localCloudProcesses.children.find((child) => child.kind === DYNAMODB_LOCAL)?.pid;
  if (!javaPid) throw new Error(`no ${DYNAMODB_LOCAL} process among the local cloud's children`);
  const java: TrackedProcesses = { rootPid: javaPid, rootKind: DYNAMODB_LOCAL, children: [] };

  const port = await freePort();
  const processes = cpus().length;
  const server = spawn(
    process.execPath,
    [
      join(options.distDir, 'bench-floor-server.mjs'),
      '--assemblies',
      options.assemblies,
      '--path',
      options.path,
      '--dynamodb',
      dynamodb,
      '--port',
      String(port),
      '--processes',
      String(processes),
    ],
    { cwd: options.workspaceRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const { functionName, tableName } = await ready(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });

    // DynamoDB Local alone: the item the GET reads, by its table's key.
    const getItem = JSON.stringify({ TableName: tableName, Key: await keyOf(dynamodb, tableName, options.sku), ConsistentRead: false });
    const raw = poster(dynamodb, agent, DYNAMODB_HEADERS, getItem);
    await closedLoop(raw, options.warmup, options.clients, options.maxSeconds);
    const rawRate = await measureLoad(java, () => openLoop(raw, options.rate, options.rateSeconds, options.clients));

    // The function alone, one process per core.
    const get = getter(`http://127.0.0.1:${port}${options.path}`, agent);
    const handlerProcesses = trackProcesses(server.pid ?? 0, 'function alone (node)');
    handlerProcesses.children.push({ pid: javaPid, kind: DYNAMODB_LOCAL });
    await closedLoop(get, options.warmup, options.clients, options.maxSeconds);
    const throughput = await measureLoad(handlerProcesses, () => closedLoop(get, options.requests, options.clients, options.maxSeconds));
    const fixedRate = await measureLoad(handlerProcesses, () => openLoop(get, options.rate, options.rateSeconds, options.clients));
    agent.destroy();
    return { dynamodb: { fixedRate: rawRate }, handler: { processes, functionName, throughput, fixedRate } };
  } finally {
    await stop(server);
  }
}

/** Waits for the floor server's `ready <function> <table>` line. */
async function ready(server: ChildProcess): Promise<{ functionName: string; tableName: string }> {
  let output = '';
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timeout = setTimeout(() => server.kill('SIGKILL'), 60_000);
  try {
    for await (const chunk of server.stdout ?? []) {
      output += String(chunk);
      const line = /^ready (\S+) (\S+)$/m.exec(output);
      if (line) return { functionName: line[1], tableName: line[2] };
    }
    const [code] = server.exitCode === null ? await once(server, 'exit') : [server.exitCode];
    throw new Error(`the floor server exited (${code}): ${output.slice(-2000)}`);
  } finally {
    clearTimeout(timeout);
  }
}

/** The key (by the table's key schema) of the item whose `sku` is `sku`. */
async function keyOf(endpoint: string, tableName: string, sku: string): Promise<Record<string, unknown>> {
  const { Table } = await awsJsonCall<{ Table: { KeySchema: { AttributeName: string }[] } }>(endpoint, 'DynamoDB_20120810.DescribeTable', {
    TableName: tableName,
  });
  const { Items } = await awsJsonCall<{ Items: Record<string, { S?: string }>[] }>(endpoint, 'DynamoDB_20120810.Scan', {
    TableName: tableName,
    FilterExpression: 'sku = :sku',
    ExpressionAttributeValues: { ':sku': { S: sku } },
  });
  const item = Items[0];
  if (!item) throw new Error(`no item with sku ${sku} in ${tableName}`);
  return Object.fromEntries(Table.KeySchema.map(({ AttributeName }) => [AttributeName, item[AttributeName]]));
}
