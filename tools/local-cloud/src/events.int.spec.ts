/**
 * The built local cloud on the `events` fixture assembly: EventBridge rules run from the template
 * (Step Functions status changes, a schedule, PutEvents), Lambda's asynchronous retries and
 * destinations, the rule targets' DLQ, and a stream relay that retries a record 20 times without
 * dropping or reordering anything. Everything is read back from DynamoDB Local and fauxqs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { CONTROL_SECRET_HEADER, LOCAL_ACCESS_KEY_ID, readControlSecret } from './control-plane/secret';
import { freePort } from './net';

const ROOT = join(__dirname, '../../..');
const FIXTURES = join(__dirname, '../fixtures/assemblies');
const MAIN = join(ROOT, 'dist/tools/local-cloud/main.mjs');
const NODE = join(ROOT, 'node_modules/.bin/node');
const STACK = 'shop-local-events';
const SINK = `${STACK}-SinkTable1A2B3C4D`;
const MACHINE = `arn:aws:states:us-east-1:000000000000:stateMachine:${STACK}-FlowMachine4D5E6F71`;
/** The SDK clients sign with the secret of this start, as the project's tools do (the emulators take any credentials). */
const credentials = () => ({ accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(stateDir) });

const stateDir = mkdtempSync(join(tmpdir(), 'local-cloud-events-int-'));
const startedAt = Date.now();
/** When the local cloud answered its health check: its scheduler runs from then on. */
let healthyAt = 0;
let child: ChildProcess;
let base: string;
let output = '';
let endpoints: Record<string, string>;
let queueUrls: Record<string, string>;
/** The event the on-demand run of the schedule sent (the cron firing is told apart from it). */
let ranEventId = '';

/** The SDK clients, made once the endpoints are known and destroyed at the end (no socket left open). */
const clients: { destroy(): void }[] = [];
const once = <T extends { destroy(): void }>(make: () => T) => {
  let client: T | undefined;
  return () => {
    if (!client) clients.push((client = make()));
    return client;
  };
};
const dynamodb = once(
  () => new DynamoDBClient({ endpoint: endpoints.AWS_ENDPOINT_URL_DYNAMODB, region: 'us-east-1', credentials: credentials() }),
);
const sqs = once(() => new SQSClient({ endpoint: endpoints.AWS_ENDPOINT_URL_SQS, region: 'us-east-1', credentials: credentials() }));
const sfn = once(() => new SFNClient({ endpoint: `${base}/_aws/sfn`, region: 'us-east-1', credentials: credentials() }));
const events = once(() => new EventBridgeClient({ endpoint: `${base}/_aws/events`, region: 'us-east-1', credentials: credentials() }));

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const items = async (pk: string) =>
  (
    await dynamodb().send(
      new QueryCommand({
        TableName: SINK,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];
const item = async (pk: string, sk: string) =>
  (await dynamodb().send(new GetItemCommand({ TableName: SINK, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }))).Item;
const text = (value: AttributeValue | undefined) => value?.S ?? value?.N;

/** Every message of a queue until it stays empty for a second (read and deleted). */
async function drain(queue: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs().send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrls[queue],
        WaitTimeSeconds: 1,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return messages;
    for (const message of Messages)
      await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrls[queue], ReceiptHandle: message.ReceiptHandle }));
    messages.push(...Messages);
  }
}

async function put(entries: PutEventsRequestEntry[]): Promise<string[]> {
  const result = await events().send(new PutEventsCommand({ Entries: entries }));
  return (result.Entries ?? []).map((entry) => entry.EventId ?? `${entry.ErrorCode}`);
}

