/**
 * The AWS front door between a gateway and a stand-in emulator, both on 127.0.0.1: what is
 * forwarded, what comes back (read whole, sent in one write), queue URLs rewritten, faults answered in the door, an
 * emulator that does not answer.
 */
import http, { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gateway } from '../api/gateway';
import { FaultRegistry } from '../faults/registry';
import { parseFaultRule } from '../faults/rules';
import { memoryLogger } from '../log';
import { freePort } from '../net';
import { awsFrontDoor } from './front-door';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
/** The stand-in emulator: answers `reply(request)` in two chunks (the door puts them back together); `cut` resets the connection after the first. */
let reply: (request: Seen) => { status: number; headers: Record<string, string>; body: string; cut?: boolean } = () => ({
  status: 200,
  headers: {},
  body: '{}',
});
let emulator: Server;
let gatewayServer: Server;
let base: string;
let upstreamHost: string;
const faults = new FaultRegistry({ logger: memoryLogger() });
const agent = new http.Agent({ keepAlive: true });

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  emulator = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      const answer = reply(request);
      res.writeHead(answer.status, answer.headers);
      const half = Math.floor(answer.body.length / 2);
      res.write(answer.body.slice(0, half));
      setTimeout(() => (answer.cut ? req.socket.resetAndDestroy() : res.end(answer.body.slice(half))), 20);
    });
  });
  const upstream = `http://127.0.0.1:${await listen(emulator)}`;
  upstreamHost = new URL(upstream).host;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The control plane's guard is tested on its own (and with the door, on the fixture assemblies): here it lets all through.
  const guard = { covers: () => false, check: async () => undefined };
  const gateway = new Gateway({ logger: memoryLogger(), guard, functionPool: () => undefined, authorizer: () => undefined });
  gateway.addLocalHandler('/_aws/dynamodb', awsFrontDoor({ upstream, agent, faults: { service: 'dynamodb', registry: faults } }));
  gateway.addLocalHandler(
    '/_aws/sqs',
    awsFrontDoor({ upstream, agent, faults: { service: 'sqs', registry: faults }, queueUrlBase: `${base}/_aws/sqs` }),
  );
  gateway.addLocalHandler(
    '/_aws/sns',
    awsFrontDoor({ upstream: `http://127.0.0.1:${await freePort()}`, agent, faults: { service: 'sns', registry: faults } }),
  );
  gatewayServer = createServer(gateway.listener);
  await new Promise<void>((resolve) => gatewayServer.listen(port, '127.0.0.1', () => resolve()));
});

afterAll(async () => {
  agent.destroy();
  gatewayServer.closeAllConnections();
  emulator.closeAllConnections();
  await Promise.all([new Promise((resolve) => gatewayServer.close(resolve)), new Promise((resolve) => emulator.close(resolve))]);
});

beforeEach(() => {
  seen.length = 0;
  faults.clear();
});

const post = (path: string, target: string | undefined, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request',
      ...(target ? { 'x-amz-target': target } : {}),
      ...headers,
    },
    body,
  });

describe('AWS front door', () => {
  it('forwards the call as it came (to the emulator root, its own Host) and sends the answer back with status and headers', async () => {
    const large = JSON.stringify({ Items: Array.from({ length: 2000 }, (_item, index) => ({ pk: { S: `item-${index}` } })) });
    reply = () => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': '12345', 'x-amzn-requestid': 'req-up' },
      body: large,
    });
    const response = await post('/_aws/dynamodb/', 'DynamoDB_20120810.Query', '{"TableName":"orders"}', {
      'x-amz-date': '20260101T000000Z',
    });
    expect([response.status, response.headers.get('x-amz-crc32'), response.headers.get('x-amzn-requestid'), await response.text()]).toEqual(
      [200, '12345', 'req-up', large],
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual(
      expect.objectContaining({
        method: 'POST',
        url: '/',
        body: '{"TableName":"orders"}',
        headers: expect.objectContaining({
          host: upstreamHost,
          'x-amz-target': 'DynamoDB_20120810.Query',
          'x-amz-date': '20260101T000000Z',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request',
          'content-length': '22',
        }),
      }),
    );
  });

  it("passes the emulator's errors through untouched", async () => {
    const body = '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}';
    reply = () => ({ status: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body });
    const response = await post('/_aws/dynamodb', 'DynamoDB_20120810.PutItem', '{"TableName":"orders"}');
    expect([response.status, await response.text()]).toEqual([400, body]);
  });

  it('rewrites queue URLs in the answers that carry them to sit under the door, and leaves the others as they are', async () => {
    reply = (request) =>
      request.headers['x-amz-target'] === 'AmazonSQS.ListQueues'
        ? {
            status: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: '{"QueueUrls":["http://sqs.us-east-1.localhost:4566/000000000000/a","http://127.0.0.1:9/000000000000/b"]}',
          }
        : {
            status: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: '{"MessageId":"m","QueueUrl":"http://127.0.0.1:9/000000000000/b"}',
          };
    const listed = await post('/_aws/sqs/', 'AmazonSQS.ListQueues', '{}').then((response) => response.json());
    expect(listed).toEqual({ QueueUrls: [`${base}/_aws/sqs/000000000000/a`, `${base}/_aws/sqs/000000000000/b`] });
    const sent = await post('/_aws/sqs/', 'AmazonSQS.SendMessage', '{"QueueUrl":"x","MessageBody":"y"}').then((response) =>
      response.json(),
    );
    expect(sent).toEqual({ MessageId: 'm', QueueUrl: 'http://127.0.0.1:9/000000000000/b' });
  });

  it('answers a matching fault itself, in the service protocol, without reaching the emulator; other calls pass', async () => {
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
    reply = () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    const other = await post('/_aws/dynamodb', 'DynamoDB_20120810.PutItem', '{"TableName":"shop-local-basket-Baskets"}');
    const failed = await post('/_aws/dynamodb', 'DynamoDB_20120810.PutItem', '{"TableName":"shop-local-order-orders"}');
    const after = await post('/_aws/dynamodb', 'DynamoDB_20120810.PutItem', '{"TableName":"shop-local-order-orders"}');
    expect([other.status, failed.status, after.status]).toEqual([200, 400, 200]);
    expect(await failed.json()).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: expect.any(String),
    });
    expect(seen.map((request) => JSON.parse(request.body).TableName)).toEqual(['shop-local-basket-Baskets', 'shop-local-order-orders']);
  });

  it('answers as the service does when down when the emulator resets its connection in the middle of an answer (and does not send the call again)', async () => {
    reply = () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    // A first call leaves a kept-alive connection for the second to reuse.
    const first = await post('/_aws/dynamodb', 'DynamoDB_20120810.PutItem', '{"TableName":"first"}');
    expect([first.status, await first.text()]).toEqual([200, '{}']);
    reply = () => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': '64' },
      body: JSON.stringify({ Attributes: { pk: { S: 'x'.repeat(30) } } }),
      cut: true,
    });
    const cut = await post('/_aws/dynamodb', 'DynamoDB_20120810.PutItem', '{"TableName":"cut"}');
    expect([cut.status, await cut.text()]).toEqual([500, expect.stringContaining('InternalServerError')]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.map((request) => JSON.parse(request.body).TableName)).toEqual(['first', 'cut']);
  });

  it('answers as the service does when down while its emulator does not answer', async () => {
    const response = await post('/_aws/sns', undefined, 'Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect([response.status, await response.text()]).toEqual([503, expect.stringContaining('<Code>ServiceUnavailable</Code>')]);
  });
});
