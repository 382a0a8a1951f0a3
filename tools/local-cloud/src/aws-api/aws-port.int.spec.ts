/**
 * A function's AWS SDK calls over its worker's port (lambda/aws-port.ts, gateway.ts `serveAwsCall`), with the real
 * SDK clients in this process standing in for a function's: the answers the SDK parses, what reaches the emulator,
 * that none of it crosses the gateway's HTTP server, IAM and fault answers from the front door, the calls that
 * keep to HTTP, and the DynamoDB calls the worker sends to the emulator itself once their kind is admitted
 * (lambda/dynamodb-direct.ts).
 */
import http, { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { Gateway } from '../api/gateway';
import { FaultRegistry } from '../faults/registry';
import { parseFaultRule } from '../faults/rules';
import { awsPort } from '../lambda/aws-port';
import { DirectDynamodbFlags } from '../lambda/dynamodb-direct';
import { memoryLogger } from '../log';
import { awsFrontDoor } from './front-door';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
let reply: (request: Seen) => string = () => '{}';
let emulator: Server;
let gatewayServer: Server;
let base: string;
let upstreamPort: number;
let httpRequests = 0;
let portCalls = 0;
const flags = new DirectDynamodbFlags();
// As the local cloud wires it (runtime/cloud-runtime.ts): a listed DynamoDB rule sends every DynamoDB call over the port.
const faults: FaultRegistry = new FaultRegistry({ logger: memoryLogger(), onChange: () => flags.setWatched(faults.lists('dynamodb')) });
/** Whether the DynamoDB door admits the kinds of the calls it answers (as it does with IAM off or allowing them). */
let admitting = false;
const agent = new http.Agent({ keepAlive: true });
const clients: { destroy(): void }[] = [];

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

const credentials = { accessKeyId: 'AKIDFUNCTIONROLE', secretAccessKey: 'local' };
const dynamodb = (endpoint = `${base}/_aws/dynamodb`) => {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  emulator = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(reply(request));
    });
  });
  upstreamPort = await listen(emulator);
  // Node's Agent queues every request it sends through addRequest (not in its typings).
  const counted = agent as unknown as { addRequest: (...args: unknown[]) => void };
  const addRequest = counted.addRequest.bind(agent);
  counted.addRequest = (...args) => {
    doorForwards++;
    addRequest(...args);
  };
  const upstream = `http://127.0.0.1:${upstreamPort}`;
  // The control plane's guard is tested on its own (and with the door, on the fixture assemblies): here it lets all through.
  const guard = { covers: () => false, check: async () => undefined };
  const gateway = new Gateway({ logger: memoryLogger(), guard, functionPool: () => undefined, authorizer: () => undefined });
  gatewayServer = createServer((req, res) => {
    httpRequests++;
    gateway.listener(req, res);
  });
  base = `http://127.0.0.1:${await listen(gatewayServer)}`;
  const doorOptions = { upstream, agent, faults: { service: 'dynamodb' as const, registry: faults }, accessKeyId: 'LOCALDATABASEKEY' };
  const door = awsFrontDoor(doorOptions);
  const admittingDoor = awsFrontDoor({ ...doorOptions, admits: true });
  gateway.addLocalHandler('/_aws/dynamodb', (request) => (admitting ? admittingDoor : door)(request));
  gateway.addLocalHandler(
    '/_aws/sqs',
    awsFrontDoor({ upstream, agent, faults: { service: 'sqs', registry: faults }, queueUrlBase: `${base}/_aws/sqs` }),
  );
  const port = awsPort(
    base,
    (call) => {
      portCalls++;
      void gateway.serveAwsCall(call).then((answer) => port.settle(answer));
    },
    { endpoint: upstream, accessKeyId: 'LOCALDATABASEKEY', flags: flags.buffer },
  );
  // The module cache a worker holds after its cold start, here with the one copy of the SDK's HTTP handler this process has.
  const { requestHandler } = dynamodb().config as unknown as { requestHandler: { constructor: unknown } };
  const cache = {
    '/x/node_modules/@smithy/node-http-handler/dist-cjs/index.js': { exports: { NodeHttpHandler: requestHandler.constructor } },
  };
  expect(port.wrapLoadedHandlers(cache)).toBe(1);
  // Once is enough: a second look at the same cache wraps nothing again.
  expect(port.wrapLoadedHandlers(cache)).toBe(0);
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  agent.destroy();
  gatewayServer.closeAllConnections();
  emulator.closeAllConnections();
  await Promise.all([new Promise((resolve) => gatewayServer.close(resolve)), new Promise((resolve) => emulator.close(resolve))]);
});

