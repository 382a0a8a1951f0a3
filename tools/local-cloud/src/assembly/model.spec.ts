import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { discoverAssemblies, loadAssembly } from './cloud-assembly';
import { buildModel, type CloudModel } from './model';

/** The value, or a failed test when it is missing. */
const defined = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('expected a value');
  return value;
};

const FIXTURES = join(__dirname, '../../fixtures/assemblies');
const SQS = 'http://127.0.0.1:4566';

function fixtureModel(services?: string[]): CloudModel {
  const stacks = discoverAssemblies(FIXTURES)
    .filter((location) => !services || services.includes(location.service))
    .flatMap(loadAssembly);
  return buildModel(stacks, { sqsEndpoint: SQS, workDir: join(tmpdir(), 'local-cloud-model-spec') });
}

describe('buildModel on the fixture assemblies', () => {
  const model = fixtureModel(['catalog', 'platform']);
  const pool = model.userPools[0];

  it('finds both services and their stacks', () => {
    expect(model.services).toEqual(['catalog', 'platform']);
    expect(model.stacks.map((stack) => stack.stackName)).toEqual(['shop-local-catalog', 'shop-local-platform']);
  });

  it('reads the table with keys, index, stream and TTL', () => {
    expect(model.tables).toEqual([
      expect.objectContaining({
        tableName: 'shop-local-catalog-ItemsTable5AAC2C46',
        keySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        globalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        streamViewType: 'NEW_AND_OLD_IMAGES',
        ttlAttribute: 'expiresAt',
      }),
    ]);
  });

  it('reads queues with their redrive policy pointing at the DLQ ARN, and leaves out the queue its condition excludes', () => {
    const audit = defined(model.queues.find((queue) => queue.logicalId === 'AuditQueue1E2D3C4B'));
    expect(audit.url).toBe(`${SQS}/000000000000/shop-local-catalog-AuditQueue1E2D3C4B`);
    expect(audit.attributes).toEqual({
      VisibilityTimeout: '2',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:shop-local-catalog-AuditDlq5B0F6C1D',
        maxReceiveCount: 2,
      }),
    });
    expect(model.queues.map((queue) => queue.logicalId).sort()).toEqual(['AuditDlq5B0F6C1D', 'AuditQueue1E2D3C4B']);
  });

  it('reads the subscriptions with their filter policy and raw delivery', () => {
    expect(model.subscriptions.filter((subscription) => subscription.protocol === 'sqs')).toEqual([
      expect.objectContaining({
        topicArn: 'arn:aws:sns:us-east-1:000000000000:shop-local-catalog-EventsTopic3C8F5A21',
        protocol: 'sqs',
        endpoint: 'arn:aws:sqs:us-east-1:000000000000:shop-local-catalog-AuditQueue1E2D3C4B',
        attributes: { FilterPolicy: '{"type":["ItemCreated"]}', RawMessageDelivery: 'true' },
      }),
    ]);
  });

  it('reads an SNS subscription with protocol lambda, its endpoint the function ARN', () => {
    expect(model.subscriptions.find((subscription) => subscription.protocol === 'lambda')).toEqual(
      expect.objectContaining({
        endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:shop-local-catalog-NotifyFunction3D4E5F60',
        attributes: { FilterPolicy: '{"type":["ItemDeleted","ItemCreated"]}' },
      }),
    );
  });

  it('reads functions with the staged asset folder, handler, timeout and a resolved environment', () => {
    const router = defined(model.functions.find((fn) => fn.logicalId === 'RouterFunction0A5B7C3D'));
    expect(router.codeDir).toBe(join(FIXTURES, 'catalog', 'asset.a54c0bb5923cadb9cd6ff3377681710a86da870d1242dc7116296b8b39eee8e5'));
    expect(router).toEqual(
      expect.objectContaining({
        name: 'shop-local-catalog-RouterFunction0A5B7C3D',
        handler: 'index.handler',
        runtime: 'nodejs24.x',
        timeoutSeconds: 2,
        memorySize: 256,
      }),
    );
    expect(router.environment).toEqual(
      expect.objectContaining({
        TABLE_NAME: 'shop-local-catalog-ItemsTable5AAC2C46',
        TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:shop-local-catalog-EventsTopic3C8F5A21',
        QUEUE_URL: `${SQS}/000000000000/shop-local-catalog-AuditQueue1E2D3C4B`,
        STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-local-catalog-Workflow4E5F6A7B',
        USER_POOL_ID: pool.id,
        STACK_LABEL: 'shop-local-catalog/local',
      }),
    );
  });

  it('reads both event source mappings with their batching and failure settings', () => {
    const byFunction = Object.fromEntries(model.eventSourceMappings.map((mapping) => [mapping.logicalId, mapping]));
    expect(byFunction.PublisherStreamMapping5C6D7E8F).toEqual(
      expect.objectContaining({
        kind: 'dynamodb-stream',
        functionName: 'shop-local-catalog-PublisherFunction1B2C3D4E',
        batchSize: 10,
        startingPosition: 'TRIM_HORIZON',
        reportBatchItemFailures: true,
        maximumRetryAttempts: 3,
        bisectBatchOnFunctionError: true,
      }),
    );
    expect(byFunction.AuditMapping6D7E8F90).toEqual(
      expect.objectContaining({
        kind: 'sqs',
        batchSize: 5,
        reportBatchItemFailures: true,
        eventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:shop-local-catalog-AuditQueue1E2D3C4B',
      }),
    );
  });

  it('reads the REST API: base path, stage, methods with their authorizer and integrations', () => {
    const api = model.restApis[0];
    expect(api).toEqual(
      expect.objectContaining({
        basePaths: ['catalog'],
        stageName: 'prod',
        stageVariables: { flavour: 'local' },
        binaryMediaTypes: ['application/octet-stream'],
      }),
    );
    const summary = api.methods
      .map((method) => `${method.httpMethod} ${method.resourcePath} ${method.authorizationType} ${method.integration.type}`)
      .sort();
    expect(summary).toEqual([
      'DELETE /{proxy+} COGNITO_USER_POOLS AWS_PROXY',
      'GET / NONE AWS_PROXY',
      'GET /{proxy+} NONE AWS_PROXY',
      'OPTIONS /{proxy+} NONE MOCK',
      'POST / COGNITO_USER_POOLS AWS_PROXY',
      'POST /{proxy+} COGNITO_USER_POOLS AWS_PROXY',
      'PUT /{proxy+} COGNITO_USER_POOLS AWS_PROXY',
    ]);
    const post = defined(api.methods.find((method) => method.httpMethod === 'POST' && method.resourcePath === '/'));
    expect(post.authorizer).toEqual(
      expect.objectContaining({ type: 'COGNITO_USER_POOLS', providerArns: [pool.arn], identityHeader: 'Authorization' }),
    );
    expect(post.integration).toEqual({ type: 'AWS_PROXY', functionName: 'shop-local-catalog-RouterFunction0A5B7C3D', timeoutMs: 29_000 });
    const options = defined(api.methods.find((method) => method.httpMethod === 'OPTIONS'));
    expect(options.integration).toEqual(
      expect.objectContaining({ type: 'MOCK', statusCode: 204, headers: expect.objectContaining({ 'Access-Control-Allow-Origin': '*' }) }),
    );
  });

  it('parses the state machine definition with the function ARNs filled in', () => {
    const machine = model.stateMachines[0];
    const states = machine.definition.States as Record<string, { Resource?: string; Parameters?: Record<string, unknown> }>;
    expect(states.Reserve.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(states.Reserve?.Parameters?.FunctionName).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:shop-local-catalog-StepFunction7B1C2D3E',
    );
    expect(states.Charge.Resource).toBe('arn:aws:lambda:us-east-1:000000000000:function:shop-local-catalog-StepFunction7B1C2D3E');
  });

  it('publishes SSM parameters across stacks and reads the user pool with its client and groups', () => {
    expect(model.ssm.lookup('/shop/local/platform/user-pool-arn')).toBe(pool.arn);
    expect(model.ssm.lookup('/shop/local/catalog/topic-arn')).toBe(
      'arn:aws:sns:us-east-1:000000000000:shop-local-catalog-EventsTopic3C8F5A21',
    );
    expect(pool.clientIds).toHaveLength(1);
    expect(pool.groups).toEqual(['admin']);
  });

  it('names every resource it does not emulate, by type and logical id', () => {
    const types = [...new Set(model.notEmulated.map((resource) => resource.type))].sort();
    expect(types).toEqual(['AWS::ApiGateway::Account', 'AWS::CDK::Metadata', 'AWS::CloudWatch::Alarm', 'AWS::Logs::LogGroup']);
    expect(model.warnings).toEqual([]);
  });

  it('warns, and keeps going, when the stack that publishes a parameter is not loaded', () => {
    const alone = fixtureModel(['catalog']);
    expect(alone.functions).toHaveLength(5);
    expect(alone.warnings).toEqual([
      'shop-local-catalog/RouterFunction0A5B7C3D: SSM parameter /shop/local/platform/user-pool-id is published by no loaded stack',
      'shop-local-catalog/CatalogApi0F6E2C1B: SSM parameter /shop/local/platform/user-pool-arn is published by no loaded stack',
    ]);
    expect(alone.restApis[0].basePaths).toEqual(['catalog']);
  });
});

