/**
 * Conformance: EventBridge for an app written here: a custom event bus, a rule with a content-filter
 * pattern whose two targets (a queue and a function) get the event through input transformers, a
 * schedule rule (run 60 times faster with `--schedule-speed 60`), and a function that calls
 * PutEvents through the local AWS endpoint. Journey: matching events arrive transformed, the others
 * (and the same event on the default bus) do not; the schedule ticks.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCESS_KEY_ID, readControlSecret } from '../control-plane/secret';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

const BUS = 'conformance-orders';
const SINK = 'eventbridge-sink';
const QUEUE = 'eventbridge-big-orders';

/** Puts the orders it is given on the custom bus (through AWS_ENDPOINT_URL_EVENTBRIDGE) and answers PutEvents' result. */
const PUBLISHER = `
const { EventBridgeClient, PutEventsCommand } = require('@aws-sdk/client-eventbridge');
const client = new EventBridgeClient({});
exports.handler = async (event) => {
  const result = await client.send(new PutEventsCommand({
    Entries: event.orders.map((order) => ({
      EventBusName: process.env.BUS_NAME,
      Source: 'shop.orders',
      DetailType: 'OrderPlaced',
      Detail: JSON.stringify(order),
    })),
  }));
  return { failed: result.FailedEntryCount, ids: result.Entries.map((entry) => entry.EventId) };
};`;

/** Records the input it gets: `<kind>#<order or a unique id>` with the whole input. */
const RECORDER = `
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
let ticks = 0;
exports.handler = async (input) => {
  const pk = input.kind + '#' + (input.order ?? String(Date.now()) + '-' + ticks++);
  await db.send(new PutItemCommand({ TableName: '${SINK}', Item: { pk: { S: pk }, input: { S: JSON.stringify(input) } } }));
};`;

let cloud: BuiltCloud;
let dynamo: DynamoDBClient;
let queueClient: SQSClient;
let lambdaClient: LambdaClient;
let eventsClient: EventBridgeClient;
let queueUrl: string;
let ruleName: string;

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const recorded = async (prefix: string) =>
  ((await dynamo.send(new ScanCommand({ TableName: SINK, ConsistentRead: true }))).Items ?? [])
    .filter((item) => String(item.pk?.S).startsWith(prefix))
    .map((item) => JSON.parse(String(item.input?.S)) as Record<string, unknown>);

/** Every message of the queue until it stays empty for a second (received and deleted). */
async function drain(): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await queueClient.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(String(message.Body));
      await queueClient.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-eventbridge'), 'eventbridge', (app) => {
    const stack = new Stack(app, 'EventBridgeStack', { stackName: 'eventbridge' });
    const sink = new dynamodb.Table(stack, 'Sink', { tableName: SINK, partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const queue = new sqs.Queue(stack, 'BigOrders', { queueName: QUEUE });
    const bus = new events.EventBus(stack, 'Orders', { eventBusName: BUS });
    const recorder = new lambda.Function(stack, 'Recorder', {
      functionName: 'eventbridge-recorder',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(RECORDER),
    });
    sink.grantWriteData(recorder);
    const publisher = new lambda.Function(stack, 'Publisher', {
      functionName: 'eventbridge-publisher',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(PUBLISHER),
      environment: { BUS_NAME: bus.eventBusName },
    });
    bus.grantPutEventsTo(publisher);
    new events.Rule(stack, 'BigOrderRule', {
      eventBus: bus,
      eventPattern: {
        source: ['shop.orders'],
        detailType: ['OrderPlaced'],
        detail: { total: [{ numeric: ['>', 100] }], country: [{ prefix: 'F' }], coupon: [{ exists: false }] },
      },
      targets: [
        new targets.SqsQueue(queue, {
          message: events.RuleTargetInput.fromObject({
            order: events.EventField.fromPath('$.detail.orderId'),
            total: events.EventField.fromPath('$.detail.total'),
            rule: '<aws.events.rule-name>',
            type: events.EventField.detailType,
          }),
        }),
        new targets.LambdaFunction(recorder, {
          event: events.RuleTargetInput.fromObject({ kind: 'big-order', order: events.EventField.fromPath('$.detail.orderId') }),
        }),
      ],
    });
    new events.Rule(stack, 'Tick', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(recorder, { event: events.RuleTargetInput.fromObject({ kind: 'tick' }) })],
    });
  });
  cloud = await startBuiltCloud({ assemblies: root, args: ['--no-prewarm', '--schedule-speed', '60'] });
  const resources = await cloud.local<{
    endpoints: Record<string, string>;
    queues: { name: string; url: string }[];
    rules: { name: string; eventBusName: string }[];
  }>('/_local/resources');
  const credentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(cloud.stateDir) };
  const config = { region: 'us-east-1', credentials };
  dynamo = new DynamoDBClient({ ...config, endpoint: resources.endpoints.AWS_ENDPOINT_URL_DYNAMODB });
  queueClient = new SQSClient({ ...config, endpoint: resources.endpoints.AWS_ENDPOINT_URL_SQS });
  lambdaClient = new LambdaClient({ ...config, endpoint: `${cloud.base}/_aws/lambda` });
  eventsClient = new EventBridgeClient({ ...config, endpoint: `${cloud.base}/_aws/events` });
  queueUrl = String(resources.queues.find((candidate) => candidate.name === QUEUE)?.url);
  ruleName = String(resources.rules.find((rule) => rule.eventBusName === BUS)?.name);
}, 90_000);