/** Calls the front doors forwarded, over their keep-alive agent. */
let doorForwards = 0;

beforeEach(() => {
  doorForwards = 0;
  seen.length = 0;
  httpRequests = 0;
  portCalls = 0;
  faults.clear();
  admitting = false;
  flags.forgetAdmissions();
});

describe("a function's AWS calls over its worker's port", () => {
  it('sends a DynamoDB call through the front door (under the database key), none of it over the HTTP server, and the SDK reads the answer', async () => {
    reply = () => JSON.stringify({ Item: { pk: { S: 'sku-1' }, price: { N: '12' } } });
    const { Item } = await dynamodb().send(new GetItemCommand({ TableName: 'products', Key: { pk: { S: 'sku-1' } } }));
    expect(Item).toEqual({ pk: { S: 'sku-1' }, price: { N: '12' } });
    expect([portCalls, httpRequests, doorForwards]).toEqual([1, 0, 1]);
    expect(seen).toEqual([
      expect.objectContaining({
        url: '/',
        body: JSON.stringify({ TableName: 'products', Key: { pk: { S: 'sku-1' } } }),
        headers: expect.objectContaining({
          host: `127.0.0.1:${upstreamPort}`,
          'x-amz-target': 'DynamoDB_20120810.GetItem',
          authorization: expect.stringContaining('Credential=LOCALDATABASEKEY/'),
        }),
      }),
    ]);
  });

  it("answers a matching fault rule in the front door: the SDK gets the service's error, the emulator never sees the call", async () => {
    const parsed = parseFaultRule({
      kind: 'aws',
      service: 'dynamodb',
      operations: ['PutItem'],
      resource: 'orders',
      error: 'throttle',
      count: 1,
    });
    if (!parsed.ok) throw new Error(parsed.problem.message);
    faults.add(parsed.rule);
    const put = () => dynamodb().send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'o-1' } } }));
    await expect(put()).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
    expect(seen).toHaveLength(0);
    await put();
    expect(seen).toHaveLength(1);
    expect([portCalls, httpRequests]).toEqual([2, 0]);
  });

  it('answers an SQS call as the front door does (queue URLs rewritten to sit under it), none of it over the HTTP server', async () => {
    reply = () => JSON.stringify({ QueueUrls: ['http://127.0.0.1:9/000000000000/orders'] });
    const sqs = new SQSClient({ endpoint: `${base}/_aws/sqs`, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(sqs);
    const { QueueUrls } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'ord' }));
    expect(QueueUrls).toEqual([`${base}/_aws/sqs/000000000000/orders`]);
    expect(seen).toEqual([expect.objectContaining({ url: '/', body: JSON.stringify({ QueueNamePrefix: 'ord' }) })]);
    expect([portCalls, httpRequests, doorForwards]).toEqual([1, 0, 1]);
  });

  it("answers a path no local handler serves with the gateway's 404", async () => {
    await expect(dynamodb(`${base}/_aws/nothing`).send(new GetItemCommand({ TableName: 't', Key: {} }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    expect([portCalls, httpRequests, seen.length]).toEqual([1, 0, 0]);
  });

  it('leaves a call to any other endpoint on HTTP', async () => {
    reply = () => JSON.stringify({ Item: { pk: { S: 'direct' } } });
    const { Item } = await dynamodb(`http://127.0.0.1:${upstreamPort}`).send(
      new GetItemCommand({ TableName: 't', Key: { pk: { S: 'direct' } } }),
    );
    expect(Item).toEqual({ pk: { S: 'direct' } });
    expect(seen[0].headers.authorization).toContain('Credential=AKIDFUNCTIONROLE/');
    expect([portCalls, httpRequests]).toEqual([0, 0]);
  });

  it('gives up on a call aborted before the main thread answers, and keeps a call it does not cover on the wrapped handler', async () => {
    const unanswered = awsPort(base, () => undefined);
    const original = jest.fn(async () => ({ response: { statusCode: 200, headers: {}, body: new Uint8Array() } }));
    class StandIn {
      handle(...args: unknown[]) {
        return original(...(args as []));
      }
    }
    unanswered.wrapLoadedHandlers({
      '/y/node_modules/@smithy/node-http-handler/dist-cjs/index.js': { exports: { NodeHttpHandler: StandIn } },
    });
    const request = (path: string, body: unknown = '{}') => ({
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: Number(new URL(base).port),
      path,
      method: 'POST',
      headers: {},
      body,
    });
    const controller = new AbortController();
    const call = new StandIn().handle(request('/_aws/dynamodb'), { abortSignal: controller.signal });
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    // S3 and a streamed body stay on HTTP: the wrapped handler sends them.
    await new StandIn().handle(request('/_aws/s3/bucket/key'));
    await new StandIn().handle(request('/_aws/dynamodb', Readable.from(['{}'])));
    expect(original).toHaveBeenCalledTimes(2);
  });
});

describe('DynamoDB calls the worker sends itself, once the main thread admitted their kind', () => {
  const get = (sku: string, table = 'products') => dynamodb().send(new GetItemCommand({ TableName: table, Key: { pk: { S: sku } } }));

  it('sends the next calls of an admitted kind straight to the emulator, under the database key; another kind still over the port', async () => {
    admitting = true;
    reply = (request) => JSON.stringify({ Item: JSON.parse(request.body).Key });
    const directBefore = flags.directCalls;
    expect((await get('sku-1')).Item).toEqual({ pk: { S: 'sku-1' } });
    expect([portCalls, doorForwards, seen.length]).toEqual([1, 1, 1]);
    expect((await get('sku-2')).Item).toEqual({ pk: { S: 'sku-2' } });
    // The emulator saw the second call, the door did not forward it: the worker sent it.
    expect([portCalls, doorForwards, seen.length, httpRequests]).toEqual([1, 1, 2, 0]);
    expect(flags.directCalls - directBefore).toBe(1);
    expect(seen[1]).toEqual(
      expect.objectContaining({
        url: '/',
        body: JSON.stringify({ TableName: 'products', Key: { pk: { S: 'sku-2' } } }),
        headers: expect.objectContaining({
          host: `127.0.0.1:${upstreamPort}`,
          'x-amz-target': 'DynamoDB_20120810.GetItem',
          authorization: expect.stringContaining('Credential=LOCALDATABASEKEY/'),
        }),
      }),
    );
    // A GetItem on another table, and a PutItem on this one, are other kinds: over the port, each admitted in turn.
    await get('o-1', 'orders');
    await dynamodb().send(new PutItemCommand({ TableName: 'products', Item: { pk: { S: 'sku-3' } } }));
    expect([portCalls, doorForwards]).toEqual([3, 3]);
  });

  it('never admits a kind the door did not: each call goes over the port', async () => {
    await get('sku-1');
    await get('sku-2');
    expect([portCalls, doorForwards, seen.length]).toEqual([2, 2, 2]);
  });

  it('sends every call over the port while a DynamoDB fault rule is listed, where the rule answers; a new set of templates forgets what was admitted', async () => {
    admitting = true;
    await get('sku-1');
    const parsed = parseFaultRule({
      kind: 'aws',
      service: 'dynamodb',
      operations: ['GetItem'],
      resource: 'products',
      error: 'throttle',
      count: 1,
    });
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const rule = faults.add(parsed.rule);
    await expect(get('sku-2')).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    // Spent, but listed: still over the port.
    await get('sku-3');
    expect([portCalls, seen.length]).toEqual([3, 2]);
    faults.remove(rule?.id ?? '');
    await get('sku-4');
    expect([portCalls, seen.length]).toEqual([3, 3]);
    flags.forgetAdmissions();
    await get('sku-5');
    expect([portCalls, seen.length]).toEqual([4, 4]);
  });

  it('gives up on a direct call aborted before the emulator answers', async () => {
    admitting = true;
    await get('sku-1');
    const controller = new AbortController();
    const pending = dynamodb().send(new GetItemCommand({ TableName: 'products', Key: { pk: { S: 'sku-2' } } }), {
      abortSignal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(portCalls).toBe(1);
  });
});