async function call(method: string, path: string) {
  const headers = method === 'GET' ? undefined : { [CONTROL_SECRET_HEADER]: readControlSecret(stateDir) };
  const response = await fetch(`${base}${path}`, { method, headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx nx run local-cloud:build first`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // --iam warn: this hand-written fixture has no resource policies (AWS::Lambda::Permission, AWS::SQS::QueuePolicy) for its
  // rules' and topic's targets, which AWS would refuse; until they are written into it, denials are logged, not enforced.
  // IAM on these paths is proven on a CDK app in conformance/iam.int.spec.ts and by the e2e suite under enforce.
  child = spawn(NODE, [MAIN, '--no-seed', '--no-prewarm', '--iam', 'warn'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      LOCAL_CLOUD_ASSEMBLIES: FIXTURES,
      LOCAL_CLOUD_SERVICES: 'events',
      LOCAL_CLOUD_STATE_DIR: stateDir,
      LOCAL_CLOUD_RETRY_DELAY_SCALE: '0.01',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    async () =>
      (await fetch(`${base}/_local/health`).then(
        (response) => response.status,
        () => 0,
      )) === 200
        ? true
        : undefined,
    45_000,
  );
  healthyAt = Date.now();
  const resources = (await call('GET', '/_local/resources')).json as {
    endpoints: Record<string, string>;
    queues: { name: string; url: string }[];
  };
  endpoints = resources.endpoints;
  queueUrls = Object.fromEntries(
    resources.queues.map((queue) => [queue.name.slice(STACK.length + 1).replace(/[0-9A-F]{8}$/, ''), queue.url]),
  );
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  if (process.env.LOCAL_CLOUD_TEST_OUTPUT) writeFileSync(process.env.LOCAL_CLOUD_TEST_OUTPUT, output);
});

describe('EventBridge, Lambda async invocation and stream relays on the events fixture', () => {
  it('lists the rules and buses in /_local/resources, the subscription dead-letter queue, and no rule as not emulated', async () => {
    const resources = (await call('GET', '/_local/resources')).json as {
      rules: { name: string; state: string; scheduleExpression?: string }[];
      eventBuses: { name: string }[];
      subscriptions: { deadLetterQueue?: { arn: string; emulated: boolean } }[];
      notEmulated: { type: string }[];
      endpoints: Record<string, string>;
    };
    expect(resources.rules.map((rule) => `${rule.name.slice(STACK.length + 1)}:${rule.state}`).sort()).toEqual([
      'BrokenRuleB4C5D6E8:ENABLED',
      'DisabledRule92A3B4C6:DISABLED',
      'FlakyRuleA3B4C5D7:ENABLED',
      'MissingTargetRuleC5D6E7F9:ENABLED',
      'StatusRule5E6F7082:ENABLED',
      'ThingRule8192A3B5:ENABLED',
      'TickRule708192A4:ENABLED',
    ]);
    expect(resources.eventBuses).toEqual([{ name: 'default', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' }]);
    expect(resources.subscriptions[0].deadLetterQueue).toEqual({
      arn: `arn:aws:sqs:us-east-1:000000000000:${STACK}-SubscriptionDlq708192A3`,
      emulated: false,
    });
    // Roles and permissions are read by the IAM kind (resources/iam.ts).
    expect(resources.notEmulated).toEqual([]);
    expect(resources.endpoints.AWS_ENDPOINT_URL_EVENTBRIDGE).toBe(`${base}/_aws/events`);
    expect(output).not.toMatch(/not emulated[^\n]*AWS::Events::Rule/);
  });

  it('matches PutEvents entries against the rules (numeric filter, disabled rule) and sends the transformed input to the SQS target', async () => {
    const ids = await put([
      { Source: 'shop.test', DetailType: 'Thing Happened', Detail: JSON.stringify({ id: 't-5', size: 5 }) },
      { Source: 'shop.test', DetailType: 'Thing Happened', Detail: JSON.stringify({ id: 't-50', size: 50 }) },
      { DetailType: 'Thing Happened', Detail: '{}' },
    ]);
    expect(ids[2]).toBe('InvalidArgument');
    const unsigned = await fetch(`${base}/_aws/events`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: '{"Entries":[]}',
    });
    expect(unsigned.status).toBe(403);
    const messages = await eventually(async () => {
      const got = await drain('MatchedQueue');
      return got.length ? got : undefined;
    });
    expect(messages.map((message) => JSON.parse(message.Body ?? ''))).toEqual([{ id: 't-50', size: 50 }]);
  });

  it('retries a Lambda target that fails twice (Lambda async retries), which then succeeds once', async () => {
    const [id] = await put([{ Source: 'shop.test', DetailType: 'Flaky', Detail: JSON.stringify({ failTimes: 2 }) }]);
    const done = await eventually(() => item('FLAKY', id));
    expect(text(done.attempts)).toBe('3');
    expect(text((await item('ATTEMPTS', id))?.n)).toBe('3');
  });

  it('sends the events of an always-failing function to its OnFailure destination after its retries, read back from the queue', async () => {
    const [id] = await put([{ Source: 'shop.test', DetailType: 'Broken', Detail: JSON.stringify({ orderId: 'o-broken' }) }]);
    const [message] = await eventually(async () => {
      const got = await drain('FailureQueue');
      return got.length ? got : undefined;
    });
    expect(JSON.parse(message.Body ?? '')).toEqual(
      expect.objectContaining({
        requestContext: expect.objectContaining({
          condition: 'RetriesExhausted',
          approximateInvokeCount: 2,
          functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${STACK}-BrokenFunctionD6E7F809:$LATEST`,
        }),
        requestPayload: expect.objectContaining({ id, detail: { orderId: 'o-broken' } }),
        responsePayload: expect.objectContaining({ errorMessage: 'broken on purpose' }),
      }),
    );
  });

  it("sends an event EventBridge cannot deliver (no such function) to the rule target's DLQ after its RetryPolicy, with EventBridge's attributes", async () => {
    const [id] = await put([{ Source: 'shop.test', DetailType: 'Missing', Detail: '{}' }]);
    const [message] = await eventually(async () => {
      const got = await drain('RuleDlq');
      return got.length ? got : undefined;
    });
    expect(JSON.parse(message.Body ?? '').id).toBe(id);
    const attributes = Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]),
    );
    expect(attributes).toEqual(
      expect.objectContaining({
        RULE_ARN: `arn:aws:events:us-east-1:000000000000:rule/${STACK}-MissingTargetRuleC5D6E7F9`,
        TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:no-such-function',
        ERROR_CODE: 'ResourceNotFoundException',
        EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttemptsExhausted',
        RETRY_ATTEMPTS: '2',
      }),
    );
  });

  it('sends the FAILED, TIMED_OUT and ABORTED status changes of the state machine to the rule target, not SUCCEEDED; a timed-out task is abandoned', async () => {
    const start = async (name: string, input: unknown) =>
      (await sfn().send(new StartExecutionCommand({ stateMachineArn: MACHINE, name, input: JSON.stringify(input) }))).executionArn ?? '';
    await start('ok-1', { mode: 'ok' });
    await start('fail-1', { mode: 'fail' });
    await start('timeout-1', { mode: 'slow', ms: 3500 });
    const stopped = await start('stop-1', { mode: 'slow', ms: 1000 });
    await sfn().send(new StopExecutionCommand({ executionArn: stopped, error: 'Test', cause: 'stopped by the test' }));

    const statuses = await eventually(async () => {
      const got = await items('STATUS');
      return got.length >= 3 ? got : undefined;
    });
    expect(statuses.map((status) => `${text(status.sk)}:${text(status.status)}`).sort()).toEqual([
      'fail-1:FAILED',
      'stop-1:ABORTED',
      'timeout-1:TIMED_OUT',
    ]);
    const timedOut = JSON.parse(text(statuses.find((status) => text(status.sk) === 'timeout-1')?.event) ?? '');
    expect(timedOut).toEqual(
      expect.objectContaining({
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        resources: [`arn:aws:states:us-east-1:000000000000:execution:${STACK}-FlowMachine4D5E6F71:timeout-1`],
        detail: expect.objectContaining({
          status: 'TIMED_OUT',
          stateMachineArn: MACHINE,
          name: 'timeout-1',
          error: 'States.Timeout',
          startDate: expect.any(Number),
          stopDate: expect.any(Number),
        }),
      }),
    );
    expect(timedOut.detail.stopDate - timedOut.detail.startDate).toBeGreaterThanOrEqual(2000);
    expect(timedOut.detail.stopDate - timedOut.detail.startDate).toBeLessThan(3500);
    const aborted = JSON.parse(text(statuses.find((status) => text(status.sk) === 'stop-1')?.event) ?? '');
    expect(aborted.detail).toEqual(expect.objectContaining({ status: 'ABORTED', error: 'Test', cause: 'stopped by the test' }));
    expect((await sfn().send(new DescribeExecutionCommand({ executionArn: stopped }))).status).toBe('ABORTED');

    // The slow step of timeout-1 ends 3.5 s after it started: the step after it must not run.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, timedOut.detail.startDate + 4500 - Date.now())));
    expect(await items('AFTER')).toEqual([]);
    expect(await item('STATUS', 'ok-1')).toBeUndefined();
  }, 30_000);

  it('relays stream records in order: a record failing 20 times is retried until it succeeds and the records after it wait', async () => {
    const outbox = `${STACK}-OutboxTable2B3C4D5E`;
    for (const [id, failTimes] of [
      ['r-1', 20],
      ['r-2', 0],
      ['r-3', 0],
    ] as const) {
      await dynamodb().send(new PutItemCommand({ TableName: outbox, Item: { pk: { S: id }, failTimes: { N: String(failTimes) } } }));
    }
    const published = await eventually(async () => {
      const got = await items('RELAY');
      return got.filter((entry) => text(entry.sk)?.startsWith('PUBLISHED#')).length >= 3 ? got : undefined;
    }, 30_000);
    expect(published.filter((entry) => text(entry.sk)?.startsWith('PUBLISHED#')).map((entry) => text(entry.id))).toEqual([
      'r-1',
      'r-2',
      'r-3',
    ]);
    expect(text((await item('ATTEMPTS', 'r-1'))?.n)).toBe('21');
    expect(output).toMatch(/RelayMapping3C4D5E60: batch failed \(\d+ record\(s\)\); retry 20 in \d+ ms/);
    expect(output).not.toMatch(/stream poller RelayMapping3C4D5E60: (retries exhausted|records too old)/);
  }, 40_000);

  it('fires a scheduled rule on demand (POST /_local/rules/<name>/run) with a Scheduled Event, and answers 4xx for what it cannot run', async () => {
    const rule = `${STACK}-TickRule708192A4`;
    const ran = await call('POST', `/_local/rules/${rule}/run`);
    expect(ran.status).toBe(200);
    const id = String(ran.json.eventId);
    ranEventId = id;
    const recorded = await eventually(() => item('TICK', id));
    expect(JSON.parse(text(recorded.event) ?? '')).toEqual(
      expect.objectContaining({
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        resources: [`arn:aws:events:us-east-1:000000000000:rule/${rule}`],
        detail: {},
      }),
    );
    expect((await fetch(`${base}/_local/rules/${rule}/run`, { method: 'POST' })).status).toBe(401);
    expect((await call('POST', '/_local/rules/no-such-rule/run')).status).toBe(404);
    expect((await call('POST', `/_local/rules/${STACK}-StatusRule5E6F7082/run`)).status).toBe(400);
    expect((await call('GET', `/_local/rules/${rule}/run`)).status).toBe(405);
    expect((await call('POST', '/_local/rules/%E0%A4%A/run')).status).toBe(400);
  });

  it('fires the cron(* * * * ? *) rule by itself on the minute', async () => {
    const ticks = await eventually(
      async () => {
        const got = (await items('TICK')).map((tick) => JSON.parse(text(tick.event) ?? '') as { id: string; time: string });
        const scheduled = got.filter((tick) => tick.id !== ranEventId && Date.parse(tick.time) > startedAt);
        return scheduled.length ? scheduled : undefined;
      },
      // The first minute after the local cloud became healthy (a start on a loaded machine can miss the first
      // minute after startedAt), then up to 20 s for the rule, the function and the write.
      Math.max(5_000, healthyAt + 80_000 - Date.now()),
    );
    expect(ticks[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
  }, 90_000);
});
