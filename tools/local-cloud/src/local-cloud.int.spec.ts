/**
 * The built local cloud (dist/tools/local-cloud/main.mjs) on the hand-written fixture assemblies,
 * driven over HTTP and the AWS SDK as a developer would: DynamoDB Local, fauxqs, worker threads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, QueryCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SignatureV4 } from '@smithy/signature-v4';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { discoverAssemblies, loadAssembly } from './assembly/cloud-assembly';
import { buildModel } from './assembly/model';
import { issueIdToken, loadOrCreateSigningKey } from './auth/tokens';
import { CONTROL_SECRET_HEADER, controlSecretPath, LOCAL_ACCESS_KEY_ID, readControlSecret } from './control-plane/secret';
import { NodeSha256 } from './control-plane/sigv4';
import { freePort } from './net';

/** The value, or a failed test when it is missing. */
const defined = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('expected a value');
  return value;
};

const ROOT = join(__dirname, '../../..');
const FIXTURES = join(__dirname, '../fixtures/assemblies');
const MAIN = join(ROOT, 'dist/tools/local-cloud/main.mjs');
const NODE = join(ROOT, 'node_modules/.bin/node');

const stateDir = mkdtempSync(join(tmpdir(), 'local-cloud-int-'));
// POST /_local/deploy loads a `dir` only from the workspace's dist/: the redeployed copy of the fixture goes there.
mkdirSync(join(ROOT, 'dist'), { recursive: true });
const distCopies = mkdtempSync(join(ROOT, 'dist', 'local-cloud-int-'));
const pool = buildModel(discoverAssemblies(FIXTURES).flatMap(loadAssembly), { sqsEndpoint: 'http://x', workDir: stateDir }).userPools[0];

let child: ChildProcess;
let port: number;
let base: string;
let output = '';
let resources: {
  endpoints: Record<string, string>;
  emulators: { dynamodb: string; sqs: string };
  tables: { tableName: string }[];
  queues: { name: string; url: string }[];
};
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

const token = async (username: string, groups: string[], overrides: { ttlSeconds?: number; now?: number } = {}) =>
  issueIdToken(await loadOrCreateSigningKey(stateDir), {
    username,
    groups,
    userPoolId: pool.id,
    clientId: pool.clientIds[0],
    ...overrides,
  });

