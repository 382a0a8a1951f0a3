import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  actionsOf,
  alarmCountsByMetric,
  alarmedResources,
  alarmsOn,
  createServiceApp,
  dashboardWidgets,
  inlineTestCode,
  nagFindings,
  policyStatementsOf,
  STAGE_NAMES,
  statefulLogicalIds,
  synthesizedTemplate,
  templateFixture,
  type TemplateStatement,
} from '@shop/cdk';
import { OrderStack } from './order-stack';

const synth = (stageName: string) => {
  const { app, stack } = createServiceApp(OrderStack, { context: { stage: stageName }, code: inlineTestCode });
  return { app, stack, template: Template.fromStack(stack) };
};

const resourcesOf = (statements: TemplateStatement[]): unknown[] =>
  statements.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));

const tableArn = { 'Fn::GetAtt': [expect.stringMatching(/^StateOrdersTable/), 'Arn'] };
const ssmParameter = (path: string) => ({
  Ref: expect.stringMatching(new RegExp(`^SsmParameterValue${path.replaceAll('/', '').replaceAll('-', '')}`)),
});
const functionArn = (prefix: string) => ({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}Function`)), 'Arn'] });

const ENV_BASE = ['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];

describe('OrderStack', () => {
  const { app, stack, template } = synth('dev');
  const json = template.toJSON();

  it('is one template with the API, nine functions, the table, the topic, the intake queue, the saga and the reconciler rules', () => {
    expect(stack.stackName).toBe('shop-dev-order');
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::Lambda::Function', 9);
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });

  it('runs every function on Node.js 24, arm64, with active tracing', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    expect(new Set(functions.map((f) => JSON.stringify([f.Runtime, f.Architectures, f.TracingConfig])))).toEqual(
      new Set([JSON.stringify(['nodejs24.x', ['arm64'], { Mode: 'Active' }])]),
    );
  });

  it('keeps orders point-in-time recoverable, encrypted and streamed, with the customer index and the status index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'gsi1' }),
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  describe('the saga state machine', () => {
    it('is a Standard workflow that logs every event (without execution data) and is traced', () => {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      });
    });

    it('may invoke exactly the four participants found in SSM and its own three task functions', () => {
      const statements = policyStatementsOf(template, 'SagaRole');
      const invoke = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('lambda:')));
      expect(invoke).toHaveLength(1);
      expect(invoke[0]?.Action).toBe('lambda:InvokeFunction');
      const resources = resourcesOf(invoke);
      expect(resources).toHaveLength(7);
      expect(resources).toEqual(
        expect.arrayContaining([
          ssmParameter('/shop/dev/inventory/reserve-stock-function-arn'),
          ssmParameter('/shop/dev/inventory/release-stock-function-arn'),
          ssmParameter('/shop/dev/payment/charge-payment-function-arn'),
          ssmParameter('/shop/dev/payment/refund-payment-function-arn'),
          functionArn('ConfirmOrder'),
          functionArn('CancelOrder'),
          functionArn('MarkNeedsAttention'),
        ]),
      );
      // Unqualified ARNs only: no `<arn>:*` (every version and alias).
      expect(JSON.stringify(resources)).not.toContain(':*');
    });

    it('uses "*" only for log delivery and X-Ray, which have no resource-level permissions', () => {
      const statements = policyStatementsOf(template, 'SagaRole');
      const wildcard = statements.filter((s) => s.Resource === '*');
      expect(actionsOf(wildcard).every((a) => a.startsWith('logs:') || a.startsWith('xray:'))).toBe(true);
      expect(actionsOf(statements).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual(['lambda:InvokeFunction']);
    });

    it('reads the participant function ARNs from the SSM parameters their stacks publish', () => {
      const parameters = Object.values(json.Parameters as Record<string, { Type: string; Default: string }>)
        .filter((p) => p.Type === 'AWS::SSM::Parameter::Value<String>')
        .map((p) => p.Default)
        .filter((name) => /inventory|payment/.test(name))
        .sort();
      expect(parameters).toEqual([
        '/shop/dev/inventory/release-stock-function-arn',
        '/shop/dev/inventory/reserve-stock-function-arn',
        '/shop/dev/payment/charge-payment-function-arn',
        '/shop/dev/payment/refund-payment-function-arn',
      ]);
    });

    it('alarms on failed and timed-out executions and on orders flagged NEEDS_ATTENTION', () => {
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/States',
          MetricName: metric,
          Threshold: 1,
          Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: Match.stringLikeRegexp('^SagaStateMachine') } }],
        });
      }
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'ServerlessShop',
        MetricName: 'OrderNeedsAttention',
        Dimensions: [{ Name: 'service', Value: 'order' }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });
  });

  describe('the intake', () => {
    it('owns a command queue with a redrive policy to an alarmed DLQ, URL and ARN in SSM', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StateIntakeDlq'), 'Arn'] }, maxReceiveCount: 5 },
        SqsManagedSseEnabled: true,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StateIntakeDlq'), 'QueueName'] } }],
      });
    });

    it('is consumed by place-order with partial batch responses', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: Match.stringLikeRegexp('^PlaceOrderFunction') },
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StateIntakeQueue'), 'Arn'] },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('may get and create orders (no update or delete), start executions of the saga only, and never invoke or publish', () => {
      const statements = policyStatementsOf(template, 'PlaceOrderRole');
      expect(actionsOf(statements).filter((a) => /^dynamodb:.*Item$/.test(a))).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('states:')))).toEqual([
        { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^SagaStateMachine/) } },
      ]);
      expect(actionsOf(statements).filter((a) => /^(lambda|sns):/.test(a))).toEqual([]);
    });
  });

  describe('function permissions', () => {
    it('let the router only read orders and query the customer index', () => {
      const statements = policyStatementsOf(template, 'RouterRole');
      const dynamodb = actionsOf(statements).filter((a) => a.startsWith('dynamodb:'));
      expect(dynamodb).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(dynamodb.filter((a) => /Put|Update|Delete|Write|Scan/.test(a))).toEqual([]);
      expect(statements).toContainEqual({
        Action: 'dynamodb:Query',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [tableArn, '/index/gsi1']] },
      });
    });

    it.each(['ConfirmOrderRole', 'CancelOrderRole', 'MarkNeedsAttentionRole'])(
      'let %s update order items (UpdateItem only) and nothing else: no topic, queue or state machine',
      (role) => {
        const statements = policyStatementsOf(template, role);
        expect(actionsOf(statements).filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:UpdateItem']);
        expect(actionsOf(statements).filter((a) => !a.startsWith('dynamodb:'))).toEqual([
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ]);
        expect(resourcesOf(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:'))))).toEqual([tableArn]);
      },
    );

    it('let publish-events publish to the order topic only, reading the stream', () => {
      const statements = policyStatementsOf(template, 'PublishEventsRole');
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sns:')))).toEqual([
        { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^StateEventsTopic/) } },
      ]);
      expect(actionsOf(statements).filter((a) => /Item|Query|Scan/.test(a))).toEqual([]);
    });

    it('consume the table stream with partial batch failures and an alarmed DLQ', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: Match.stringLikeRegexp('^PublishEventsFunction') },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublishEventsStreamDlq'), 'Arn'] } } },
      });
    });
  });

  it('sets each function exactly the environment it needs', () => {
    const env = (prefix: string) =>
      Object.keys(
        Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))?.[1].Properties.Environment
          .Variables,
      ).sort();
    expect(env('RouterFunction')).toEqual([...ENV_BASE, 'TABLE_NAME'].sort());
    expect(env('PlaceOrderFunction')).toEqual([...ENV_BASE, 'STATE_MACHINE_ARN', 'TABLE_NAME'].sort());
    expect(env('ConfirmOrderFunction')).toEqual([...ENV_BASE, 'TABLE_NAME'].sort());
    expect(env('CancelOrderFunction')).toEqual([...ENV_BASE, 'TABLE_NAME'].sort());
    expect(env('MarkNeedsAttentionFunction')).toEqual([...ENV_BASE, 'TABLE_NAME'].sort());
    expect(env('PublishEventsFunction')).toEqual([...ENV_BASE, 'TOPIC_ARN'].sort());
    const reconcilerEnv = ['IN_FLIGHT_GRACE_SECONDS', 'REFUND_PAYMENT_FUNCTION_ARN', 'RELEASE_STOCK_FUNCTION_ARN', 'TABLE_NAME'];
    expect(env('ReconcileOrderFunction')).toEqual([...ENV_BASE, ...reconcilerEnv].sort());
    expect(env('SweepPendingOrdersFunction')).toEqual([...ENV_BASE, ...reconcilerEnv, 'STALE_AFTER_SECONDS', 'STATE_MACHINE_ARN'].sort());
    expect(env('RepublishEventsFunction')).toEqual([...ENV_BASE, 'TABLE_NAME', 'TOPIC_ARN'].sort());
  });

  describe('the reconciler', () => {
    const functionOf = (prefix: string) => ({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}Function`)), 'Arn'] });
    const reconcileDlqArn = { 'Fn::GetAtt': [expect.stringMatching(/^StateReconcileDlqQueue/), 'Arn'] };
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((rule) => rule.Properties);
    const invokeStatements = (role: string) =>
      policyStatementsOf(template, role).filter((s) => actionsOf([s]).some((a) => a.startsWith('lambda:')));

    it("sends the saga's FAILED, TIMED_OUT and ABORTED status changes to reconcile-order, with retries and the alarmed DLQ", () => {
      const rule = rules.find((properties) => properties.EventPattern);
      expect(rule?.EventPattern).toEqual({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: expect.stringMatching(/^SagaStateMachine/) }] },
      });
      expect(rule?.State).toBe('ENABLED');
      expect(rule?.Targets).toEqual([
        expect.objectContaining({
          Arn: functionOf('ReconcileOrder'),
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: reconcileDlqArn },
        }),
      ]);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StateReconcileDlq'), 'QueueName'] } }],
      });
    });

    it("sends reconcile-order invocations that still fail after Lambda's retries to the same DLQ", () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: Match.stringLikeRegexp('^ReconcileOrderFunction') },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StateReconcileDlqQueue'), 'Arn'] } } },
      });
    });

    it('runs the sweep every 5 minutes, without retries that would overlap the next run', () => {
      const rule = rules.find((properties) => properties.ScheduleExpression);
      expect(rule?.ScheduleExpression).toBe('rate(5 minutes)');
      expect(rule?.Targets).toEqual([expect.objectContaining({ Arn: functionOf('SweepPendingOrders') })]);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: Match.stringLikeRegexp('^SweepPendingOrdersFunction') },
        MaximumRetryAttempts: 0,
      });
    });

    it('gives both the in-flight grace (Task timeout + 5 s) and the sweep the stale age (execution timeout + 5 min)', () => {
      const variables = (prefix: string) =>
        Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))?.[1].Properties.Environment
          .Variables;
      expect(variables('ReconcileOrderFunction')).toMatchObject({ IN_FLIGHT_GRACE_SECONDS: '25' });
      expect(variables('SweepPendingOrdersFunction')).toMatchObject({ IN_FLIGHT_GRACE_SECONDS: '25', STALE_AFTER_SECONDS: '2100' });
    });

    it.each(['ReconcileOrderRole', 'SweepPendingOrdersRole'])(
      'lets %s invoke exactly the two compensations found in SSM, unqualified',
      (role) => {
        expect(invokeStatements(role)).toEqual([
          {
            Sid: 'InvokeCompensations',
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: [
              ssmParameter('/shop/dev/inventory/release-stock-function-arn'),
              ssmParameter('/shop/dev/payment/refund-payment-function-arn'),
            ],
          },
        ]);
      },
    );

    it('lets reconcile-order read and update order items only: no query, scan, state machine or topic', () => {
      const statements = policyStatementsOf(template, 'ReconcileOrderRole');
      expect(
        actionsOf(statements)
          .filter((a) => a.startsWith('dynamodb:'))
          .sort(),
      ).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
      expect(actionsOf(statements).filter((a) => /^(states|sns):/.test(a))).toEqual([]);
    });

    it('lets the sweep query the status index and describe the executions of the saga only', () => {
      const statements = policyStatementsOf(template, 'SweepPendingOrdersRole');
      expect(statements).toContainEqual({
        Action: 'dynamodb:Query',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [tableArn, '/index/gsi2']] },
      });
      const states = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('states:')));
      expect(states).toHaveLength(1);
      expect(states[0]?.Action).toBe('states:DescribeExecution');
      expect(JSON.stringify(states[0]?.Resource)).toMatch(/:execution:.*SagaStateMachine.*:\*/);
      expect(actionsOf(statements).filter((a) => /Scan|PutItem|DeleteItem|StartExecution|sns:/.test(a))).toEqual([]);
    });

    it('lets republish-events read orders by key and the status index, and publish to the order topic, nothing else', () => {
      const statements = policyStatementsOf(template, 'RepublishEventsRole');
      expect(
        actionsOf(statements)
          .filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))
          .sort(),
      ).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'sns:Publish']);
    });
  });

  it('requires a Cognito ID token on every method but the CORS preflight, GET included', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);
    const preflight = methods.filter((m) => m.HttpMethod === 'OPTIONS');
    const others = methods.filter((m) => m.HttpMethod !== 'OPTIONS');
    expect(others.filter((m) => m.HttpMethod === 'GET')).toHaveLength(2);
    expect(others.every((m) => m.AuthorizationType === 'COGNITO_USER_POOLS' && m.AuthorizerId !== undefined)).toBe(true);
    expect(preflight.every((m) => m.AuthorizationType === 'NONE')).toBe(true);
  });

  it('mounts the API at base path orders of the shop domain found in SSM', () => {
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      BasePath: 'orders',
      DomainName: { Ref: Match.stringLikeRegexp('^SsmParameterValueshopdevplatformapidomainname') },
    });
  });

  it('publishes the topic ARN, the intake queue URL and ARN, the API id and URL and the replay function name in SSM', () => {
    const names = Object.values(template.findResources('AWS::SSM::Parameter'))
      .map((p) => p.Properties.Name)
      .sort();
    expect(names).toEqual([
      '/shop/dev/order/api-id',
      '/shop/dev/order/api-url',
      '/shop/dev/order/intake-queue-arn',
      '/shop/dev/order/intake-queue-url',
      '/shop/dev/order/republish-function-name',
      '/shop/dev/order/topic-arn',
    ]);
  });

  it('imports nothing from other stacks', () => {
    expect(JSON.stringify(json)).not.toContain('Fn::ImportValue');
  });

  it('has the standard alarms on every function, the API, each queue and the stream relay, and one dashboard named after the stack', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).sort();
    expect(alarmedResources(template, 'Errors')).toEqual(functions);
    expect(alarmedResources(template, 'Throttles')).toEqual(functions);
    expect(alarmedResources(template, '5XXError')).toEqual([expect.stringMatching(/^ApiDeploymentStagedev/)]);
    expect(alarmedResources(template, 'Latency')).toEqual([expect.stringMatching(/^ApiDeploymentStagedev/)]);
    expect(alarmedResources(template, 'ApproximateAgeOfOldestMessage')).toEqual([expect.stringMatching(/^StateIntakeQueue(?!Dlq)/)]);
    expect(alarmedResources(template, 'IteratorAge')).toEqual([expect.stringMatching(/^PublishEventsFunction/)]);
    expect(alarmCountsByMetric(template)).toEqual({
      'Errors/Invocations': 9,
      Throttles: 9,
      '5XXError': 1,
      Latency: 1,
      ApproximateAgeOfOldestMessage: 1,
      IteratorAge: 1,
      ApproximateNumberOfMessagesVisible: 3,
      ExecutionsFailed: 1,
      ExecutionsTimedOut: 1,
      OrderNeedsAttention: 1,
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-dev-order' });
  });

  it('alarms on one failed sweep run (it runs every 5 minutes) and shows the saga on the dashboard', () => {
    const sweep = alarmsOn(template, 'Errors').find((alarm) => String(alarm.AlarmDescription).startsWith('order/sweep-pending-orders:'));
    expect(sweep).toEqual(expect.objectContaining({ EvaluationPeriods: 1, DatapointsToAlarm: 1 }));
    expect(
      (sweep?.Metrics as { MetricStat?: { Period: number } }[]).flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Period] : [])),
    ).toEqual([300, 300]);
    const titles = dashboardWidgets(template).map((widget) => widget.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining(['Executions', 'Executions failed', 'Executions timed out', 'Orders flagged NEEDS_ATTENTION']),
    );
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(app)).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('OrderStack in prod', () => {
  const { template } = synth('prod');

  it('retains and protects the orders', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('sends every alarm to the ops topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms).toHaveLength(28);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^SsmParameterValueshopprodplatformalarmtopicarn/) }]);
    }
  });
});

describe('order stateful resources', () => {
  it('keep their logical ids in prod (a new logical id replaces the resource and loses its data or messages)', () => {
    expect(statefulLogicalIds(synth('prod').template)).toEqual([
      'AWS::DynamoDB::Table StateOrdersTable34D6FE39',
      'AWS::SNS::Topic StateEventsTopicA76B51C3',
      'AWS::SQS::Queue PublishEventsStreamDlqQueueDC4BD0EE',
      'AWS::SQS::Queue StateIntakeDlqQueueF139DA08',
      'AWS::SQS::Queue StateIntakeQueue0BF298A8',
      'AWS::SQS::Queue StateReconcileDlqQueueC085072F',
    ]);
  });
});

describe('order synthesized templates', () => {
  // As `nx run order:synth` writes them (main.ts, the cdk CLI's context), but with inline code.
  it.each(STAGE_NAMES)('%s: equal to the checked-in template (src/infra/__tests__/templates)', (stage) => {
    const { stackName, template } = synthesizedTemplate(OrderStack, stage);
    expect(template).toEqual(templateFixture(join(__dirname, '__tests__', 'templates', `${stackName}.template.json`), template));
  });
});