afterAll(async () => {
  for (const client of [dynamo, queueClient, lambdaClient, eventsClient]) client?.destroy();
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: EventBridge (custom bus, content filter, input transformers, schedule, PutEvents from a function)', () => {
  it('lists the custom bus and both rules, with nothing named as not emulated', async () => {
    const resources = await cloud.local<{
      eventBuses: { name: string }[];
      rules: { eventBusName: string; scheduleExpression?: string; targets: { kind: string }[] }[];
    }>('/_local/resources');
    expect(resources.eventBuses.map((bus) => bus.name).sort()).toEqual([BUS, 'default']);
    expect(
      resources.rules.map((rule) => [rule.eventBusName, rule.scheduleExpression ?? null, rule.targets.map((target) => target.kind)]).sort(),
    ).toEqual([
      [BUS, null, ['sqs', 'lambda']],
      ['default', 'rate(1 minute)', ['lambda']],
    ]);
    expect(cloud.output()).not.toMatch(/ not started|is not emulated/);
  });

  it('delivers the matching events a function puts on the custom bus, transformed, to the queue and the function; not the others', async () => {
    const invoked = await lambdaClient.send(
      new InvokeCommand({
        FunctionName: 'eventbridge-publisher',
        Payload: JSON.stringify({
          orders: [
            { orderId: 'o-1', total: 150, country: 'FR' },
            { orderId: 'o-2', total: 50, country: 'FR' }, // too small
            { orderId: 'o-3', total: 500, country: 'DE' }, // not an F country
            { orderId: 'o-4', total: 900, country: 'FI', coupon: 'X' }, // has a coupon
            { orderId: 'o-5', total: 100.01, country: 'FR' },
          ],
        }),
      }),
    );
    expect(invoked.FunctionError).toBeUndefined();
    const answer = JSON.parse(Buffer.from(invoked.Payload ?? new Uint8Array()).toString()) as { failed: number; ids: string[] };
    expect(answer).toEqual({
      failed: 0,
      ids: [expect.any(String), expect.any(String), expect.any(String), expect.any(String), expect.any(String)],
    });
    // The same matching order on the default bus: the custom bus's rule does not see it.
    const direct = await eventsClient.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId: 'o-6', total: 300, country: 'FR' }) },
        ],
      }),
    );
    expect(direct.FailedEntryCount).toBe(0);

    await eventually(async () => ((await recorded('big-order#')).length >= 2 ? true : undefined));
    const bodies = await drain();
    expect(bodies.map((body) => JSON.parse(body)).sort((a, b) => String(a.order).localeCompare(String(b.order)))).toEqual([
      { order: 'o-1', total: 150, rule: ruleName, type: 'OrderPlaced' },
      { order: 'o-5', total: 100.01, rule: ruleName, type: 'OrderPlaced' },
    ]);
    const inputs = await recorded('big-order#');
    expect(inputs.sort((a, b) => String(a.order).localeCompare(String(b.order)))).toEqual([
      { kind: 'big-order', order: 'o-1' },
      { kind: 'big-order', order: 'o-5' },
    ]);
  });

  it('fires the rate(1 minute) schedule every second at --schedule-speed 60, with its constant input', async () => {
    await eventually(async () => ((await recorded('tick#')).length >= 1 ? true : undefined), 15_000);
    const before = (await recorded('tick#')).length;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const ticks = await recorded('tick#');
    // Four seconds are four schedule minutes: 3 to 5 firings (timer and scan jitter), not 0 (real time) nor 60.
    expect(ticks.length - before).toBeGreaterThanOrEqual(3);
    expect(ticks.length - before).toBeLessThanOrEqual(5);
    expect(new Set(ticks.map((tick) => JSON.stringify(tick)))).toEqual(new Set([JSON.stringify({ kind: 'tick' })]));
  });
});
