import { Readable } from 'node:stream';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, GetParametersByPathCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readAwsRequest } from '../faults/aws-call';
import { frontDoorActions, type FrontDoorService } from './request-mapping';
import { eventBridgeActions, lambdaInvokeActions, ssmActions, stepFunctionsActions } from './service-actions';

/** The request an SDK client sends, recorded by a request handler that stands in for the network (nothing is sent). */
interface Recorded {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

async function record(send: (config: object) => Promise<unknown>): Promise<Recorded> {
  let recorded: Recorded | undefined;
  const requestHandler = {
    handle: async (request: { path: string; headers: Record<string, string>; body?: unknown }) => {
      const body = request.body;
      const bytes =
        body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : Buffer.from(String(body ?? ''));
      recorded = { path: request.path, headers: request.headers, body: bytes };
      return { response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from('{}')]) } };
    },
  };
  await send({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9/_aws/x',
    credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler,
  }).catch(() => undefined); // the stand-in answer is not a valid response for every operation: only the request matters
  if (!recorded) throw new Error('the client sent nothing');
  return recorded;
}

const target = (recorded: Recorded) => recorded.headers['x-amz-target'];
const json = (recorded: Recorded) => JSON.parse(recorded.body.toString('utf8')) as Record<string, unknown>;
const operationOf = (recorded: Recorded) => (target(recorded) ?? '').split('.')[1] ?? '';

const mapped = (service: FrontDoorService, recorded: Recorded, partitionKeyOf?: (table: string, index?: string) => string | undefined) =>
  frontDoorActions(service, readAwsRequest(service === 'sns', target(recorded), recorded.body), partitionKeyOf);

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders';
const keys = (table: string, index?: string) => (table === 'orders' ? (index === 'byCustomer' ? 'customerId' : 'pk') : 'id');

