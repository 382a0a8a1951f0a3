/**
 * Conformance: Lambda event filtering (`FilterCriteria`) on an SQS and a DynamoDB stream event
 * source mapping, in a CDK app written here. One function records every record it gets into a
 * table; the journey sends matching and non-matching records and reads back which ones arrived
 * (and, for SQS, that the dropped messages were deleted from the queue, as Lambda does).
 */
import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DynamoDBClient, PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCESS_KEY_ID, readControlSecret } from '../control-plane/secret';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

const SINK = 'filtering-sink';
const ORDERS = 'filtering-orders';
const ITEMS = 'filtering-items';

/** Records each record it gets: `sqs#<id or body>` or `ddb#<eventName>#<id>`. */
const RECORDER = `
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
const idOf = (body) => { try { return JSON.parse(body).id; } catch { return body; } };
exports.handler = async (event) => {
  for (const record of event.Records) {
    const pk = record.eventSource === 'aws:sqs'
      ? 'sqs#' + idOf(record.body)
      : 'ddb#' + record.eventName + '#' + record.dynamodb.NewImage.id.S;
    await db.send(new PutItemCommand({ TableName: '${SINK}', Item: { pk: { S: pk } } }));
  }
};`;

let cloud: BuiltCloud;
let dynamo: DynamoDBClient;
let queueClient: SQSClient;
let ordersUrl: string;

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
    .map((item) => String(item.pk?.S))
    .filter((pk) => pk.startsWith(prefix))
    .sort();

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-filtering'), 'filtering', (app) => {
    const stack = new Stack(app, 'FilteringStack', { stackName: 'filtering' });
    const sink = new dynamodb.Table(stack, 'Sink', { tableName: SINK, partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const items = new dynamodb.Table(stack, 'Items', {
      tableName: ITEMS,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    const orders = new sqs.Queue(stack, 'Orders', { queueName: ORDERS });
    const recorder = new lambda.Function(stack, 'Recorder', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(RECORDER),
    });
    sink.grantWriteData(recorder);
    recorder.addEventSource(
      new SqsEventSource(orders, {
        batchSize: 10,
        filters: [
          // JSON bodies: big orders only.
          lambda.FilterCriteria.filter({ body: { kind: ['order'], total: [{ numeric: ['>', 100] }] } }),
          // Plain-string bodies: urgent notes.
          lambda.FilterCriteria.filter({ body: [{ prefix: 'urgent:' }] }),
        ],
      }),
    );
    recorder.addEventSource(
      new DynamoEventSource(items, {
        startingPosition: lambda.StartingPosition.LATEST,
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { status: { S: lambda.FilterRule.isEqual('paid') } } },
          }),
          lambda.FilterCriteria.filter({
            eventName: ['MODIFY'],
            dynamodb: { NewImage: { status: { S: [{ 'anything-but': ['paid', 'pending'] }] } } },
          }),
        ],
      }),
    );
  });
  cloud = await startBuiltCloud({ assemblies: root, args: ['--no-prewarm'] });
  const resources = await cloud.local<{ endpoints: Record<string, string>; queues: { name: string; url: string }[] }>('/_local/resources');
  const credentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(cloud.stateDir) };
  dynamo = new DynamoDBClient({ endpoint: resources.endpoints.AWS_ENDPOINT_URL_DYNAMODB, region: 'us-east-1', credentials });
  queueClient = new SQSClient({ endpoint: resources.endpoints.AWS_ENDPOINT_URL_SQS, region: 'us-east-1', credentials });
  ordersUrl = String(resources.queues.find((queue) => queue.name === ORDERS)?.url);
}, 90_000);

afterAll(async () => {
  dynamo?.destroy();
  queueClient?.destroy();
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: Lambda event filtering (FilterCriteria) on SQS and DynamoDB stream mappings', () => {
  it('names the filters in /_local/resources and warns about none of them at start-up', async () => {
    const { eventSourceMappings } = await cloud.local<{ eventSourceMappings: { kind: string; filterPatterns: string[] }[] }>(
      '/_local/resources',
    );
    expect(eventSourceMappings.map((mapping) => [mapping.kind, mapping.filterPatterns.length]).sort()).toEqual([
      ['dynamodb-stream', 2],
      ['sqs', 2],
    ]);
    expect(cloud.output()).not.toMatch(/FilterCriteria/);
  });

  it('SQS: invokes the function for the matching messages only, and deletes the others from the queue', async () => {
    const bodies = [
      JSON.stringify({ id: 'big', kind: 'order', total: 150 }),
      JSON.stringify({ id: 'small', kind: 'order', total: 20 }),
      JSON.stringify({ id: 'refund', kind: 'refund', total: 500 }),
      JSON.stringify({ id: 'no-total', kind: 'order' }),
      'urgent: call the customer',
      'routine: nothing to do',
      JSON.stringify({ id: 'bigger', kind: 'order', total: 100.5 }),
    ];
    for (const body of bodies) await queueClient.send(new SendMessageCommand({ QueueUrl: ordersUrl, MessageBody: body }));
    const expected = ['sqs#big', 'sqs#bigger', 'sqs#urgent: call the customer'];
    await eventually(async () => ((await recorded('sqs#')).length >= expected.length ? true : undefined));
    await eventually(async () => {
      const { Attributes = {} } = await queueClient.send(
        new GetQueueAttributesCommand({
          QueueUrl: ordersUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Attributes.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0' ? true : undefined;
    });
    expect(await recorded('sqs#')).toEqual(expected);
  });

  it('DynamoDB stream: invokes the function for the records the typed-attribute patterns match only', async () => {
    const put = (id: string, status: string) =>
      dynamo.send(new PutItemCommand({ TableName: ITEMS, Item: { id: { S: id }, status: { S: status } } }));
    const setStatus = (id: string, status: string) =>
      dynamo.send(
        new UpdateItemCommand({
          TableName: ITEMS,
          Key: { id: { S: id } },
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': { S: status } },
        }),
      );
    await put('a', 'paid'); // INSERT paid: delivered
    await put('b', 'pending'); // INSERT pending: dropped
    await setStatus('b', 'paid'); // MODIFY to paid: dropped
    await setStatus('b', 'shipped'); // MODIFY to anything but paid/pending: delivered
    await put('c', 'paid'); // the last record, delivered: once it is there, every record before it was seen
    await eventually(async () => ((await recorded('ddb#')).includes('ddb#INSERT#c') ? true : undefined));
    expect(await recorded('ddb#')).toEqual(['ddb#INSERT#a', 'ddb#INSERT#c', 'ddb#MODIFY#b']);
  });
});