describe('buildModel: EventBridge rules, async invoke configs and stream limits (events fixture)', () => {
  const model = fixtureModel(['events']);
  const rule = (logicalId: string) => defined(model.rules.find((candidate) => candidate.logicalId === logicalId));
  const queueArn = (logicalId: string) => `arn:aws:sqs:us-east-1:000000000000:shop-local-events-${logicalId}`;

  it('reads a pattern rule on the default bus with its Lambda target, RetryPolicy and DeadLetterConfig', () => {
    expect(rule('StatusRule5E6F7082')).toEqual({
      service: 'events',
      stackName: 'shop-local-events',
      logicalId: 'StatusRule5E6F7082',
      name: 'shop-local-events-StatusRule5E6F7082',
      arn: 'arn:aws:events:us-east-1:000000000000:rule/shop-local-events-StatusRule5E6F7082',
      eventBusName: 'default',
      enabled: true,
      eventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: ['arn:aws:states:us-east-1:000000000000:stateMachine:shop-local-events-FlowMachine4D5E6F71'],
        },
      },
      scheduleExpression: undefined,
      targets: [
        {
          id: 'Target0',
          arn: 'arn:aws:lambda:us-east-1:000000000000:function:shop-local-events-RecorderFunctionB4C5D6E7',
          kind: 'lambda',
          input: undefined,
          inputPath: undefined,
          inputTransformer: undefined,
          maximumRetryAttempts: 4,
          maximumEventAgeSeconds: 3600,
          deadLetterArn: queueArn('RuleDlq3C4D5E6F'),
          messageGroupId: undefined,
        },
      ],
    });
  });

  it("reads schedules, JSON-text patterns, State DISABLED, input transformers and EventBridge's default retry policy", () => {
    expect(rule('TickRule708192A4')).toEqual(expect.objectContaining({ scheduleExpression: 'cron(* * * * ? *)', eventPattern: undefined }));
    expect(rule('TickRule708192A4').targets[0]).toEqual(
      expect.objectContaining({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400, deadLetterArn: undefined }),
    );
    expect(JSON.parse(rule('ThingRule8192A3B5').eventPattern as string)).toEqual({
      source: ['shop.test'],
      'detail-type': ['Thing Happened'],
      detail: { size: [{ numeric: ['>', 10] }] },
    });
    expect(rule('ThingRule8192A3B5').targets[0]).toEqual(
      expect.objectContaining({
        kind: 'sqs',
        arn: queueArn('MatchedQueue5E6F7081'),
        inputTransformer: { inputPathsMap: { id: '$.detail.id', size: '$.detail.size' }, inputTemplate: '{"id": "<id>", "size": <size>}' },
      }),
    );
    expect(rule('DisabledRule92A3B4C6')).toEqual(expect.objectContaining({ enabled: false }));
  });

  it('reads EventInvokeConfig (retries, OnFailure destination) and the stream mapping with -1 limits', () => {
    expect(
      model.eventInvokeConfigs.map(({ functionName, maximumRetryAttempts, onFailure }) => ({
        functionName,
        maximumRetryAttempts,
        onFailure,
      })),
    ).toEqual([
      { functionName: 'shop-local-events-FlakyFunctionC5D6E7F8', maximumRetryAttempts: 2, onFailure: undefined },
      { functionName: 'shop-local-events-BrokenFunctionD6E7F809', maximumRetryAttempts: 1, onFailure: queueArn('FailureQueue4D5E6F70') },
    ]);
    expect(model.eventSourceMappings).toEqual([
      expect.objectContaining({
        kind: 'dynamodb-stream',
        maximumRetryAttempts: -1,
        maximumRecordAgeSeconds: -1,
        reportBatchItemFailures: true,
      }),
    ]);
  });

  it('keeps the RedrivePolicy of an SNS subscription and no longer lists rules (nor roles and permissions) as not emulated', () => {
    expect(model.subscriptions[0].attributes).toEqual({
      RawMessageDelivery: 'true',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn('SubscriptionDlq708192A3') }),
    });
    expect(model.notEmulated).toEqual([]);
  });
});
