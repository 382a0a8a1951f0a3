/**
 * Conformance: a REST API whose methods are not Lambda proxies: AWS service integrations (SNS
 * Publish, SQS SendMessage, DynamoDB PutItem/GetItem, Step Functions StartExecution and
 * StartSyncExecution) and a Lambda non-proxy integration, each through VTL mapping templates, and
 * Lambda TOKEN and REQUEST authorizers in front of a proxy and a non-proxy method. The app is the
 * shape of the public "API Gateway direct service integration" samples; each journey is checked by
 * reading the result back (messages received, the item, the execution).
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LOCAL_ACCESS_KEY_ID, readControlSecret } from '../control-plane/secret';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

const GREETER = `
exports.handler = async (event) => {
  if (!event.name) throw new Error('BadRequest: name is required');
  return { greeting: 'hello ' + event.name, source: event.source, tier: event.tier };
};`;

const WHOAMI = `
exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ authorizer: event.requestContext.authorizer }) });`;

/** TOKEN: `allow-<name>` allows the whole API (a wildcard resource), `deny` denies, `elsewhere` allows another API only. REQUEST: X-Key `open` allows, the tenant is the principal. */
const AUTHORIZER = `
exports.handler = async (event) => {
  const [arnBase] = event.methodArn.split('/');
  const policy = (effect, resource) => ({ Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] });
  if (event.type === 'TOKEN') {
    const token = event.authorizationToken;
    if (token === 'unauthorized') throw new Error('Unauthorized');
    if (token === 'deny') return { principalId: 'mallory', policyDocument: policy('Deny', event.methodArn) };
    if (token === 'elsewhere') return { principalId: 'eve', policyDocument: policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:other/*') };
    if (token.startsWith('allow-')) return { principalId: token.slice(6), policyDocument: policy('Allow', arnBase + '/*/GET/*'), context: { tier: 'gold', score: 7 } };
    throw new Error('Unauthorized');
  }
  const allowed = event.headers['X-Key'] === 'open';
  return { principalId: event.queryStringParameters.tenant, policyDocument: policy(allowed ? 'Allow' : 'Deny', event.methodArn), context: { path: event.path } };
};`;

const JSON_TYPE = 'application/json';
let cloud: BuiltCloud;
let stageUrl: string;
let sqsClient: SQSClient;

