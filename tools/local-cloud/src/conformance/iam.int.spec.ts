/**
 * Conformance: IAM enforced on the wire (`--iam enforce`, the default) on a CDK app written here.
 * Each function calls AWS with its own credentials and is held to its role: a reader granted only
 * GetItem is refused a Query with the AccessDeniedException (and message) AWS writes; a customer
 * limited by a `dynamodb:LeadingKeys` condition reads its own partition and not another's; a topic
 * whose subscription's queue has no policy for it delivers nothing there (the denial is counted in
 * `/_local/iam`) while a queue that allows it receives; a state machine whose role lost its
 * `lambda:InvokeFunction` grant fails its Task with the error Step Functions reports.
 */
import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCESS_KEY_ID, readControlSecret } from '../control-plane/secret';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

const TABLE = 'iamwire-orders';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}`;
const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:iamwire-news';
const DENIED_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:iamwire-denied';

/** Reads the table with its own credentials (the local cloud's, for this function): GetItem or Query, by the event. */
const READER = `
const { DynamoDBClient, GetItemCommand, QueryCommand } = require('@aws-sdk/client-dynamodb');
const client = new DynamoDBClient({});
exports.handler = async (event) => {
  try {
    const result = event.op === 'query'
      ? await client.send(new QueryCommand({ TableName: '${TABLE}', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: event.pk } } }))
      : await client.send(new GetItemCommand({ TableName: '${TABLE}', Key: { pk: { S: event.pk } } }));
    return { ok: true, item: result.Item ?? (result.Items ?? [])[0] ?? null, key: process.env.AWS_ACCESS_KEY_ID };
  } catch (error) {
    return { ok: false, name: error.name, status: error.$metadata && error.$metadata.httpStatusCode, message: error.message };
  }
};`;

const ECHO = `exports.handler = async (event) => ({ charged: event.order });`;

/** A state machine that invokes the echo function (the definition as text: CDK adds no grant for it). */
const invokeDefinition = (functionArn: string) =>
  JSON.stringify({
    StartAt: 'Charge',
    States: {
      Charge: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: functionArn, 'Payload.$': '$' },
        OutputPath: '$.Payload',
        End: true,
      },
    },
  });

let cloud: BuiltCloud;
let credentials: { accessKeyId: string; secretAccessKey: string };
const config = (service: string) => ({ endpoint: `${cloud.base}/_aws/${service}`, region: 'us-east-1', credentials });

async function invoke(functionName: string, payload: unknown): Promise<Record<string, unknown>> {
  const client = new LambdaClient(config('lambda'));
  try {
    const result = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }));
    expect(result.FunctionError).toBeUndefined();
    return JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8')) as Record<string, unknown>;
  } finally {
    client.destroy();
  }
}

async function finished(client: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface IamReportView {
  denials: { principal: string; action: string; resource: string; explanation: string; count: number; mode: string }[];
}

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-iam'), 'iamwire', (app) => {
    const stack = new Stack(app, 'IamWireStack', { stackName: 'iamwire' });
    const table = new dynamodb.Table(stack, 'Orders', {
      tableName: TABLE,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    const code = lambda.Code.fromInline(READER);
    const reader = new lambda.Function(stack, 'Reader', {
      functionName: 'iamwire-reader',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code,
    });
    table.grant(reader, 'dynamodb:GetItem');
    const customer = new lambda.Function(stack, 'Customer', {
      functionName: 'iamwire-customer',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code,
    });
    customer.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['c#1'] } },
      }),
    );

    const topic = new sns.Topic(stack, 'News', { topicName: 'iamwire-news' });
    const allowed = new sqs.Queue(stack, 'Allowed', { queueName: 'iamwire-allowed' });
    topic.addSubscription(new subscriptions.SqsSubscription(allowed)); // adds the queue policy that lets the topic send
    const denied = new sqs.Queue(stack, 'Denied', { queueName: 'iamwire-denied' });
    // A policy on the queue, but for another topic; the subscription itself is made without SqsSubscription's grant.
    denied.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [denied.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:000000000000:some-other-topic' } },
      }),
    );
    new sns.Subscription(stack, 'DeniedSubscription', {
      topic,
      protocol: sns.SubscriptionProtocol.SQS,
      endpoint: denied.queueArn,
      rawMessageDelivery: true,
    });

    const echo = new lambda.Function(stack, 'Echo', {
      functionName: 'iamwire-echo',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(ECHO),
    });
    const granted = new iam.Role(stack, 'GrantedRole', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    echo.grantInvoke(granted);
    new sfn.StateMachine(stack, 'Granted', {
      stateMachineName: 'iamwire-granted',
      role: granted,
      definitionBody: sfn.DefinitionBody.fromString(invokeDefinition(echo.functionArn)),
    });
    // The same saga whose role lost its lambda:InvokeFunction grant.
    const ungranted = new iam.Role(stack, 'UngrantedRole', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    new sfn.StateMachine(stack, 'Ungranted', {
      stateMachineName: 'iamwire-ungranted',
      role: ungranted,
      definitionBody: sfn.DefinitionBody.fromString(invokeDefinition(echo.functionArn)),
    });
  });
  cloud = await startBuiltCloud({ assemblies: root, args: ['--no-prewarm', '--iam', 'enforce'] });
  credentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(cloud.stateDir) };
  // The control key (the user's CLI and tests) is all-powerful, like an administrator: the seed data goes in with it.
  const client = new DynamoDBClient(config('dynamodb'));
  for (const pk of ['o#1', 'c#1', 'c#2'])
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: pk }, note: { S: `item ${pk}` } } }));
  client.destroy();
}, 120_000);

afterAll(async () => {
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: IAM enforced on each function, state machine and subscription', () => {
  it('a function calls with its own access key (ASIA..., not the control key)', async () => {
    const answer = await invoke('iamwire-reader', { op: 'get', pk: 'o#1' });
    expect(answer.key).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(answer.key).not.toBe(LOCAL_ACCESS_KEY_ID);
  });

  it('a role without dynamodb:Query: GetItem (granted) reads the item, Query gets AWS AccessDeniedException', async () => {
    expect(await invoke('iamwire-reader', { op: 'get', pk: 'o#1' })).toMatchObject({
      ok: true,
      item: { pk: { S: 'o#1' }, note: { S: 'item o#1' } },
    });
    const refused = await invoke('iamwire-reader', { op: 'query', pk: 'o#1' });
    expect(refused).toMatchObject({ ok: false, name: 'AccessDeniedException', status: 400 });
    expect(refused.message).toMatch(
      new RegExp(
        `^User: arn:aws:sts::000000000000:assumed-role/[^/]+/iamwire-reader is not authorized to perform: dynamodb:Query on resource: ${TABLE_ARN} because no identity-based policy allows the dynamodb:Query action$`,
      ),
    );
    expect(cloud.output()).toMatch(
      /iam.*DENIED iamwire-reader: dynamodb:Query on arn:aws:dynamodb:us-east-1:000000000000:table\/iamwire-orders/,
    );
    const report = await cloud.local<IamReportView>('/_local/iam');
    expect(report.denials).toContainEqual(expect.objectContaining({ action: 'dynamodb:Query', resource: TABLE_ARN, mode: 'enforce' }));
  });

  it("a granted kind of call goes straight from the function's worker to DynamoDB Local once admitted; a refused kind is refused every time", async () => {
    const direct = async () => (await cloud.local<{ awsCalls: { dynamodbDirect: number } }>('/_local/health')).awsCalls.dynamodbDirect;
    await invoke('iamwire-reader', { op: 'get', pk: 'o#1' });
    const before = await direct();
    expect(await invoke('iamwire-reader', { op: 'get', pk: 'o#1' })).toMatchObject({ ok: true, item: { note: { S: 'item o#1' } } });
    expect(await direct()).toBe(before + 1);
    for (const attempt of [1, 2])
      expect([attempt, await invoke('iamwire-reader', { op: 'query', pk: 'o#1' })]).toEqual([
        attempt,
        expect.objectContaining({ ok: false, name: 'AccessDeniedException' }),
      ]);
    expect(await direct()).toBe(before + 1);
  });

  it('a dynamodb:LeadingKeys condition: the own partition is read, another is refused', async () => {
    expect(await invoke('iamwire-customer', { op: 'get', pk: 'c#1' })).toMatchObject({ ok: true, item: { note: { S: 'item c#1' } } });
    expect(await invoke('iamwire-customer', { op: 'get', pk: 'c#2' })).toMatchObject({
      ok: false,
      name: 'AccessDeniedException',
      message: expect.stringContaining('is not authorized to perform: dynamodb:GetItem on resource'),
    });
  });

  it('a queue whose policy does not allow the topic gets nothing; the allowed queue gets the message; the denial is counted', async () => {
    const snsClient = new SNSClient(config('sns'));
    const sqsClient = new SQSClient(config('sqs'));
    try {
      await snsClient.send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'hello' }));
      const url = (name: string) => `${cloud.base}/_aws/sqs/000000000000/${name}`;
      const received = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: url('iamwire-allowed'), WaitTimeSeconds: 5 }));
      expect(JSON.parse(received.Messages?.[0]?.Body ?? '{}')).toMatchObject({ TopicArn: TOPIC_ARN, Message: 'hello' });
      const none = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: url('iamwire-denied'), WaitTimeSeconds: 2 }));
      expect(none.Messages ?? []).toEqual([]);
      const deadline = Date.now() + 10_000;
      let denial: IamReportView['denials'][number] | undefined;
      while (!denial?.count || denial.count < 2) {
        denial = (await cloud.local<IamReportView>('/_local/iam')).denials.find(
          (candidate) => candidate.principal === 'sns.amazonaws.com' && candidate.resource === DENIED_QUEUE_ARN,
        );
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // One at subscription time, one for the message dropped.
      expect(denial).toMatchObject({ action: 'sqs:SendMessage', count: 2, mode: 'enforce' });
    } finally {
      snsClient.destroy();
      sqsClient.destroy();
    }
  });

  it('a state machine whose role lost lambda:InvokeFunction fails its Task with Lambda.AWSLambdaException; the granted one succeeds', async () => {
    const client = new SFNClient(config('sfn'));
    try {
      const arn = (name: string) => `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
      const ok = await client.send(
        new StartExecutionCommand({ stateMachineArn: arn('iamwire-granted'), input: JSON.stringify({ order: 'o-1' }) }),
      );
      const succeeded = await finished(client, String(ok.executionArn));
      expect([succeeded.status, JSON.parse(succeeded.output ?? 'null')]).toEqual(['SUCCEEDED', { charged: 'o-1' }]);
      const refused = await client.send(
        new StartExecutionCommand({ stateMachineArn: arn('iamwire-ungranted'), input: JSON.stringify({ order: 'o-2' }) }),
      );
      const failed = await finished(client, String(refused.executionArn));
      expect([failed.status, failed.error]).toEqual(['FAILED', 'Lambda.AWSLambdaException']);
      expect(failed.cause).toMatch(
        /^User: arn:aws:sts::000000000000:assumed-role\/[^/]+\/iamwire-ungranted is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:iamwire-echo because no identity-based policy allows the lambda:InvokeFunction action \(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: [\w-]+; Proxy: null\)$/,
      );
    } finally {
      client.destroy();
    }
  });
});