describe('DynamoDB requests as IAM sees them', () => {
  const dynamodb = (command: object) => record((config) => new DynamoDBClient(config).send(command as never));

  it('GetItem, PutItem, UpdateItem, DeleteItem: the table, the partition key as dynamodb:LeadingKeys', async () => {
    const get = await dynamodb(
      new GetItemCommand({
        TableName: 'orders',
        Key: { pk: { S: 'ORDER#1' }, sk: { S: 'v' } },
        ProjectionExpression: '#s, total',
        ExpressionAttributeNames: { '#s': 'status' },
      }),
    );
    expect(mapped('dynamodb', get, keys)).toEqual([
      {
        action: 'dynamodb:GetItem',
        resource: TABLE,
        context: { 'dynamodb:LeadingKeys': ['ORDER#1'], 'dynamodb:Attributes': ['status', 'total'] },
      },
    ]);
    const put = await dynamodb(
      new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'ORDER#2' }, total: { N: '3' } }, ReturnValues: 'ALL_OLD' }),
    );
    expect(mapped('dynamodb', put, keys)).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: TABLE,
        context: { 'dynamodb:LeadingKeys': ['ORDER#2'], 'dynamodb:Attributes': ['pk', 'total'], 'dynamodb:ReturnValues': 'ALL_OLD' },
      },
    ]);
    const update = await dynamodb(
      new UpdateItemCommand({
        TableName: 'orders',
        Key: { pk: { S: 'ORDER#3' } },
        UpdateExpression: 'SET total = :t',
        ExpressionAttributeValues: { ':t': { N: '1' } },
      }),
    );
    expect(mapped('dynamodb', update, keys)).toEqual([
      { action: 'dynamodb:UpdateItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['ORDER#3'] } },
    ]);
    const remove = await dynamodb(new DeleteItemCommand({ TableName: 'orders', Key: { pk: { N: '4' } } }));
    expect(mapped('dynamodb', remove, keys)).toEqual([
      { action: 'dynamodb:DeleteItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['4'] } },
    ]);
  });

  it('Query and Scan on an index: the index ARN, and the partition value of the key condition', async () => {
    const query = await dynamodb(
      new QueryCommand({
        TableName: 'orders',
        IndexName: 'byCustomer',
        KeyConditionExpression: '#c = :c AND begins_with(sk, :p)',
        ExpressionAttributeNames: { '#c': 'customerId' },
        ExpressionAttributeValues: { ':c': { S: 'c-1' }, ':p': { S: 'ORDER#' } },
        Select: 'COUNT',
      }),
    );
    expect(mapped('dynamodb', query, keys)).toEqual([
      {
        action: 'dynamodb:Query',
        resource: `${TABLE}/index/byCustomer`,
        context: { 'dynamodb:LeadingKeys': ['c-1'], 'dynamodb:Select': 'COUNT' },
      },
    ]);
    const reversed = await dynamodb(
      new QueryCommand({ TableName: 'orders', KeyConditionExpression: ':v = pk', ExpressionAttributeValues: { ':v': { S: 'X' } } }),
    );
    expect(mapped('dynamodb', reversed, keys)[0].context).toEqual({ 'dynamodb:LeadingKeys': ['X'] });
    const scan = await dynamodb(new ScanCommand({ TableName: 'orders' }));
    expect(mapped('dynamodb', scan, keys)).toEqual([{ action: 'dynamodb:Scan', resource: TABLE }]);
  });

  it('batches and transactions: one action per table (and per kind of write in a transaction)', async () => {
    const batchGet = await dynamodb(
      new BatchGetItemCommand({
        RequestItems: { orders: { Keys: [{ pk: { S: 'a' } }, { pk: { S: 'b' } }] }, stock: { Keys: [{ id: { S: 's' } }] } },
      }),
    );
    expect(mapped('dynamodb', batchGet, keys)).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['a', 'b'] } },
      {
        action: 'dynamodb:BatchGetItem',
        resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/stock',
        context: { 'dynamodb:LeadingKeys': ['s'] },
      },
    ]);
    const batchWrite = await dynamodb(
      new BatchWriteItemCommand({
        RequestItems: { orders: [{ PutRequest: { Item: { pk: { S: 'a' } } } }, { DeleteRequest: { Key: { pk: { S: 'c' } } } }] },
      }),
    );
    expect(mapped('dynamodb', batchWrite, keys)).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['a', 'c'] } },
    ]);
    const transaction = await dynamodb(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'orders', Item: { pk: { S: 'o' } } } },
          {
            Update: {
              TableName: 'stock',
              Key: { id: { S: 's' } },
              UpdateExpression: 'SET n = :n',
              ExpressionAttributeValues: { ':n': { N: '1' } },
            },
          },
          { ConditionCheck: { TableName: 'stock', Key: { id: { S: 's' } }, ConditionExpression: 'attribute_exists(id)' } },
        ],
      }),
    );
    expect(mapped('dynamodb', transaction, keys).map(({ action, resource }) => `${action} ${resource.split('/')[1]}`)).toEqual([
      'dynamodb:PutItem orders',
      'dynamodb:UpdateItem stock',
      'dynamodb:ConditionCheckItem stock',
    ]);
  });

  it('DescribeTable: the table; with no key schema known, no LeadingKeys is invented', async () => {
    expect(mapped('dynamodb', await dynamodb(new DescribeTableCommand({ TableName: 'orders' })))).toEqual([
      { action: 'dynamodb:DescribeTable', resource: TABLE },
    ]);
    expect(mapped('dynamodb', await dynamodb(new GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'a' } } })))).toEqual([
      { action: 'dynamodb:GetItem', resource: TABLE },
    ]);
  });

  it('Streams: the stream ARN under the one label the templates resolve StreamArn to', () => {
    const read = readAwsRequest(
      false,
      'DynamoDBStreams_20120810.DescribeStream',
      Buffer.from(JSON.stringify({ StreamArn: `${TABLE}/stream/2026-12-02T10:00:00.123` })),
    );
    expect(frontDoorActions('dynamodbstreams', read)).toEqual([
      { action: 'dynamodb:DescribeStream', resource: `${TABLE}/stream/1970-01-01T00:00:00.000` },
    ]);
  });
});

describe('SQS, SNS and STS requests as IAM sees them', () => {
  const QUEUE_URL = 'http://127.0.0.1:3000/_aws/sqs/000000000000/payments';
  const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:payments';

  it('SQS (JSON protocol): the queue of the QueueUrl; batches are their single action', async () => {
    const sqs = (command: object) => record((config) => new SQSClient(config).send(command as never));
    expect(mapped('sqs', await sqs(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'x' })))).toEqual([
      { action: 'sqs:SendMessage', resource: QUEUE },
    ]);
    expect(mapped('sqs', await sqs(new ReceiveMessageCommand({ QueueUrl: QUEUE_URL })))).toEqual([
      { action: 'sqs:ReceiveMessage', resource: QUEUE },
    ]);
    expect(
      mapped('sqs', await sqs(new DeleteMessageBatchCommand({ QueueUrl: QUEUE_URL, Entries: [{ Id: '1', ReceiptHandle: 'r' }] }))),
    ).toEqual([{ action: 'sqs:DeleteMessage', resource: QUEUE }]);
  });

  it('SNS (query protocol): Publish and PublishBatch are sns:Publish on the topic', async () => {
    const sns = (command: object) => record((config) => new SNSClient(config).send(command as never));
    const TOPIC = 'arn:aws:sns:us-east-1:000000000000:orders';
    expect(mapped('sns', await sns(new PublishCommand({ TopicArn: TOPIC, Message: 'x' })))).toEqual([
      { action: 'sns:Publish', resource: TOPIC },
    ]);
    expect(
      mapped('sns', await sns(new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: [{ Id: '1', Message: 'x' }] }))),
    ).toEqual([{ action: 'sns:Publish', resource: TOPIC }]);
  });

  it('STS GetCallerIdentity needs no permission', () => {
    expect(frontDoorActions('sts', readAwsRequest(true, undefined, Buffer.from('Action=GetCallerIdentity&Version=2011-06-15')))).toEqual(
      [],
    );
  });
});

