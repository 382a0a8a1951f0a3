/**
 * Conformance: S3 for an app written here: a bucket (CDK L2, EventBridge enabled, auto-delete) whose
 * notifications go to a function (prefix and suffix filter), a queue (deletes, and `docs/` puts), a
 * topic (copies) and the default event bus; a second bucket (L1) whose own
 * `NotificationConfiguration` sends `.csv` objects to a queue; and a function behind a function
 * URL that reads and writes objects through `AWS_ENDPOINT_URL_S3`; a BucketDeployment. Journey: objects written by the
 * function read back (through it and from outside), each event arrives once where its
 * configuration sends it, and the keys a filter leaves out invoke nothing.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_ACCESS_KEY_ID, readControlSecret } from '../control-plane/secret';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

const UPLOADS = 's3-conformance-uploads';
const REPORTS = 's3-conformance-reports';
const SINK = 's3-conformance-sink';
const QUEUES = {
  events: 's3-conformance-events',
  topic: 's3-conformance-topic-sink',
  csv: 's3-conformance-csv',
  bus: 's3-conformance-bus',
};

/** Object calls through the local S3 endpoint, one per request: `{ op, bucket, key, ... }`. */
const OBJECTS = `
const s3sdk = require('@aws-sdk/client-s3');
const { Readable } = require('node:stream');
const s3 = new s3sdk.S3Client({});
const ops = {
  put: async ({ bucket, key, body, stream }) => {
    const result = await s3.send(new s3sdk.PutObjectCommand({
      Bucket: bucket, Key: key, ContentType: 'text/plain',
      Body: stream ? Readable.from([Buffer.from(body)]) : body,
      ContentLength: stream ? Buffer.byteLength(body) : undefined,
    }));
    return { eTag: result.ETag };
  },
  get: async ({ bucket, key }) => {
    const result = await s3.send(new s3sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return { body: await result.Body.transformToString(), contentType: result.ContentType, eTag: result.ETag };
  },
  head: async ({ bucket, key }) => {
    const result = await s3.send(new s3sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: result.ContentLength, eTag: result.ETag };
  },
  list: async ({ bucket, prefix }) => {
    const result = await s3.send(new s3sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return { keys: (result.Contents || []).map((object) => object.Key) };
  },
  delete: async ({ bucket, key }) => (await s3.send(new s3sdk.DeleteObjectCommand({ Bucket: bucket, Key: key })), {}),
  copy: async ({ bucket, from, key }) => {
    const result = await s3.send(new s3sdk.CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: bucket + '/' + encodeURIComponent(from) }));
    return { eTag: result.CopyObjectResult.ETag };
  },
  multipart: async ({ bucket, key, tail }) => {
    const { UploadId } = await s3.send(new s3sdk.CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const parts = [Buffer.alloc(5 * 1024 * 1024, 'a'), Buffer.from(tail)];
    const done = [];
    for (const [index, body] of parts.entries()) {
      const { ETag } = await s3.send(new s3sdk.UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: index + 1, Body: body }));
      done.push({ ETag, PartNumber: index + 1 });
    }
    const result = await s3.send(new s3sdk.CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: done } }));
    return { eTag: result.ETag };
  },
};
exports.handler = async (event) => {
  const input = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body);
  try {
    return { statusCode: 200, body: JSON.stringify(await ops[input.op](input)) };
  } catch (error) {
    return { statusCode: 500, body: JSON.stringify({ error: error.name, message: error.message }) };
  }
};`;

/** Records each S3 event record it gets: `lambda#<key>#<event name>` with the record. */
const RECORDER = `
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
exports.handler = async (event) => {
  for (const record of event.Records) {
    const pk = 'lambda#' + record.s3.object.key + '#' + record.eventName;
    await db.send(new PutItemCommand({ TableName: '${SINK}', Item: { pk: { S: pk }, record: { S: JSON.stringify(record) } } }));
  }
};`;