async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as Record<string, unknown> };
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx nx run local-cloud:build first`);
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(NODE, [MAIN, '--no-seed'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      LOCAL_CLOUD_ASSEMBLIES: FIXTURES,
      LOCAL_CLOUD_SERVICES: 'catalog,platform',
      LOCAL_CLOUD_STATE_DIR: stateDir,
      NO_COLOR: '1',
      // A DynamoDB Local of its own, not the run's shared one: the last test checks that a stop reaps it.
      LOCAL_CLOUD_DYNAMODB_ENDPOINT: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
}, 30_000);

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGKILL');
  }
  if (process.env.LOCAL_CLOUD_TEST_OUTPUT) writeFileSync(process.env.LOCAL_CLOUD_TEST_OUTPUT, output);
  rmSync(distCopies, { recursive: true, force: true });
});

/** The secret the running local cloud wrote in its state dir: what the project's tools send. */
const secretHeader = () => ({ [CONTROL_SECRET_HEADER]: readControlSecret(stateDir) });

/** A raw HTTP/1.1 request: the path goes out exactly as written (fetch would normalize `..` and `%2e`) and Host can be set. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, setHost: !Object.keys(headers).some((name) => name.toLowerCase() === 'host') },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('local cloud on the fixture assemblies', () => {
  it('answers 503 on /_local/health while starting, then 200 once every part is up', async () => {
    const statuses = new Set<number>();
    await eventually(async () => {
      const status = await fetch(`${base}/_local/health`).then(
        (response) => response.status,
        () => 0,
      );
      statuses.add(status);
      return status === 200 ? true : undefined;
    }, 30_000);
    expect(statuses.has(200)).toBe(true);
    expect([...statuses].every((status) => [0, 200, 503].includes(status))).toBe(true);
    resources = (await call('GET', '/_local/resources')).json as never;
    // One line of counts by type; the resources themselves are in /_local/resources.
    expect(output).toMatch(
      /not emulated: 9 resources of \d+ types \(AWS::[A-Za-z:]+ \d+(, AWS::[A-Za-z:]+ \d+)*\); the list: GET \/_local\/resources\n/,
    );
    expect(output).not.toContain('AuditQueuePolicy8C1B2A3D');
    expect((resources as unknown as { notEmulated: { logicalId: string; type: string }[] }).notEmulated).toContainEqual(
      expect.objectContaining({ logicalId: 'AuditDlqAlarm2F3E4D5C', type: 'AWS::CloudWatch::Alarm' }),
    );
    // Roles, permissions and the queue policy are read by the IAM kind (resources/iam.ts), no longer "not emulated".
    expect((resources as unknown as { iam: Record<string, number> }).iam).toMatchObject({ roles: 6, resourcePolicies: 3 });
  });

  it('serves the API under its base path with a REST proxy event', async () => {
    const response = await call('GET', '/catalog/echo/a%20b?x=1&x=2', { headers: { 'X-Custom': 'yes' } });
    expect(response.status).toBe(200);
    const event = response.json.event as APIGatewayProxyEvent;
    expect(event).toEqual(
      expect.objectContaining({
        resource: '/{proxy+}',
        path: '/catalog/echo/a%20b',
        httpMethod: 'GET',
        pathParameters: { proxy: 'echo/a b' },
        queryStringParameters: { x: '2' },
        multiValueQueryStringParameters: { x: ['1', '2'] },
        stageVariables: { flavour: 'local' },
        body: null,
        isBase64Encoded: false,
      }),
    );
    expect(event.headers['X-Custom']).toBe('yes');
    expect(event.requestContext).toEqual(
      expect.objectContaining({
        stage: 'prod',
        resourcePath: '/{proxy+}',
        httpMethod: 'GET',
        path: '/catalog/echo/a%20b',
        accountId: '000000000000',
      }),
    );
    expect(response.json.context).toEqual(
      expect.objectContaining({ functionName: 'shop-local-catalog-RouterFunction0A5B7C3D', awsRequestId: expect.any(String) }),
    );
  });

  it("gives the function its template environment, the local cloud's AWS endpoints and a tracer that needs no daemon", async () => {
    const { env } = (await call('GET', '/catalog/env')).json as { env: Record<string, string> };
    expect(env).toEqual(
      expect.objectContaining({
        TABLE_NAME: 'shop-local-catalog-ItemsTable5AAC2C46',
        USER_POOL_ID: pool.id,
        AWS_LAMBDA_FUNCTION_NAME: 'shop-local-catalog-RouterFunction0A5B7C3D',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_DYNAMODB: `${base}/_aws/dynamodb`,
        AWS_ENDPOINT_URL_SQS: `${base}/_aws/sqs`,
        AWS_ENDPOINT_URL_SNS: `${base}/_aws/sns`,
        AWS_ENDPOINT_URL_SFN: `${base}/_aws/sfn`,
        // on the front door's origin: the SDK sends an SQS call to its QueueUrl's origin
        QUEUE_URL: `${base}/_aws/sqs/000000000000/shop-local-catalog-AuditQueue1E2D3C4B`,
        POWERTOOLS_TRACE_ENABLED: 'false',
        // Its own access key (names the function, so its role: IAM checks its calls), not the control key.
        AWS_ACCESS_KEY_ID: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
        AWS_SECRET_ACCESS_KEY: readControlSecret(stateDir),
      }),
    );
    expect(JSON.stringify(resources)).not.toContain(readControlSecret(stateDir));
    expect(resources.endpoints).toEqual(
      expect.objectContaining({ AWS_ENDPOINT_URL_DYNAMODB: env.AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS: env.AWS_ENDPOINT_URL_SQS }),
    );
  });

  describe('Cognito authorizer', () => {
    it('answers 401 without a token, with a bad signature and with an expired token', async () => {
      const admin = await token('admin', ['admin']);
      const expired = await token('admin', ['admin'], { ttlSeconds: 60, now: Math.floor(Date.now() / 1000) - 3600 });
      for (const bad of [undefined, `${admin}x`, expired]) {
        const response = await call('POST', '/catalog', { token: bad, body: { id: 'X', name: 'x' } });
        expect([response.status, response.json]).toEqual([401, { message: 'Unauthorized' }]);
      }
    });

    it('passes the claims to the function, which answers 403 to a customer and 201 to an admin', async () => {
      const customer = await call('POST', '/catalog', { token: await token('alice', []), body: { id: 'A1', name: 'mug' } });
      expect([customer.status, customer.json]).toEqual([403, { message: 'admin only' }]);
      const admin = await call('POST', '/catalog', {
        token: await token('admin', ['admin']),
        body: { id: 'A1', name: 'mug' },
        headers: { 'x-correlation-id': 'cid-a1' },
      });
      expect(admin.status).toBe(201);
      expect((await call('GET', '/catalog/A1')).json).toEqual({ id: 'A1', name: 'mug' });
      const echo = await call('POST', '/catalog/echo', { token: await token('admin', ['admin']), body: 'hi' });
      expect((echo.json.event as APIGatewayProxyEvent).requestContext.authorizer?.claims).toEqual(
        expect.objectContaining({ 'cognito:groups': 'admin', token_use: 'id', 'cognito:username': 'admin' }),
      );
    });
  });

  describe('what API Gateway answers for broken integrations', () => {
    it.each([
      ['a thrown error', '/catalog/boom'],
      ['a malformed proxy response', '/catalog/bad-response'],
      ['an uncaught exception', '/catalog/crash'],
      ['process.exit', '/catalog/exit'],
      ['a function timeout', '/catalog/slow'],
    ])('answers 502 for %s, and the next request works', async (_case, path) => {
      const response = await call('GET', path);
      expect([response.status, response.json, response.headers.get('x-amzn-errortype')]).toEqual([
        502,
        { message: 'Internal server error' },
        'InternalServerErrorException',
      ]);
      expect((await call('GET', '/catalog/A1')).status).toBe(200);
    });

    it('answers 403 Missing Authentication Token for a method the API does not have, and decodes base64 bodies', async () => {
      expect(await call('DELETE', '/catalog').then((response) => [response.status, response.json])).toEqual([
        403,
        { message: 'Missing Authentication Token' },
      ]);
      const binary = await fetch(`${base}/catalog/binary`).then((response) => response.arrayBuffer());
      expect([...new Uint8Array(binary)]).toEqual([0, 1, 2, 250]);
    });
  });

  describe('events', () => {
    const dynamodb = () => new DynamoDBClient({ endpoint: resources.emulators.dynamodb, region: 'us-east-1', credentials });
    const audits = async (id: string) =>
      (
        await dynamodb().send(
          new QueryCommand({
            TableName: resources.tables[0].tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: `AUDIT#${id}` } },
          }),
        )
      ).Items ?? [];

    it('carries a write through the table stream, the publisher, SNS (filter policy, raw delivery) and SQS to the consumer', async () => {
      await call('POST', '/catalog', {
        token: await token('admin', ['admin']),
        body: { id: 'S1', name: 'streamed' },
        headers: { 'x-correlation-id': 'cid-s1' },
      });
      const items = await eventually(async () => ((await audits('S1')).length ? audits('S1') : undefined));
      expect(items[0]).toEqual(
        expect.objectContaining({
          type: { S: 'ItemCreated' },
          eventSourceARN: { S: 'arn:aws:sqs:us-east-1:000000000000:shop-local-catalog-AuditQueue1E2D3C4B' },
        }),
      );
      expect(output).toMatch(/catalog:PublisherFunction ok .* stream×1 cid=cid-s1/);
      expect(output).toMatch(/catalog:AuditFunction ok .* sqs×1 cid=cid-s1/);
    });

    it('delivers to an SNS subscription with protocol lambda as an SNS event', async () => {
      const notifications = await eventually(async () => {
        const { Items } = await dynamodb().send(
          new QueryCommand({
            TableName: resources.tables[0]?.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: 'NOTIFY#S1' } },
          }),
        );
        return Items?.length ? Items : undefined;
      });
      expect(notifications[0]).toEqual(
        expect.objectContaining({
          eventSource: { S: 'aws:sns' },
          type: { S: 'ItemCreated' },
          topicArn: { S: 'arn:aws:sns:us-east-1:000000000000:shop-local-catalog-EventsTopic3C8F5A21' },
        }),
      );
    });

    it('deletes what succeeded and leaves a failing message to the redrive policy, which moves it to the DLQ', async () => {
      const admin = await token('admin', ['admin']);
      await call('POST', '/catalog/send', { token: admin, body: { id: 'P1', name: 'poison', type: 'Manual' } });
      await call('POST', '/catalog/send', { token: admin, body: { id: 'G1', name: 'good', type: 'Manual' } });
      await eventually(async () => ((await audits('G1')).length ? true : undefined));
      const dlq = defined(resources.queues.find((queue) => queue.name.endsWith('AuditDlq5B0F6C1D')));
      const sqs = new SQSClient({ endpoint: resources.emulators.sqs, region: 'us-east-1', credentials });
      // The DLQ may also hold an earlier test's event whose consumer outlasted the queue's 2 s visibility timeout twice
      // under load (a cold start, as in AWS): look for the poison message among what it holds.
      const poison = await eventually(async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
        );
        return Messages.find((message) => (JSON.parse(message.Body ?? '{}') as { id?: string }).id === 'P1');
      }, 20_000);
      expect(JSON.parse(poison.Body ?? '')).toEqual({ id: 'P1', name: 'poison', type: 'Manual' });
      expect(await audits('P1')).toEqual([]);
    }, 30_000);
  });

  describe('Step Functions', () => {
    const executionOf = async (order: { id: string; sku: string }) => {
      const started = await call('POST', '/catalog/workflow', { token: await token('admin', ['admin']), body: order });
      return started.json.executionArn as string;
    };
    const waitForEnd = (arn: string) =>
      eventually(async () => {
        const { json } = await call('GET', `/catalog/workflow/${encodeURIComponent(arn)}`);
        return json.status === 'RUNNING' ? undefined : json;
      });

    it('runs the state machine from a handler call (StartExecution, DescribeExecution), retrying a transient error', async () => {
      const arn = await executionOf({ id: 'o-1', sku: 'FLAKY' });
      const result = await waitForEnd(arn);
      expect(result.status).toBe('SUCCEEDED');
      expect(JSON.parse(result.output as string)).toEqual(
        expect.objectContaining({
          reserve: { reserved: { reservationId: 'R-o-1', sku: 'FLAKY' } },
          charge: { charged: true, sku: 'FLAKY' },
        }),
      );
      const local = (await call('GET', `/_local/executions/${encodeURIComponent(arn)}`)).json as {
        path: { state: string; status: string }[];
      };
      expect(local.path.map((step) => `${step.state}:${step.status}`)).toEqual([
        'Reserve:retried',
        'Reserve:succeeded',
        'Charge:succeeded',
        'Done:succeeded',
      ]);
    });

    it('routes a business error through Catch to the compensation', async () => {
      const result = await waitForEnd(await executionOf({ id: 'o-2', sku: 'OUT' }));
      expect(result).toEqual(expect.objectContaining({ status: 'FAILED', error: 'OrderCancelled' }));
    });
  });

  describe('faults (/_local/faults), on the calls and invocations of real worker-thread functions', () => {
    interface FaultView {
      id: string;
      hits: number;
      remaining: number | null;
      secondsLeft: number | null;
      active: boolean;
    }
    const dynamodb = () => new DynamoDBClient({ endpoint: resources.emulators.dynamodb, region: 'us-east-1', credentials });
    /** Read straight from DynamoDB Local, past the front door and its faults. */
    const item = async (id: string) =>
      (
        await dynamodb().send(
          new GetItemCommand({ TableName: 'shop-local-catalog-ItemsTable5AAC2C46', Key: { pk: { S: `ITEM#${id}` }, sk: { S: 'ITEM' } } }),
        )
      ).Item;
    const audited = async (id: string) =>
      (
        await dynamodb().send(
          new QueryCommand({
            TableName: 'shop-local-catalog-ItemsTable5AAC2C46',
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: `AUDIT#${id}` } },
          }),
        )
      ).Items ?? [];
    const fault = async (rule: Record<string, unknown>) => {
      const response = await call('POST', '/_local/faults', { body: rule, headers: secretHeader() });
      expect(response.status).toBe(201);
      return response.json as unknown as FaultView;
    };
    const view = async (id: string) => (await call('GET', `/_local/faults/${id}`)).json as unknown as FaultView;
    const create = async (id: string, name: string) =>
      call('POST', '/catalog', { token: await token('admin', ['admin']), body: { id, name } });

    afterEach(async () => {
      await call('DELETE', '/_local/faults', { headers: secretHeader() });
    });

    it("sends a function's AWS calls over its worker's port, not HTTP (the stream relay's too), and its admitted DynamoDB calls straight to DynamoDB Local", async () => {
      const awsCalls = async () =>
        (await call('GET', '/_local/health')).json.awsCalls as { overPort: number; overHttp: number; dynamodbDirect: number };
      const before = await awsCalls();
      for (const id of ['PORT1', 'PORT2']) {
        expect((await create(id, 'over the port')).status).toBe(201);
        await eventually(async () => ((await audited(id)).length ? true : undefined), 20_000);
      }
      const after = await awsCalls();
      // Per item: the PutItem, the stream relay's SNS Publish, the consumer's PutItem, at least. The second item's two
      // PutItems are of a kind IAM admitted with the first: its worker sent them itself.
      expect(after.overPort - before.overPort).toBeGreaterThanOrEqual(2);
      expect(after.dynamodbDirect - before.dynamodbDirect).toBeGreaterThanOrEqual(2);
      expect(after.overPort + after.dynamodbDirect - before.overPort - before.dynamodbDirect).toBeGreaterThanOrEqual(6);
      expect(after.overHttp - before.overHttp).toBe(0);
      for (const id of ['PORT1', 'PORT2']) expect(await item(id)).toEqual(expect.objectContaining({ name: { S: 'over the port' } }));
    });

    it("fails a function's PutItem twice: the SDK's own retries carry it, the item is written, the rule shows its hits", async () => {
      const rule = await fault({
        kind: 'aws',
        service: 'dynamodb',
        operations: ['PutItem'],
        resource: 'ItemsTable',
        error: 'unavailable',
        count: 2,
      });
      expect(rule).toEqual(expect.objectContaining({ id: expect.stringMatching(/^fault-\d+$/), hits: 0, remaining: 2, active: true }));
      expect((await create('FD1', 'retried')).status).toBe(201);
      expect(await view(rule.id)).toEqual(expect.objectContaining({ hits: 2, remaining: 0, active: false }));
      expect(await item('FD1')).toEqual(expect.objectContaining({ name: { S: 'retried' } }));
      expect(output).toMatch(
        new RegExp(`fault +${rule.id} dynamodb PutItem shop-local-catalog-ItemsTable5AAC2C46 → unavailable \\(hit 2, 0 left\\)`),
      );
    });

    it('throttles a PutItem past the retries: the caller sees the error, nothing is written, the next call goes through', async () => {
      const rule = await fault({ kind: 'aws', service: 'dynamodb', operations: ['PutItem'], error: 'throttle', count: 50 });
      expect((await create('FD2', 'throttled')).status).toBe(502);
      expect(await item('FD2')).toBeUndefined();
      // each attempt of the SDK's retry strategy (4 for DynamoDB's client), plus any other function's PutItem meanwhile
      expect((await view(rule.id)).hits).toBeGreaterThan(1);
      await call('DELETE', `/_local/faults/${rule.id}`, { headers: secretHeader() });
      expect((await create('FD2', 'second try')).status).toBe(201);
      expect(await item('FD2')).toEqual(expect.objectContaining({ name: { S: 'second try' } }));
    });

    it("throttles a function's SQS SendMessage once: the SDK retries and the message reaches its consumer", async () => {
      const rule = await fault({
        kind: 'aws',
        service: 'sqs',
        operations: ['SendMessage'],
        resource: 'AuditQueue',
        error: 'throttle',
        count: 1,
      });
      const sent = await call('POST', '/catalog/send', {
        token: await token('admin', ['admin']),
        body: { id: 'FQ1', name: 'queued', type: 'Manual' },
      });
      expect(sent.status).toBe(202);
      expect((await view(rule.id)).hits).toBe(1);
      await eventually(async () => ((await audited('FQ1')).length ? true : undefined));
    });

    it('fails SNS Publish for a second: the stream relay retries and the event still arrives', async () => {
      const rule = await fault({
        kind: 'aws',
        service: 'sns',
        operations: ['Publish'],
        resource: 'EventsTopic',
        error: 'unavailable',
        seconds: 1,
      });
      expect(rule).toEqual(expect.objectContaining({ remaining: null, secondsLeft: 1 }));
      expect((await create('FS1', 'published late')).status).toBe(201);
      const items = await eventually(async () => ((await audited('FS1')).length ? audited('FS1') : undefined), 20_000);
      expect(items[0]).toEqual(expect.objectContaining({ type: { S: 'ItemCreated' } }));
      // the SDK's three attempts, at least once
      expect(await view(rule.id)).toEqual(expect.objectContaining({ hits: expect.any(Number), active: false, secondsLeft: 0 }));
      expect((await view(rule.id)).hits).toBeGreaterThanOrEqual(3);
    }, 30_000);

    it('crash-after: the handler ran (the item is written), the caller sees the crash as a 502', async () => {
      const rule = await fault({ kind: 'function', function: 'catalog:Router', mode: 'crash-after', count: 1 });
      expect((await create('FC1', 'written, answer lost')).status).toBe(502);
      expect(await item('FC1')).toEqual(expect.objectContaining({ name: { S: 'written, answer lost' } }));
      expect((await view(rule.id)).hits).toBe(1);
      expect(output).toMatch(/catalog:RouterFunction crash Runtime\.ExitError/);
      expect((await call('GET', '/catalog/FC1')).status).toBe(200);
    });

    it('crash-before: the handler never runs, nothing is written', async () => {
      await fault({ kind: 'function', function: 'RouterFunction0A5B7C3D', mode: 'crash-before', count: 1 });
      expect((await create('FC2', 'never')).status).toBe(502);
      expect(await item('FC2')).toBeUndefined();
    });

    const workflow = async (order: { id: string; sku: string }) => {
      const started = await call('POST', '/catalog/workflow', { token: await token('admin', ['admin']), body: order });
      const arn = started.json.executionArn as string;
      const ended = await eventually(async () => {
        const { json } = await call('GET', `/_local/executions/${encodeURIComponent(arn)}`);
        return json.status === 'RUNNING'
          ? undefined
          : (json as {
              status: string;
              error?: string;
              name: string;
              path: { state: string; status: string }[];
              events: { type: string }[];
            });
      });
      return ended;
    };

    it('timeout-after on a Step Functions task: the task fails with Sandbox.Timedout (the state machine does not retry it)', async () => {
      await fault({ kind: 'function', function: 'catalog:StepFunction', mode: 'timeout-after', count: 1 });
      const ended = await workflow({ id: 'o-ft', sku: 'MUG' });
      expect([ended.status, ended.error]).toEqual(['FAILED', 'Sandbox.Timedout']);
    });

    it('stops an execution right after a state completed: ABORTED, the next state never ran', async () => {
      const rule = await fault({ kind: 'execution', stateMachine: 'Workflow', afterState: 'Reserve', action: 'stop' });
      const ended = await workflow({ id: 'o-fs', sku: 'MUG' });
      expect(ended.status).toBe('ABORTED');
      expect(ended.path.map((step) => `${step.state}:${step.status}`)).toEqual(['Reserve:succeeded']);
      expect(ended.events.map((event) => event.type).slice(-3)).toEqual(['TaskSucceeded', 'TaskStateExited', 'ExecutionAborted']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(output).toContain(`sfn Reserve cid=${ended.name}`);
      expect(output).not.toContain(`sfn Charge cid=${ended.name}`);
      expect(await view(rule.id)).toEqual(expect.objectContaining({ hits: 1, remaining: 0 }));
      expect((await workflow({ id: 'o-fs2', sku: 'MUG' })).status).toBe('SUCCEEDED');
    });

    it('refuses a malformed rule with a 400 naming the field, and a target that matches nothing with what exists', async () => {
      const refused = async (body: unknown) => {
        const response = await call('POST', '/_local/faults', { body, headers: secretHeader() });
        return [response.status, response.json?.field, response.json?.available];
      };
      expect(await refused('{"kind":')).toEqual([400, 'body', undefined]);
      expect(await refused({ kind: 'aws', service: 'dynamodb', error: 'throttle' })).toEqual([400, 'count', undefined]);
      expect(await refused({ kind: 'aws', service: 'dynamodb', error: 'throttle', count: 1, tableName: 'x' })).toEqual([
        400,
        'tableName',
        undefined,
      ]);
      expect(await refused({ kind: 'aws', service: 'dynamodb', error: 'throttle', count: 1, resource: 'Orders' })).toEqual([
        400,
        'resource',
        ['shop-local-catalog-ItemsTable5AAC2C46'],
      ]);
      expect(await refused({ kind: 'aws', service: 'sqs', operations: ['Send'], error: 'throttle', count: 1 })).toEqual([
        400,
        'operations',
        expect.arrayContaining(['SendMessage', 'SendMessageBatch']),
      ]);
      expect(await refused({ kind: 'function', function: 'payment', mode: 'crash-after', count: 1 })).toEqual([
        400,
        'function',
        ['catalog:AuditFunction', 'catalog:NotifyFunction', 'catalog:PublisherFunction', 'catalog:RouterFunction', 'catalog:StepFunction'],
      ]);
      expect(await refused({ kind: 'execution', stateMachine: 'Workflow', afterState: 'Done', action: 'stop' })).toEqual([
        400,
        'afterState',
        ['Charge', 'Reserve'],
      ]);
      expect((await call('GET', '/_local/faults')).json).toEqual([]);
    });

    it('lists, deletes one and deletes all', async () => {
      const first = await fault({ kind: 'function', function: 'catalog:Audit', mode: 'crash-before', count: 5 });
      const second = await fault({ kind: 'aws', service: 'sns', error: 'throttle', seconds: 30 });
      expect(((await call('GET', '/_local/faults')).json as unknown as FaultView[]).map((rule) => rule.id)).toEqual([first.id, second.id]);
      expect(
        await call('DELETE', `/_local/faults/${first.id}`, { headers: secretHeader() }).then((response) => [
          response.status,
          response.json.id,
        ]),
      ).toEqual([200, first.id]);
      expect((await call('GET', `/_local/faults/${first.id}`)).status).toBe(404);
      expect((await call('DELETE', '/_local/faults', { headers: secretHeader() })).json).toEqual({ deleted: 1 });
      expect((await call('PUT', '/_local/faults', { headers: secretHeader() })).status).toBe(405);
      expect((await call('GET', '/_local/faults/%E0%A4%A')).status).toBe(400);
    });
  });

  it('answers SSM GetParameter from the parameters the platform stack publishes', async () => {
    const { json } = await call('GET', '/catalog/ssm?name=/shop/local/platform/user-pool-arn');
    expect(json).toEqual(expect.objectContaining({ Name: '/shop/local/platform/user-pool-arn', Value: pool.arn }));
  });

  describe('control plane', () => {
    const ROUTER = 'shop-local-catalog-RouterFunction0A5B7C3D';
    const invocations = async () =>
      ((await call('GET', '/_local/resources')).json.functions as { name: string; invocations: number }[]).find((fn) => fn.name === ROUTER)
        ?.invocations;
    const sfnClient = (secretAccessKey: string, accessKeyId = LOCAL_ACCESS_KEY_ID) =>
      new SFNClient({ endpoint: `${base}/_aws/sfn`, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });

    it('keeps a fresh secret in the state dir, readable by the owner only', () => {
      expect(readControlSecret(stateDir)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(statSync(controlSecretPath(stateDir)).mode & 0o777).toBe(0o600);
    });

    it('mints a token (POST /_local/tokens) only for a caller that sends the secret', async () => {
      const body = { username: 'mallory', groups: ['admin'] };
      const without = await call('POST', '/_local/tokens', { body });
      expect([without.status, without.json.message]).toEqual([
        401,
        expect.stringContaining(`send header x-local-cloud-secret with the content of ${controlSecretPath(stateDir)}`),
      ]);
      expect((await call('POST', '/_local/tokens', { body, headers: { [CONTROL_SECRET_HEADER]: 'a-guess' } })).status).toBe(403);
      const minted = await call('POST', '/_local/tokens', { body, headers: secretHeader() });
      expect(minted.status).toBe(200);
      expect((await call('POST', '/catalog', { token: minted.json.token as string, body: { id: 'T1', name: 'minted' } })).status).toBe(201);
    });

    it('refuses a foreign Origin (403) and a foreign Host (421) on the control plane, and leaves the REST APIs as they were', async () => {
      expect(
        (await call('POST', '/_local/tokens', { body: { username: 'x' }, headers: { ...secretHeader(), origin: 'http://evil.example' } }))
          .status,
      ).toBe(403);
      expect((await call('GET', '/_local/resources', { headers: { origin: 'http://evil.example' } })).status).toBe(403);
      expect(await raw('GET', '/_local/resources', { Host: `evil.example:${port}` })).toEqual({
        status: 421,
        json: { message: expect.stringContaining('(got evil.example:') },
      });
      expect((await raw('GET', '/_local/health', { Host: `localhost:${port}` })).status).toBe(200);
      expect((await call('GET', '/catalog/A1', { headers: { origin: 'http://evil.example' } })).status).toBe(200);
    });

    it('runs no function for an unsigned /_aws/lambda invoke with forged claims (403); a call signed with the secret runs it', async () => {
      const path = `/_aws/lambda/2015-03-31/functions/${ROUTER}/invocations`;
      const forged = {
        httpMethod: 'GET',
        resource: '/{proxy+}',
        pathParameters: { proxy: 'env' },
        requestContext: { authorizer: { claims: { 'cognito:groups': 'admin' } } },
      };
      const before = defined(await invocations());
      const unsigned = await call('POST', path, { body: forged });
      expect([unsigned.status, unsigned.headers.get('x-amzn-errortype')]).toEqual([403, 'MissingAuthenticationTokenException']);
      const forgedSignature = await call('POST', path, {
        body: forged,
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_ACCESS_KEY_ID}/20250101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
          'x-amz-date': '20250101T000000Z',
        },
      });
      expect(forgedSignature.status).toBe(403);
      expect(await invocations()).toBe(before);

      const signer = new SignatureV4({
        credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(stateDir) },
        region: 'us-east-1',
        service: 'lambda',
        sha256: NodeSha256,
      });
      const body = JSON.stringify(forged);
      const signed = await signer.sign({
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port,
        path,
        query: {},
        headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json' },
        body,
      });
      // fetch sets Host itself (the same 127.0.0.1:<port> that was signed).
      const headers = Object.fromEntries(Object.entries(signed.headers as Record<string, string>).filter(([name]) => name !== 'host'));
      const invoked = await call('POST', path, { body, headers });
      expect([invoked.status, JSON.parse(String(invoked.json.body)).invocations]).toEqual([200, expect.any(Number)]);
      expect(await invocations()).toBe(before + 1);
    });

    it('answers an SDK signing with another secret or key as AWS would (InvalidSignatureException, UnrecognizedClientException), and one signing with the secret', async () => {
      await expect(sfnClient('local').send(new ListStateMachinesCommand({}))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        $metadata: { httpStatusCode: 403 },
      });
      await expect(sfnClient(readControlSecret(stateDir), 'AKIDEXAMPLE').send(new ListStateMachinesCommand({}))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
      });
      const { stateMachines } = await sfnClient(readControlSecret(stateDir)).send(new ListStateMachinesCommand({}));
      expect(stateMachines?.map((machine) => machine.name)).toEqual(['shop-local-catalog-Workflow4E5F6A7B']);
    });

    it.each([
      ['bad percent-encoding', 'GET', '/_local/executions/%E0%A4%A'],
      ['a .. segment', 'GET', '/_local/health/../resources'],
      ['an encoded .. segment', 'POST', '/_local/tokens/%2e%2e/deploy'],
      ['bad percent-encoding on an AWS API', 'POST', '/_aws/lambda/2015-03-31/functions/%E0%A4%A/invocations'],
    ])('answers 400 with a JSON message for %s in the path', async (_case, method, path) => {
      const answer = await raw(method, path, secretHeader(), method === 'POST' ? '{}' : undefined);
      expect(answer).toEqual({ status: 400, json: { message: expect.stringMatching(/percent-encoding|\.\. segments/) } });
    });

    it.each([
      ['bad JSON', '/_local/tokens', '{"username":', 'the body is not JSON'],
      ['a wrong type', '/_local/tokens', '{"username": 42}', 'expected string'],
      ['an unknown field', '/_local/tokens', '{"username": "a", "admin": true}', 'Unrecognized key: "admin"'],
      ['an unknown service', '/_local/deploy', '{"service": "nothing"}', 'no assembly for service "nothing"'],
      ['a service name that is a path', '/_local/deploy', '{"service": "../catalog"}', 'a service name'],
      [
        'a folder outside dist/ (the fixtures)',
        '/_local/deploy',
        JSON.stringify({ service: 'catalog', dir: join(FIXTURES, 'catalog') }),
        "only from the workspace's dist/",
      ],
      ['/tmp', '/_local/deploy', JSON.stringify({ service: 'catalog', dir: tmpdir() }), "only from the workspace's dist/"],
      [
        '.. out of dist/',
        '/_local/deploy',
        JSON.stringify({ service: 'catalog', dir: 'dist/../tools/local-cloud/fixtures/assemblies/catalog' }),
        "only from the workspace's dist/",
      ],
    ])('answers 400 with a JSON message for %s, never a 500', async (_case, path, body, reason) => {
      const answer = await call('POST', path, { body, headers: { ...secretHeader(), 'content-type': 'application/json' } });
      expect([answer.status, answer.json.message]).toEqual([400, expect.stringContaining(reason)]);
    });

    it('answers 404 with a JSON message for a local endpoint that does not exist', async () => {
      expect(await call('GET', '/_local/nothing').then((answer) => [answer.status, answer.json.message])).toEqual([
        404,
        expect.stringContaining('no local endpoint /_local/nothing'),
      ]);
    });
  });

  describe('console (/_local/console) and the endpoints it reads', () => {
    const sqs = () => new SQSClient({ endpoint: resources.emulators.sqs, region: 'us-east-1', credentials });
    const auditDlq = () => defined(resources.queues.find((queue) => queue.name.endsWith('AuditDlq5B0F6C1D')));
    interface Queue {
      name: string;
      depth: number;
      inFlight: number;
      deadLetterQueue?: { name: string; maxReceiveCount: number };
      deadLetterOf: string[];
      messages: { body: string; receiveCount: number }[];
    }

    it('serves its page and files from the build, with a policy that loads nothing from elsewhere', async () => {
      const page = await call('GET', '/_local/console');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(page.text).toContain('src="/_local/console/console.js"');
      const script = await call('GET', '/_local/console/console.js');
      expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
      expect(script.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    });

    it("serves a service's OpenAPI document from dist/apps/<service>/openapi.json, and says how to make a missing one", async () => {
      expect((await call('GET', '/_local/openapi')).json).toEqual([
        { service: 'catalog', document: false },
        { service: 'platform', document: false },
      ]);
      expect(await call('GET', '/_local/openapi/catalog').then(({ status, json }) => [status, json.message])).toEqual([
        404,
        'no document: run nx run catalog:openapi',
      ]);
      const file = join(FIXTURES, 'catalog/openapi.json');
      const document = { openapi: '3.1.0', info: { title: 'catalog', version: '1' }, paths: {} };
      writeFileSync(file, JSON.stringify(document));
      try {
        expect(await call('GET', '/_local/openapi/catalog').then(({ status, json }) => [status, json])).toEqual([200, document]);
      } finally {
        rmSync(file);
      }
      expect((await call('GET', '/_local/openapi/nothing')).status).toBe(404);
    });

    it('pages through a table (Scan Limit / ExclusiveStartKey): every item once, and refuses a cursor it did not make', async () => {
      const table = resources.tables[0].tableName;
      const dynamodb = new DynamoDBClient({ endpoint: resources.emulators.dynamodb, region: 'us-east-1', credentials });
      // Every item's key, read straight from DynamoDB Local. Work an earlier test started (a stream
      // consumer, a subscription) may still write while the pages are read: the items there both
      // before and after must each be on exactly one page, and no page may show an item never there.
      const keysNow = async () => {
        const keys = new Set<string>();
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
          for (const item of page.Items ?? []) keys.add(`${Object.values(item.pk ?? {})[0]}|${Object.values(item.sk ?? {})[0]}`);
          start = page.LastEvaluatedKey;
        } while (start);
        return keys;
      };
      const before = await keysNow();
      const seen: string[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const { status, json } = await call('GET', `/_local/tables/${table}?limit=2${next ? `&start=${next}` : ''}`);
        expect(status).toBe(200);
        const items = json.items as { pk: string; sk: string }[];
        expect(items.length).toBeLessThanOrEqual(2);
        seen.push(...items.map((item) => `${item.pk}|${item.sk}`));
        next = json.next as string | undefined;
        pages += 1;
      } while (next && pages < 500);
      const after = await keysNow();
      dynamodb.destroy();
      expect(before.size).toBeGreaterThan(2);
      expect([...before].filter((key) => after.has(key) && !seen.includes(key))).toEqual([]);
      expect(seen.filter((key) => !before.has(key) && !after.has(key))).toEqual([]);
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages).toBeGreaterThan(1);
      expect((await call('GET', `/_local/tables/${table}?start=bm90IGEga2V5`)).status).toBe(400);
      expect((await call('GET', `/_local/tables/${table}?limit=0`)).status).toBe(400);
      expect((await call('GET', '/_local/tables/nothing')).status).toBe(404);
    });

    it('shows a queue with its DLQ, peeks a dead letter without receiving it, and redrives it to its queue, where it is consumed', async () => {
      await sqs().send(
        new SendMessageCommand({ QueueUrl: auditDlq().url, MessageBody: JSON.stringify({ id: 'R1', name: 'redriven', type: 'Manual' }) }),
      );
      const peek = async () =>
        ((await call('GET', '/_local/queues')).json as unknown as Queue[]).find((queue) => queue.name === auditDlq().name);
      const before = defined(await peek());
      expect(before.deadLetterOf).toEqual([expect.stringMatching(/AuditQueue1E2D3C4B$/)]);
      const r1 = before.messages.find((message) => message.body.includes('"R1"'));
      expect(r1?.receiveCount).toBe(0);
      // Peeking twice receives nothing: the message is still ready, never received.
      expect(defined(await peek()).messages.find((message) => message.body.includes('"R1"'))?.receiveCount).toBe(0);
      const source = ((await call('GET', '/_local/queues')).json as unknown as Queue[]).find(
        (queue) => queue.name === before.deadLetterOf[0],
      );
      expect(source?.deadLetterQueue).toEqual({ name: auditDlq().name, maxReceiveCount: 2 });

      const path = `/_local/queues/${auditDlq().name}/redrive`;
      expect((await call('POST', path)).status).toBe(401);
      const redriven = await call('POST', path, { headers: secretHeader() });
      expect(redriven.status).toBe(200);
      // R1, and the earlier test's poison message if it is visible again (it fails twice more and comes back).
      expect(redriven.json).toEqual(
        expect.objectContaining({ deadLetterQueue: auditDlq().name, source: before.deadLetterOf[0], moved: expect.any(Number) }),
      );
      expect(redriven.json.moved).toBeGreaterThanOrEqual(1);
      const audit = await eventually(async () => {
        const { Items } = await new DynamoDBClient({ endpoint: resources.emulators.dynamodb, region: 'us-east-1', credentials }).send(
          new QueryCommand({
            TableName: resources.tables[0].tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: 'AUDIT#R1' } },
          }),
        );
        return Items?.length ? Items : undefined;
      });
      expect(audit).toHaveLength(1);
      expect(defined(await peek()).messages.some((message) => message.body.includes('"R1"'))).toBe(false);
      expect((await call('POST', `/_local/queues/${before.deadLetterOf[0]}/redrive`, { headers: secretHeader() })).status).toBe(400);
      expect((await call('POST', '/_local/queues/nothing/redrive', { headers: secretHeader() })).status).toBe(404);
    }, 30_000);

    it('keeps the lines of one correlation id across hops (http, the stream publisher, the queue consumer)', async () => {
      const { json } = await call('GET', '/_local/logs?correlationId=cid-s1');
      const lines = json.lines as { source: string; text: string; correlationId: string }[];
      expect(lines.every((line) => line.correlationId === 'cid-s1')).toBe(true);
      expect(lines.map((line) => `${line.source} ${line.text.split(' ')[0]}`)).toEqual(
        expect.arrayContaining(['http POST', 'λ catalog:PublisherFunction', 'λ catalog:AuditFunction']),
      );
      const recent = await call('GET', '/_local/logs?limit=5');
      expect((recent.json.lines as unknown[]).length).toBe(5);
    });

    it('lists the state machines with their definitions (the graph is drawn from them)', async () => {
      const machines = (await call('GET', '/_local/state-machines')).json as unknown as {
        arn: string;
        definition: { StartAt: string; States: object };
      }[];
      expect(machines.length).toBeGreaterThan(0);
      expect(machines[0].definition.States).toHaveProperty(machines[0].definition.StartAt);
    });
  });

  it('swaps in a new assembly of one service (POST /_local/deploy): tables keep their data', async () => {
    const copy = join(distCopies, 'catalog');
    cpSync(join(FIXTURES, 'catalog'), copy, { recursive: true });
    const templateFile = join(copy, 'CatalogStack.template.json');
    const template = JSON.parse(readFileSync(templateFile, 'utf8'));
    template.Resources.RouterFunction0A5B7C3D.Properties.Environment.Variables.RELEASE = 'two';
    writeFileSync(templateFile, JSON.stringify(template));

    const deployed = await call('POST', '/_local/deploy', { body: { service: 'catalog', dir: copy }, headers: secretHeader() });
    expect(deployed.status).toBe(200);
    expect(deployed.json).toEqual(
      expect.objectContaining({ service: 'catalog', functions: 5, routes: 7, tables: { 'shop-local-catalog-ItemsTable5AAC2C46': 'kept' } }),
    );
    expect(((await call('GET', '/catalog/env')).json as { env: Record<string, string> }).env.RELEASE).toBe('two');
    expect((await call('GET', '/catalog/A1')).json).toEqual({ id: 'A1', name: 'mug' });
    await call('POST', '/catalog', { token: await token('admin', ['admin']), body: { id: 'S2', name: 'after deploy' } });
    await eventually(async () =>
      output.includes('AuditFunction ok') && (output.match(/PublisherFunction ok[^\n]*\n/g)?.length ?? 0) >= 3 ? true : undefined,
    );
  });

  it('stops everything on SIGTERM: no Java process, no port left, no control secret', async () => {
    const pid = Number(readFileSync(join(stateDir, 'dynamodb-local.pid'), 'utf8').split(' ')[0]);
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    await expect(fetch(`${base}/_local/health`)).rejects.toThrow();
    expect(existsSync(controlSecretPath(stateDir))).toBe(false);
  });
});