describe('the APIs the local cloud answers itself', () => {
  it('Step Functions: executions on their state machine or execution; callbacks on the machine that issued the token', async () => {
    const sfn = (command: object) => record((config) => new SFNClient(config).send(command as never));
    const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:saga';
    const start = await sfn(new StartExecutionCommand({ stateMachineArn: MACHINE, input: '{}' }));
    expect(stepFunctionsActions(operationOf(start), json(start))).toEqual([{ action: 'states:StartExecution', resource: MACHINE }]);
    const describe = await sfn(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:saga:e1' }));
    expect(stepFunctionsActions(operationOf(describe), json(describe))[0].resource).toBe(
      'arn:aws:states:us-east-1:000000000000:execution:saga:e1',
    );
    const callback = await sfn(new SendTaskSuccessCommand({ taskToken: 'tok', output: '{}' }));
    expect(stepFunctionsActions(operationOf(callback), json(callback), (token) => (token === 'tok' ? MACHINE : undefined))).toEqual([
      { action: 'states:SendTaskSuccess', resource: MACHINE },
    ]);
    expect(stepFunctionsActions(operationOf(callback), json(callback))).toEqual([{ action: 'states:SendTaskSuccess', resource: '*' }]);
  });

  it('SSM: each parameter ARN (without a version selector); a path for GetParametersByPath', async () => {
    const ssm = (command: object) => record((config) => new SSMClient(config).send(command as never));
    const one = await ssm(new GetParameterCommand({ Name: '/shop/config:3' }));
    expect(ssmActions(operationOf(one), json(one))).toEqual([
      { action: 'ssm:GetParameter', resource: 'arn:aws:ssm:us-east-1:000000000000:parameter/shop/config' },
    ]);
    const many = await ssm(new GetParametersCommand({ Names: ['/a', 'b'] }));
    expect(ssmActions(operationOf(many), json(many)).map((one) => one.resource)).toEqual([
      'arn:aws:ssm:us-east-1:000000000000:parameter/a',
      'arn:aws:ssm:us-east-1:000000000000:parameter/b',
    ]);
    const path = await ssm(new GetParametersByPathCommand({ Path: '/shop/', Recursive: true }));
    expect(ssmActions(operationOf(path), json(path))).toEqual([
      { action: 'ssm:GetParametersByPath', resource: 'arn:aws:ssm:us-east-1:000000000000:parameter/shop' },
    ]);
  });

  it('EventBridge PutEvents: each bus the entries name (the default bus when none)', async () => {
    const put = await record((config) =>
      new EventBridgeClient(config).send(
        new PutEventsCommand({
          Entries: [
            { Source: 's', DetailType: 'd', Detail: '{}' },
            { EventBusName: 'shop', Source: 's', DetailType: 'd', Detail: '{}' },
          ],
        }),
      ),
    );
    expect(eventBridgeActions(operationOf(put), json(put))).toEqual([
      { action: 'events:PutEvents', resource: 'arn:aws:events:us-east-1:000000000000:event-bus/default' },
      { action: 'events:PutEvents', resource: 'arn:aws:events:us-east-1:000000000000:event-bus/shop' },
    ]);
  });

  it('Lambda Invoke: lambda:InvokeFunction on the function named in the path (name or ARN)', async () => {
    const invoke = await record((config) =>
      new LambdaClient(config).send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:pay:live' })),
    );
    const name = decodeURIComponent(/functions\/([^/]+)\/invocations/.exec(invoke.path)?.[1] ?? '');
    expect(lambdaInvokeActions(name)).toEqual([
      { action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:000000000000:function:pay' },
    ]);
  });
});