let root: string;
let cloud: BuiltCloud;
let dynamo: DynamoDBClient;
let queueClient: SQSClient;
let outside: S3Client;
let objectsUrl: string;
let queueUrls: Record<keyof typeof QUEUES, string>;

type S3Record = {
  eventVersion: string;
  eventSource: string;
  eventName: string;
  s3: { bucket: { name: string; arn: string }; object: { key: string; size?: number; eTag?: string; sequencer: string } };
};

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function objects<T = Record<string, unknown>>(input: Record<string, unknown>): Promise<T> {
  const response = await fetch(objectsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`${String(input.op)} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** The records the recorder function wrote, by `<key>#<event name>`. */
async function recorded(): Promise<Map<string, S3Record>> {
  const items = (await dynamo.send(new ScanCommand({ TableName: SINK, ConsistentRead: true }))).Items ?? [];
  return new Map(items.map((item) => [String(item.pk?.S).replace(/^lambda#/, ''), JSON.parse(String(item.record?.S)) as S3Record]));
}

/** Every message of a queue until it stays empty for a second (received and deleted). */
async function drain(queue: keyof typeof QUEUES): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const { Messages = [] } = await queueClient.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrls[queue], WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(JSON.parse(String(message.Body)));
      await queueClient.send(new DeleteMessageCommand({ QueueUrl: queueUrls[queue], ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

beforeAll(async () => {
  root = synthApp(assembliesFolder('conformance-s3'), 's3', (app) => {
    const stack = new Stack(app, 'S3Stack', { stackName: 's3' });
    const sink = new dynamodb.Table(stack, 'Sink', { tableName: SINK, partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const eventsQueue = new sqs.Queue(stack, 'Events', { queueName: QUEUES.events });
    const topicSink = new sqs.Queue(stack, 'TopicSink', { queueName: QUEUES.topic });
    const csvQueue = new sqs.Queue(stack, 'Csv', { queueName: QUEUES.csv });
    const busQueue = new sqs.Queue(stack, 'Bus', { queueName: QUEUES.bus });
    const topic = new sns.Topic(stack, 'Copies');
    topic.addSubscription(new subscriptions.SqsSubscription(topicSink));

    const uploads = new s3.Bucket(stack, 'Uploads', {
      bucketName: UPLOADS,
      eventBridgeEnabled: true,
      autoDeleteObjects: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const recorder = new lambda.Function(stack, 'Recorder', {
      functionName: 's3-recorder',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(RECORDER),
    });
    sink.grantWriteData(recorder);
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(recorder), { prefix: 'images/', suffix: '.jpg' });
    uploads.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SqsDestination(eventsQueue));
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new s3n.SqsDestination(eventsQueue), { prefix: 'docs/' });
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED_COPY, new s3n.SnsDestination(topic));
    new events.Rule(stack, 'DocsCreated', {
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [uploads.bucketName] }, object: { key: [{ prefix: 'docs/' }] } },
      },
      targets: [new targets.SqsQueue(busQueue)],
    });

    new s3deploy.BucketDeployment(stack, 'Site', {
      destinationBucket: uploads,
      destinationKeyPrefix: 'site/',
      sources: [
        s3deploy.Source.data('index.html', '<h1>hello</h1>'),
        s3deploy.Source.jsonData('config.json', { queue: eventsQueue.queueUrl }),
      ],
    });

    const reports = new s3.CfnBucket(stack, 'Reports', {
      bucketName: REPORTS,
      versioningConfiguration: { status: 'Enabled' },
      notificationConfiguration: {
        queueConfigurations: [
          { event: 's3:ObjectCreated:*', queue: csvQueue.queueArn, filter: { s3Key: { rules: [{ name: 'suffix', value: '.csv' }] } } },
        ],
      },
    });

    const fn = new lambda.Function(stack, 'Objects', {
      functionName: 's3-objects',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(OBJECTS),
      timeout: Duration.seconds(30),
      environment: { UPLOADS: uploads.bucketName, REPORTS: reports.ref },
    });
    uploads.grantReadWrite(fn);
    fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  });
  cloud = await startBuiltCloud({ assemblies: root, args: ['--no-prewarm'] });
  const resources = await cloud.local<{
    endpoints: Record<string, string>;
    queues: { name: string; url: string }[];
    functionUrls: { functionName: string; url: string }[];
  }>('/_local/resources');
  const credentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(cloud.stateDir) };
  const config = { region: 'us-east-1', credentials };
  dynamo = new DynamoDBClient({ ...config, endpoint: resources.endpoints.AWS_ENDPOINT_URL_DYNAMODB });
  queueClient = new SQSClient({ ...config, endpoint: resources.endpoints.AWS_ENDPOINT_URL_SQS });
  outside = new S3Client({ ...config, endpoint: resources.endpoints.AWS_ENDPOINT_URL_S3 });
  objectsUrl = String(resources.functionUrls.find((url) => url.functionName === 's3-objects')?.url);
  const urlOf = (name: string) => String(resources.queues.find((queue) => queue.name === name)?.url);
  queueUrls = { events: urlOf(QUEUES.events), topic: urlOf(QUEUES.topic), csv: urlOf(QUEUES.csv), bus: urlOf(QUEUES.bus) };
}, 120_000);

afterAll(async () => {
  keepOutput(cloud);
  dynamo?.destroy();
  queueClient?.destroy();
  outside?.destroy();
  await cloud?.stop();
});

describe('S3 conformance', () => {
  it('lists the buckets, their notifications and what is not served; nothing S3 is left "not emulated"', async () => {
    const resources = await cloud.local<{
      buckets: { name: string; notServed?: string[] }[];
      bucketNotifications: { bucket: string; configurations: { eventBridge: boolean; targets: { kind: string }[] }[] }[];
      notEmulated: { type: string }[];
    }>('/_local/resources');
    expect(resources.buckets.map((bucket) => bucket.name).sort()).toEqual([REPORTS, UPLOADS]);
    expect(resources.buckets.find((bucket) => bucket.name === REPORTS)?.notServed).toEqual([
      'VersioningConfiguration: versioning is not emulated (one version per key)',
    ]);
    const uploads = resources.bucketNotifications.find((entry) => entry.bucket === UPLOADS);
    expect(uploads?.configurations[0]?.eventBridge).toBe(true);
    expect(uploads?.configurations[0]?.targets.map((target) => target.kind).sort()).toEqual(['lambda', 'sns', 'sqs', 'sqs']);
    expect(resources.bucketNotifications.find((entry) => entry.bucket === REPORTS)?.configurations[0]?.targets).toHaveLength(1);
    expect(
      resources.notEmulated.filter((resource) => resource.type.startsWith('Custom::S3') || resource.type === 'AWS::S3::Bucket'),
    ).toEqual([]);
  });

  it('copies a BucketDeployment into its bucket at start, deploy-time values substituted', async () => {
    expect(await objects({ op: 'list', bucket: UPLOADS, prefix: 'site/' })).toEqual({ keys: ['site/config.json', 'site/index.html'] });
    expect(await objects({ op: 'get', bucket: UPLOADS, key: 'site/index.html' })).toMatchObject({
      body: '<h1>hello</h1>',
      contentType: 'text/html',
    });
    const config = await objects<{ body: string }>({ op: 'get', bucket: UPLOADS, key: 'site/config.json' });
    expect(JSON.parse(config.body)).toEqual({ queue: queueUrls.events });
  }, 30_000);

  it('sends s3:TestEvent once to each queue and topic when the configuration is set, as S3 does', async () => {
    const events = (await drain('events')) as { Event?: string; Bucket?: string }[];
    expect(events).toEqual([expect.objectContaining({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: UPLOADS })]);
    expect(await drain('csv')).toEqual([expect.objectContaining({ Event: 's3:TestEvent', Bucket: REPORTS })]);
    const published = (await drain('topic')) as { Message: string }[];
    expect(published.map((message) => JSON.parse(message.Message) as unknown)).toEqual([
      expect.objectContaining({ Event: 's3:TestEvent', Bucket: UPLOADS }),
    ]);
  }, 30_000);

  it('a function writes, reads, lists and heads objects through AWS_ENDPOINT_URL_S3 (buffered and streamed bodies)', async () => {
    const put = await objects<{ eTag: string }>({ op: 'put', bucket: UPLOADS, key: 'notes/a b+c.txt', body: 'hello s3' });
    const streamed = await objects<{ eTag: string }>({
      op: 'put',
      bucket: UPLOADS,
      key: 'notes/streamed.txt',
      body: 'streamed body',
      stream: true,
    });
    expect(put.eTag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await objects({ op: 'get', bucket: UPLOADS, key: 'notes/a b+c.txt' })).toEqual({
      body: 'hello s3',
      contentType: 'text/plain',
      eTag: put.eTag,
    });
    expect(await objects({ op: 'get', bucket: UPLOADS, key: 'notes/streamed.txt' })).toMatchObject({
      body: 'streamed body',
      eTag: streamed.eTag,
    });
    expect(await objects({ op: 'head', bucket: UPLOADS, key: 'notes/streamed.txt' })).toEqual({ size: 13, eTag: streamed.eTag });
    expect(await objects({ op: 'list', bucket: UPLOADS, prefix: 'notes/' })).toEqual({ keys: ['notes/a b+c.txt', 'notes/streamed.txt'] });
    // From outside, with the local credentials: the same objects.
    const listed = await outside.send(new ListObjectsV2Command({ Bucket: UPLOADS, Prefix: 'notes/' }));
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['notes/a b+c.txt', 'notes/streamed.txt']);
    const got = await outside.send(new GetObjectCommand({ Bucket: UPLOADS, Key: 'notes/a b+c.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello s3');
  }, 60_000);

  it('invokes the function for matching keys only (prefix images/, suffix .jpg), with the S3 record shape', async () => {
    // Non-matching first: when the matching one has arrived, they would have too.
    await objects({ op: 'put', bucket: UPLOADS, key: 'images/cat.png', body: 'png' });
    await objects({ op: 'put', bucket: UPLOADS, key: 'other/dog.jpg', body: 'jpg' });
    const put = await objects<{ eTag: string }>({ op: 'put', bucket: UPLOADS, key: 'images/my cat+1.jpg', body: 'a cat' });
    const record = await eventually(async () => (await recorded()).get('images/my+cat%2B1.jpg#ObjectCreated:Put'));
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: UPLOADS, arn: `arn:aws:s3:::${UPLOADS}` },
        object: { key: 'images/my+cat%2B1.jpg', size: 5, eTag: put.eTag.replace(/"/g, '') },
      },
    });
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]{16,}$/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const keys = [...(await recorded()).keys()];
    expect(keys.filter((key) => key.startsWith('images/cat.png') || key.startsWith('other/'))).toEqual([]);
  }, 60_000);

  it('notifies a completed multipart upload with the whole size', async () => {
    const done = await objects<{ eTag: string }>({ op: 'multipart', bucket: UPLOADS, key: 'images/big.jpg', tail: 'end' });
    expect(done.eTag).toMatch(/-2"$/);
    const record = await eventually(async () => (await recorded()).get('images/big.jpg#ObjectCreated:CompleteMultipartUpload'));
    expect(record.s3.object).toMatchObject({ size: 5 * 1024 * 1024 + 3, eTag: done.eTag.replace(/"/g, '') });
  }, 90_000);

  it('sends docs/ puts and every delete to the queue, copies to the topic, docs/ creations to the event bus', async () => {
    await objects({ op: 'put', bucket: UPLOADS, key: 'docs/readme.txt', body: 'read me' });
    await objects({ op: 'copy', bucket: UPLOADS, from: 'docs/readme.txt', key: 'docs/copy.txt' });
    await objects({ op: 'delete', bucket: UPLOADS, key: 'images/cat.png' });
    // A put from outside the functions passes the same door: notified too (not docs/: no queue).
    await outside.send(new PutObjectCommand({ Bucket: UPLOADS, Key: 'outside.txt', Body: 'x' }));

    const queued: { Records: S3Record[] }[] = [];
    await eventually(async () => {
      queued.push(...((await drain('events')) as { Records: S3Record[] }[]));
      return queued.length >= 2 ? true : undefined;
    });
    expect(queued.map((event) => [event.Records[0].eventName, event.Records[0].s3.object.key])).toEqual([
      ['ObjectCreated:Put', 'docs/readme.txt'],
      ['ObjectRemoved:Delete', 'images/cat.png'],
    ]);
    expect(queued[1].Records[0].s3.object).not.toHaveProperty('size');

    const published = await eventually(async () => {
      const messages = (await drain('topic')) as { Subject: string; Message: string }[];
      return messages.length > 0 ? messages : undefined;
    });
    expect(published).toHaveLength(1);
    expect(published[0].Subject).toBe('Amazon S3 Notification');
    const copied = (JSON.parse(published[0].Message) as { Records: S3Record[] }).Records[0];
    expect(copied).toMatchObject({ eventName: 'ObjectCreated:Copy', s3: { object: { key: 'docs/copy.txt', size: 7 } } });

    const onBus: { 'detail-type': string; detail: { object: { key: string } } }[] = [];
    await eventually(async () => {
      onBus.push(...((await drain('bus')) as typeof onBus));
      return onBus.length >= 2 ? true : undefined;
    });
    expect(onBus.map((event) => [event['detail-type'], event.detail.object.key]).sort()).toEqual([
      ['Object Created', 'docs/copy.txt'],
      ['Object Created', 'docs/readme.txt'],
    ]);
  }, 90_000);

  it("applies a bucket's own NotificationConfiguration (suffix .csv) and nothing else", async () => {
    const outsidePut = (key: string) => outside.send(new PutObjectCommand({ Bucket: REPORTS, Key: key, Body: 'a,b' }));
    await outsidePut('report.txt');
    await outsidePut('2026/report.csv');
    const messages: { Records: S3Record[] }[] = [];
    await eventually(async () => {
      messages.push(...((await drain('csv')) as { Records: S3Record[] }[]));
      return messages.length > 0 ? true : undefined;
    });
    expect(messages.map((event) => event.Records[0].s3.object.key)).toEqual(['2026/report.csv']);
    expect(messages[0].Records[0].s3.bucket.name).toBe(REPORTS);
  }, 60_000);
});

describe('S3 with --persist', () => {
  it('keeps the objects across a restart (fauxqs file storage under <state dir>/data/s3); without it they are gone', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'local-cloud-s3-persist-'));
    const clientOf = (run: BuiltCloud) =>
      new S3Client({
        region: 'us-east-1',
        credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(run.stateDir) },
        endpoint: `${run.base}/_aws/s3`,
      });
    const keysAfterStart = async (args: string[], put?: string) => {
      const run = await startBuiltCloud({ assemblies: root, args: ['--no-prewarm', ...args], stateDir });
      const client = clientOf(run);
      try {
        if (put) await client.send(new PutObjectCommand({ Bucket: REPORTS, Key: put, Body: 'kept' }));
        const listed = await client.send(new ListObjectsV2Command({ Bucket: REPORTS }));
        return (listed.Contents ?? []).map((object) => object.Key);
      } finally {
        client.destroy();
        await run.stop();
      }
    };
    try {
      expect(await keysAfterStart(['--persist'], 'kept.csv')).toEqual(['kept.csv']);
      expect(await keysAfterStart(['--persist'])).toEqual(['kept.csv']);
      expect(await keysAfterStart([])).toEqual([]);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 180_000);
});
