import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { nagFindings } from './nag';
import { BundleNotFoundError, ServiceFunction } from './service-function';
import { ServiceTable } from './service-table';
import { ServiceTopic } from './service-topic';
import { stageConfig } from './stage-config';
import { alarmsOn, dashboardWidgets, policyStatementsOf } from './template-queries';
import { acknowledgedFindings } from './testing/nag-acknowledgements';
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
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FnLogs/), 'Arn'] },
      },
      { Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Effect: 'Allow', Resource: '*' },
    ]);
    expect(nagFindings(stack)).toEqual([]);
  });

  it('acknowledges the X-Ray wildcard on its default policy only, naming the actions', () => {
    const { stack } = create();
    const template = Template.fromStack(stack);
    expect(acknowledgedFindings(stack)).toEqual([
      [
        'TestStack/Fn/Role/DefaultPolicy',
        'AwsSolutions-IAM5[Resource::*]',
        expect.stringContaining('xray:PutTraceSegments, xray:PutTelemetryRecords on "*": active X-Ray tracing'),
      ],
    ]);
    expect(policyStatementsOf(template, 'FnRole').filter((s) => s.Resource === '*')).toHaveLength(1);
  });

  it('has a standard error-rate alarm: Errors / Invocations above 5 % in 3 of 5 minutes', () => {
    const { stack } = create();
    const [alarm] = alarmsOn(Template.fromStack(stack), 'Errors');
    expect(alarm).toEqual(
      expect.objectContaining({
        Threshold: 0.05,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      }),
    );
    const metrics = alarm?.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Namespace: string }; Period: number; Stat: string };
    }[];
    expect(metrics.find((m) => m.Expression)).toEqual(expect.objectContaining({ Expression: 'errors / invocations', ReturnData: true }));
    expect(
      metrics
        .filter((m) => m.MetricStat)
        .map((m) => [m.Id, m.MetricStat?.Metric.Namespace, m.MetricStat?.Metric.MetricName, m.MetricStat?.Stat, m.MetricStat?.Period]),
    ).toEqual([
      ['errors', 'AWS/Lambda', 'Errors', 'Sum', 60],
      ['invocations', 'AWS/Lambda', 'Invocations', 'Sum', 60],
    ]);
  });

  it('has a standard throttles alarm: at least one throttle in 3 of 5 minutes', () => {
    const { stack } = create();
    expect(alarmsOn(Template.fromStack(stack), 'Throttles')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
      }),
    ]);
  });

  it('takes other alarm settings from its props, keeping the other defaults', () => {
    const stack = testStack();
    new ServiceFunction(stack, 'Fn', {
      service: 'inventory',
      name: 'reserve-stock',
      stage: stageConfig('dev'),
      description: 'test',
      code: inlineCode(),
      alarms: { errorRate: { threshold: 0.5 }, throttles: { period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1 } },
    });
    const template = Template.fromStack(stack);
    expect(alarmsOn(template, 'Errors')).toEqual([expect.objectContaining({ Threshold: 0.5, EvaluationPeriods: 5, DatapointsToAlarm: 3 })]);
    expect(alarmsOn(template, 'Throttles')).toEqual([
      expect.objectContaining({ Threshold: 1, Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1 }),
    ]);
  });

  it('sends its alarms to the ops topic in prod, and nowhere in dev', () => {
    const prod = Template.fromStack(create(stageConfig('prod')).stack);
    const actions = Object.values(prod.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmActions);
    expect(actions).toEqual(Array(2).fill([{ Ref: expect.stringMatching(/^SsmParameterValueshopprodplatformalarmtopicarn/) }]));
    const dev = Template.fromStack(create().stack);
    expect(Object.values(dev.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmActions)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it("shows its metrics and alarms in a section of the stack's dashboard", () => {
    const { stack } = create();
    const widgets = dashboardWidgets(Template.fromStack(stack));
    expect(widgets.map((w) => [w.type, w.properties.title ?? w.properties.markdown])).toEqual([
      ['text', '# TestStack'],
      ['text', '### function product/router'],
      ['metric', 'invocations, errors, throttles'],
      ['metric', 'duration p50, p99'],
      ['metric', 'error rate'],
      ['metric', 'throttles'],
    ]);
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

  it("binds a variable named by a service's env module entry as by its name", () => {
    const { stack, fn } = create();
    const table = new ServiceTable(stack, 'Table', { stage: stageConfig('dev') });
    fn.bindTable(table, { items: 'read' }, { name: 'CATALOG_TABLE' })
      .bindTopic(new ServiceTopic(stack, 'Events'), { name: 'EVENTS_TOPIC' })
      .addEnvironment({ name: 'MODE' }, 'on');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CATALOG_TABLE: { Ref: Match.stringLikeRegexp('^Table') },
          EVENTS_TOPIC: { Ref: Match.stringLikeRegexp('^EventsTopic') },
          MODE: 'on',
        }),
      },
    });
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

  it("publishName publishes the function's name in SSM under the service, as a parameter of the stack", () => {
    const { stack, fn } = create();
    const parameter = fn.publishName('replay-function-name', 'Name of the product replay function (dev)');
    expect(parameter.node.scope).toBe(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/dev/product/replay-function-name',
      Value: { Ref: Match.stringLikeRegexp('^FnFunction') },
      Description: 'Name of the product replay function (dev)',
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

    it('maps the stream from the oldest record, one poller per shard, with partial batch responses, retrying until the record expires, without bisection', () => {
      const { template } = consume();
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        BisectBatchOnFunctionError: false,
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: -1,
        ParallelizationFactor: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnStreamDlq'), 'Arn'] } } },
      });
    });

    it('alarms when the relay is more than 5 minutes behind (IteratorAge Maximum)', () => {
      const { template } = consume();
      expect(alarmsOn(template, 'IteratorAge')).toEqual([
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          Statistic: 'Maximum',
          Period: 60,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^FnFunction/) } }],
          Threshold: 300000,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          TreatMissingData: 'notBreaching',
        }),
      ]);
    });

    it('takes another iterator-age threshold from the options', () => {
      const stage = stageConfig('dev');
      const { stack, fn } = create(stage);
      const table = new ServiceTable(stack, 'Table', { stage, stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES });
      fn.consumeTableStream(table, { iteratorAgeAlarm: { threshold: Duration.minutes(1) } });
      expect(alarmsOn(Template.fromStack(stack), 'IteratorAge')).toEqual([expect.objectContaining({ Threshold: 60000, Period: 60 })]);
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

    it("acknowledges ListStreams' wildcard as its own statement, beside X-Ray's, on the default policy", () => {
      const { stack } = consume();
      const iam5 = acknowledgedFindings(stack).filter(([, id]) => id.startsWith('AwsSolutions-IAM5'));
      expect(iam5.map(([path, id, reason]) => [path, id, reason.split(' on ')[0]])).toEqual([
        ['TestStack/Fn/Role/DefaultPolicy', 'AwsSolutions-IAM5[Resource::*]', 'xray:PutTraceSegments, xray:PutTelemetryRecords'],
        ['TestStack/Fn/Role/DefaultPolicy', 'AwsSolutions-IAM5[Resource::*]', 'dynamodb:ListStreams'],
      ]);
      expect(nagFindings(stack)).toEqual([]);
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