async function receive(queueName: string): Promise<Message[]> {
  const queueUrl = `${cloud.base}/_aws/sqs/000000000000/${queueName}`;
  const { Messages = [] } = await sqsClient.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 10 }),
  );
  for (const message of Messages)
    await sqsClient.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  return Messages;
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${stageUrl}${path}`, { method: 'POST', headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-rest-integrations'), 'integrations', (app) => {
    const stack = new Stack(app, 'IntegrationsStack', { stackName: 'rest-integrations' });
    const role = new iam.Role(stack, 'ApiRole', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
    const topic = new sns.Topic(stack, 'Orders', { topicName: 'conf-orders' });
    const inbox = new sqs.Queue(stack, 'OrdersInbox', { queueName: 'conf-orders-inbox' });
    topic.addSubscription(new subscriptions.SqsSubscription(inbox, { rawMessageDelivery: true }));
    const jobs = new sqs.Queue(stack, 'Jobs', { queueName: 'conf-jobs' });
    const table = new dynamodb.Table(stack, 'Items', {
      tableName: 'conf-items',
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const flow = new sfn.StateMachine(stack, 'Flow', {
      stateMachineName: 'conf-flow',
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Echo', { parameters: { 'echo.$': '$' } })),
    });
    const express = new sfn.StateMachine(stack, 'Express', {
      stateMachineName: 'conf-express',
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Shout', { parameters: { 'said.$': '$.text' } })),
    });
    topic.grantPublish(role);
    jobs.grantSendMessages(role);
    table.grantReadWriteData(role);
    flow.grantStartExecution(role);
    express.grantStartSyncExecution(role);
    const inline = (id: string, code: string) =>
      new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline(code) });
    const greeter = inline('Greeter', GREETER);
    const whoami = inline('Whoami', WHOAMI);
    const authorizerFn = inline('AuthorizerFn', AUTHORIZER);

    const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName: 'v1' } });
    const form = { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" };
    const ok = [{ statusCode: '200' }, { statusCode: '400' }, { statusCode: '404' }];

    api.root.addResource('orders').addMethod(
      'POST',
      new apigateway.AwsIntegration({
        service: 'sns',
        action: 'Publish',
        options: {
          credentialsRole: role,
          requestParameters: form,
          passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
          requestTemplates: {
            [JSON_TYPE]: `Action=Publish&TopicArn=$util.urlEncode('${topic.topicArn}')&Message=$util.urlEncode($input.body)&Subject=$util.urlEncode($input.params('subject'))`,
          },
          integrationResponses: [
            {
              statusCode: '200',
              responseTemplates: {
                [JSON_TYPE]: `{"messageId": "$input.path('$.PublishResponse.PublishResult.MessageId')", "requestId": "$context.requestId"}`,
              },
            },
            { statusCode: '400', selectionPattern: '4\\d{2}', responseTemplates: { [JSON_TYPE]: '{"error": "publish refused"}' } },
          ],
        },
      }),
      { methodResponses: ok },
    );

    api.root.addResource('jobs').addMethod(
      'POST',
      new apigateway.AwsIntegration({
        service: 'sqs',
        path: `${Aws.ACCOUNT_ID}/${jobs.queueName}`,
        options: {
          credentialsRole: role,
          requestParameters: form,
          requestTemplates: { [JSON_TYPE]: 'Action=SendMessage&MessageBody=$util.urlEncode($input.body)' },
          integrationResponses: [
            {
              statusCode: '202',
              responseTemplates: { [JSON_TYPE]: `{"jobId": "$input.path('$.SendMessageResponse.SendMessageResult.MessageId')"}` },
            },
          ],
        },
      }),
      { methodResponses: [{ statusCode: '202' }] },
    );

    const item = api.root.addResource('items').addResource('{id}');
    item.addMethod(
      'PUT',
      new apigateway.AwsIntegration({
        service: 'dynamodb',
        action: 'PutItem',
        options: {
          credentialsRole: role,
          requestTemplates: {
            [JSON_TYPE]: `{"TableName": "${table.tableName}", "Item": {"id": {"S": "$input.params('id')"}, "name": {"S": "$util.escapeJavaScript($input.path('$.name'))"}, "by": {"S": "$context.identity.sourceIp"}}}`,
          },
          integrationResponses: [{ statusCode: '200', responseTemplates: { [JSON_TYPE]: `{"stored": "$input.params('id')"}` } }],
        },
      }),
      { methodResponses: ok },
    );
    item.addMethod(
      'GET',
      new apigateway.AwsIntegration({
        service: 'dynamodb',
        action: 'GetItem',
        options: {
          credentialsRole: role,
          requestTemplates: { [JSON_TYPE]: `{"TableName": "${table.tableName}", "Key": {"id": {"S": "$input.params('id')"}}}` },
          integrationResponses: [
            {
              statusCode: '200',
              responseParameters: {
                'method.response.header.X-Source': "'dynamodb'",
                'method.response.header.X-Item-Id': 'integration.response.body.Item.id.S',
              },
              responseTemplates: {
                [JSON_TYPE]: [
                  "#set($item = $input.path('$.Item'))",
                  '#if(!$item)#set($context.responseOverride.status = 404){"message": "no item $input.params(\'id\')"}',
                  '#else{"id": "$item.id.S", "name": "$util.escapeJavaScript($item.name.S)", "stage": "$context.stage"}#end',
                ].join(''),
              },
            },
            { statusCode: '400', selectionPattern: '4\\d{2}', responseTemplates: { [JSON_TYPE]: `{"error": $input.json('$.message')}` } },
          ],
        },
      }),
      {
        methodResponses: [
          { statusCode: '200', responseParameters: { 'method.response.header.X-Source': true, 'method.response.header.X-Item-Id': true } },
          { statusCode: '400' },
          { statusCode: '404' },
        ],
      },
    );

    const flows = api.root.addResource('flows');
    flows.addMethod(
      'POST',
      new apigateway.AwsIntegration({
        service: 'states',
        action: 'StartExecution',
        options: {
          credentialsRole: role,
          requestTemplates: {
            [JSON_TYPE]: `{"stateMachineArn": "${flow.stateMachineArn}", "input": "$util.escapeJavaScript($input.body)"}`,
          },
          integrationResponses: [
            { statusCode: '200', responseTemplates: { [JSON_TYPE]: `{"executionArn": "$input.path('$.executionArn')"}` } },
          ],
        },
      }),
      { methodResponses: ok },
    );
    flows.addResource('sync').addMethod(
      'POST',
      new apigateway.AwsIntegration({
        service: 'states',
        action: 'StartSyncExecution',
        options: {
          credentialsRole: role,
          requestTemplates: {
            [JSON_TYPE]: `{"stateMachineArn": "${express.stateMachineArn}", "input": "$util.escapeJavaScript($input.body)"}`,
          },
          integrationResponses: [
            {
              statusCode: '200',
              responseTemplates: { [JSON_TYPE]: `{"status": "$input.path('$.status')", "output": $input.path('$.output')}` },
            },
          ],
        },
      }),
      { methodResponses: ok },
    );

    api.root.addResource('tables').addMethod(
      'GET',
      new apigateway.AwsIntegration({
        service: 'dynamodb',
        action: 'ListTables',
        options: { credentialsRole: role, requestTemplates: { [JSON_TYPE]: '{}' }, integrationResponses: [{ statusCode: '200' }] },
      }),
      { methodResponses: [{ statusCode: '200' }] },
    );

    api.root.addResource('shared', {
      defaultCorsPreflightOptions: { allowOrigins: ['http://a.example', 'http://b.example'], allowMethods: ['GET', 'POST'] },
    });

    const greeterIntegration = (template: string) =>
      new apigateway.LambdaIntegration(greeter, {
        proxy: false,
        requestTemplates: { [JSON_TYPE]: template },
        integrationResponses: [
          { statusCode: '200' },
          {
            statusCode: '400',
            selectionPattern: 'BadRequest:.*',
            responseTemplates: { [JSON_TYPE]: `{"error": "$util.escapeJavaScript($input.path('$.errorMessage'))"}` },
          },
        ],
      });
    api.root
      .addResource('greet')
      .addMethod('POST', greeterIntegration(`{"name": "$!input.path('$.name')", "source": "$context.httpMethod $context.resourcePath"}`), {
        methodResponses: ok,
      });

    const tokenAuthorizer = new apigateway.TokenAuthorizer(stack, 'TokenAuth', { handler: authorizerFn });
    const requestAuthorizer = new apigateway.RequestAuthorizer(stack, 'RequestAuth', {
      handler: authorizerFn,
      identitySources: [apigateway.IdentitySource.header('X-Key'), apigateway.IdentitySource.queryString('tenant')],
      resultsCacheTtl: Duration.seconds(0),
    });
    api.root.addResource('me').addMethod('GET', new apigateway.LambdaIntegration(whoami), { authorizer: tokenAuthorizer });
    api.root
      .addResource('profile')
      .addMethod(
        'GET',
        greeterIntegration(`{"name": "$context.authorizer.principalId", "tier": "$context.authorizer.tier", "source": "profile"}`),
        {
          authorizer: tokenAuthorizer,
          methodResponses: ok,
        },
      );
    api.root.addResource('tenant').addMethod('GET', new apigateway.LambdaIntegration(whoami), { authorizer: requestAuthorizer });
  });
  cloud = await startBuiltCloud({ assemblies: root });
  const [api] = await cloud.local<{ basePath: string }[]>('/_local/routes');
  stageUrl = `${cloud.base}/${api.basePath}`;
  sqsClient = new SQSClient({
    endpoint: `${cloud.base}/_aws/sqs`,
    region: 'us-east-1',
    credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(cloud.stateDir) },
  });
}, 90_000);

afterAll(async () => {
  sqsClient?.destroy();
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: REST API AWS service integrations through VTL mapping templates', () => {
  it('POST /orders publishes to SNS through a form-encoded template; the subscribed queue receives the body', async () => {
    const order = { orderId: 'o-1', total: 42, note: 'a "quoted" & spaced note' };
    const response = await post('/orders?subject=new%20order', order);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { messageId: string; requestId: string };
    expect(answer.messageId).toMatch(/\S+/);
    expect(answer.requestId).toBe(response.headers.get('x-amzn-requestid'));
    const messages = await receive('conf-orders-inbox');
    expect(messages.map((message) => JSON.parse(message.Body ?? ''))).toEqual([order]);
  });

  it('refuses a content type without a template when the passthrough behavior is NEVER (415)', async () => {
    const response = await fetch(`${stageUrl}/orders`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ message: 'Unsupported Media Type' });
  });

  it('POST /jobs sends to SQS through the path/<account>/<queue> Uri, answering 202 from the response template', async () => {
    const response = await post('/jobs', { job: 'resize', size: 3 });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    const messages = await receive('conf-jobs');
    expect(messages.map(({ MessageId, Body }) => ({ MessageId, Body: JSON.parse(Body ?? '') }))).toEqual([
      { MessageId: jobId, Body: { job: 'resize', size: 3 } },
    ]);
  });

  it('PUT then GET /items/{id} round-trips through DynamoDB PutItem/GetItem, with a response template and header mappings', async () => {
    const put = await fetch(`${stageUrl}/items/i-7`, {
      method: 'PUT',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ name: 'Lamp "L"' }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ stored: 'i-7' });
    const got = await fetch(`${stageUrl}/items/i-7`);
    expect(got.status).toBe(200);
    expect(got.headers.get('x-source')).toBe('dynamodb');
    expect(got.headers.get('x-item-id')).toBe('i-7');
    expect(await got.json()).toEqual({ id: 'i-7', name: 'Lamp "L"', stage: 'v1' });
    const missing = await fetch(`${stageUrl}/items/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'no item nope' });
  });

  it('POST /flows starts an execution that runs to SUCCEEDED with the body as input; /flows/sync answers with the output', async () => {
    const response = await post('/flows', { color: 'blue' });
    expect(response.status).toBe(200);
    const { executionArn } = (await response.json()) as { executionArn: string };
    expect(executionArn).toContain(':conf-flow:');
    let execution: { status: string; output?: string } = { status: 'RUNNING' };
    for (let tries = 0; tries < 50 && execution.status === 'RUNNING'; tries++) {
      execution = await cloud.local(`/_local/executions/${encodeURIComponent(executionArn)}`);
      if (execution.status === 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '')).toEqual({ echo: { color: 'blue' } });

    const sync = await post('/flows/sync', { text: 'hey' });
    expect(sync.status).toBe(200);
    expect(await sync.json()).toEqual({ status: 'SUCCEEDED', output: { said: 'hey' } });
  });
});

