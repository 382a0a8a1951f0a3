import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { nagFindings } from './nag';
import { BundleNotFoundError, ServiceFunction } from './service-function';
import { ServiceTable } from './service-table';
import { ServiceTopic } from './service-topic';
import { stageConfig } from './stage-config';
import { policyStatementsOf } from './template-queries';
import { inlineCode, testStack } from './testing/test-stack';
import { bundleDir, findWorkspaceRoot } from './workspace';

describe('ServiceFunction', () => {
  const create = (stage = stageConfig('dev')) => {
    const stack = testStack();
    const fn = new ServiceFunction(stack, 'Fn', { service: 'product', name: 'router', stage, description: 'test', code: inlineCode() });
    return { stack, fn };
  };

  it('runs Node.js 24 on arm64 with active tracing, index.handler and the shop environment', () => {
    const { stack } = create();
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Timeout: 10,
      MemorySize: 512,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^FnLogs') } },
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'product',
          POWERTOOLS_METRICS_NAMESPACE: 'ServerlessShop',
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('logs to its own log group with the stage retention, retained in prod', () => {
    const { stack } = create(stageConfig('prod'));
    Template.fromStack(stack).hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 }, DeletionPolicy: 'Retain' });
  });

  it('has a role without managed policies that may write only its own logs (and X-Ray)', () => {
    const { stack } = create();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    expect(policyStatementsOf(template, 'FnRole')).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FnLogs/), 'Arn'] } },
      { Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Effect: 'Allow', Resource: '*' },
    ]);
    expect(nagFindings(stack)).toEqual([]);
  });

  it('bindTable grants the access asked for and sets TABLE_NAME', () => {
    const { stack, fn } = create();
    const table = new ServiceTable(stack, 'Table', { stage: stageConfig('dev'), gsi1: true });
    fn.bindTable(table, { items: 'read', queryIndexes: ['gsi1'] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: { Ref: Match.stringLikeRegexp('^Table') } }) },
    });
    const actions = policyStatementsOf(template, 'FnRole').map((s) => s.Action);
    expect(actions).toContainEqual('dynamodb:GetItem');
    expect(actions).toContainEqual('dynamodb:Query');
  });

  it('bindTable grants exactly the item actions listed, and nothing on indexes', () => {
    const { stack, fn } = create();
    const table = new ServiceTable(stack, 'Table', { stage: stageConfig('dev'), gsi1: true });
    fn.bindTable(table, { items: ['GetItem', 'PutItem', 'UpdateItem'] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: { Ref: Match.stringLikeRegexp('^Table') } }) },
    });
    const dynamodbStatements = policyStatementsOf(template, 'FnRole').filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamodbStatements).toEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] },
      },
    ]);
  });

  it("publishArn publishes the function's ARN in SSM under the service, as a parameter of the stack", () => {
    const { stack, fn } = create();
    const parameter = fn.publishArn('router-function-arn');
    expect(parameter.node.scope).toBe(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/dev/product/router-function-arn',
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnFunction'), 'Arn'] },
      Description: 'ARN of the product router function (dev)',
    });
  });

  it('bindTopic grants sns:Publish on the topic and sets TOPIC_ARN', () => {
    const { stack, fn } = create();
    fn.bindTopic(new ServiceTopic(stack, 'Events'), 'EVENTS_TOPIC_ARN');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENTS_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^EventsTopic') } }) },
    });
    expect(policyStatementsOf(template, 'FnRole')).toContainEqual({
      Action: 'sns:Publish',
      Effect: 'Allow',
      Resource: { Ref: expect.stringMatching(/^EventsTopic/) },
    });
  });

  describe('consumeTableStream', () => {
    const consume = (stage = stageConfig('dev')) => {
      const { stack, fn } = create(stage);
      const table = new ServiceTable(stack, 'Table', { stage, stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES });
      fn.consumeTableStream(table);
      return { stack, template: Template.fromStack(stack) };
    };

    it('maps the stream with partial batch responses, bisection, bounded retries and a DLQ', () => {
      const { template } = consume();
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 21600,
        ParallelizationFactor: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnStreamDlq'), 'Arn'] } } },
      });
    });

    it('keeps the DLQ encrypted and alarms as soon as one message arrives', () => {
      const { template, stack } = consume();
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: Match.absent(),
      });
      expect(nagFindings(stack)).toEqual([]);
    });

    it('notifies the ops topic from SSM where the stage says so', () => {
      const { template } = consume(stageConfig('prod'));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^SsmParameterValueshopprodplatformalarmtopicarn') }],
      });
    });

    it('grants stream reads on the stream only (ListStreams aside) and nothing on the items', () => {
      const { template } = consume();
      const statements = policyStatementsOf(template, 'FnRole');
      expect(statements).toContainEqual({
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'StreamArn'] },
      });
      // ListStreams and X-Ray support no resource-level permissions; nothing else may be on "*".
      expect(statements.filter((st) => st.Resource === '*').flatMap((st) => st.Action)).toEqual([
        'dynamodb:ListStreams',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      expect(JSON.stringify(statements)).not.toMatch(/GetItem|PutItem|Query|Scan/);
    });
  });
});

describe('ServiceFunction.bundleCode', () => {
  it('names the build to run when the bundle is missing', () => {
    expect(() => ServiceFunction.bundleCode('product', 'no-such-function')).toThrow(BundleNotFoundError);
    expect(() => ServiceFunction.bundleCode('product', 'no-such-function')).toThrow('npx nx run product:build');
  });
});

describe('bundleDir', () => {
  it('resolves dist/apps/<service>/bundles/<fn> from the workspace root, whatever the cwd', () => {
    const root = findWorkspaceRoot();
    expect(bundleDir('product', 'router')).toBe(join(root, 'dist', 'apps', 'product', 'bundles', 'router'));
  });

  it('finds the nearest nx.json above a folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'ws-'));
    writeFileSync(join(root, 'nx.json'), '{}');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    expect(findWorkspaceRoot(join(root, 'a', 'b'))).toBe(root);
  });
});