describe('conformance: what the local gateway cannot serve is named', () => {
  it('warns at start-up and answers a request with an error naming the action', async () => {
    expect(cloud.output()).toMatch(/GET \/tables not served: AWS integration dynamodb ListTables is not emulated/);
    const { warnings } = await cloud.local<{ warnings: string[] }>('/_local/resources');
    expect(warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/GET \/tables not served: AWS integration dynamodb ListTables is not emulated/)]),
    );
    const response = await fetch(`${stageUrl}/tables`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/dynamodb ListTables is not emulated/);
  });
});

describe('conformance: MOCK integrations run their templates', () => {
  it("CDK's CORS preflight with two allowed origins echoes the caller's origin (VTL responseOverride) and 204s", async () => {
    const preflight = (origin: string) => fetch(`${stageUrl}/shared`, { method: 'OPTIONS', headers: { Origin: origin } });
    const fromB = await preflight('http://b.example');
    expect(fromB.status).toBe(204);
    expect(fromB.headers.get('access-control-allow-origin')).toBe('http://b.example');
    expect(fromB.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect((await preflight('http://a.example')).headers.get('access-control-allow-origin')).toBe('http://a.example');
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBe('http://a.example');
  });
});

describe('conformance: REST API Lambda non-proxy integration', () => {
  it('sends the template output as the payload and answers the result as JSON', async () => {
    const response = await post('/greet', { name: 'Ada' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ greeting: 'hello Ada', source: 'POST /greet' });
  });

  it('maps a function error to 400 by its selection pattern on errorMessage', async () => {
    const response = await post('/greet', {});
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'BadRequest: name is required' });
  });
});

describe('conformance: REST API Lambda TOKEN and REQUEST authorizers', () => {
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stageUrl}${path}`, { headers });

  it('TOKEN: an allowed token reaches the proxy function with principalId and context in requestContext.authorizer', async () => {
    const response = await get('/me', { Authorization: 'allow-alice' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ authorizer: { principalId: 'alice', tier: 'gold', score: 7, integrationLatency: 0 } });
  });

  it('TOKEN: the context reaches a mapping template as $context.authorizer.*', async () => {
    const response = await get('/profile', { Authorization: 'allow-bob' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ greeting: 'hello bob', source: 'profile', tier: 'gold' });
  });

  it('TOKEN: no token or an Unauthorized error is 401; a Deny or no matching Allow is 403', async () => {
    const missing = await get('/me');
    expect([missing.status, await missing.json()]).toEqual([401, { message: 'Unauthorized' }]);
    const unauthorized = await get('/me', { Authorization: 'unauthorized' });
    expect([unauthorized.status, await unauthorized.json()]).toEqual([401, { message: 'Unauthorized' }]);
    const denied = await get('/me', { Authorization: 'deny' });
    expect([denied.status, await denied.json()]).toEqual([
      403,
      { Message: 'User is not authorized to access this resource with an explicit deny' },
    ]);
    const elsewhere = await get('/me', { Authorization: 'elsewhere' });
    expect([elsewhere.status, await elsewhere.json()]).toEqual([403, { Message: 'User is not authorized to access this resource' }]);
  });

  it('REQUEST: every identity source must be present (401); the function decides from the header and query', async () => {
    const allowed = await get('/tenant?tenant=acme', { 'X-Key': 'open' });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ authorizer: { principalId: 'acme', path: '/tenant', integrationLatency: 0 } });
    const noQuery = await get('/tenant', { 'X-Key': 'open' });
    expect(noQuery.status).toBe(401);
    const denied = await get('/tenant?tenant=acme', { 'X-Key': 'shut' });
    expect(denied.status).toBe(403);
  });
});
