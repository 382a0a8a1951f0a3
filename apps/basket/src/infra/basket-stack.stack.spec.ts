import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  actionsOf,
  alarmCountsByMetric,
  alarmedResources,
  createServiceApp,
  inlineTestCode,
  nagFindings,
  policyStatementsOf,
  STAGE_NAMES,
  statefulLogicalIds,
  synthesizedTemplate,
  templateFixture,
  type TemplateStatement,
} from '@shop/cdk';
import { BasketStack } from './basket-stack';

const synth = (stageName: string) => {
  const { app, stack } = createServiceApp(BasketStack, { context: { stage: stageName }, code: inlineTestCode });
  return { app, stack, template: Template.fromStack(stack) };
};

const nonLogActions = (statements: TemplateStatement[]) => actionsOf(statements).filter((a) => !/^(logs|xray):/.test(a));

const tableArn = { 'Fn::GetAtt': [expect.stringMatching(/^StateBasketsTable/), 'Arn'] };
const ssmRef = (name: string) => ({
  Ref: expect.stringMatching(new RegExp(`^SsmParameterValue${name.replaceAll('/', '').replaceAll('-', '')}`)),
});

describe('BasketStack', () => {
  const { app, stack, template } = synth('dev');
  const json = template.toJSON();
  const env = (prefix: string): Record<string, unknown> =>
    Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))?.[1].Properties.Environment
      .Variables;

  it('is one template with the REST API, three functions, the table and two subscriptions, and no topic of its own', () => {
    expect(stack.stackName).toBe('shop-dev-basket');
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    // Per subscription: the queue, its DLQ and the delivery DLQ.
    template.resourceCountIs('AWS::SQS::Queue', 6);
  });

  it('runs every function on Node.js 24, arm64, with active tracing, from its own bundle handler', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    expect(functions.map((f) => [f.Runtime, f.Architectures, f.TracingConfig, f.Handler])).toEqual(
      Array(3).fill(['nodejs24.x', ['arm64'], { Mode: 'Active' }, 'index.handler']),
    );
  });

  it('keeps the baskets point-in-time recoverable and encrypted, with TTL for checkout and idempotency records', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: Match.absent(),
      GlobalSecondaryIndexes: Match.absent(),
    });
  });

  describe('router permissions', () => {
    const statements = policyStatementsOf(template, 'RouterRole');

    // A checkout's claim is one TransactWriteItems of two puts, authorized by PutItem alone.
    it('are GetItem, PutItem and BatchGetItem on the table: never an update or delete in place, Scan, Query or batch writes', () => {
      const dynamo = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));
      for (const statement of dynamo) expect(statement.Resource).toEqual(tableArn);
      expect(actionsOf(dynamo)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    });

    it('send to the order intake queue found in SSM, and to nothing else', () => {
      const queue = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')));
      // SendMessage only: the router sends to the URL in its environment (no GetQueueUrl or GetQueueAttributes).
      expect(queue).toEqual([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: ssmRef('/shop/dev/order/intake-queue-arn') }]);
      expect(nonLogActions(statements).filter((a) => !/^(dynamodb|sqs):/.test(a))).toEqual([]);
    });

    it('use "*" only for X-Ray', () => {
      expect(actionsOf(statements.filter((s) => s.Resource === '*'))).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    });
  });

  describe('product-changed permissions', () => {
    const statements = policyStatementsOf(template, 'ProductChangedRole');

    it('are one conditional PutItem on read-model items (PRODUCT#...) and reading its own queue', () => {
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')))).toEqual([
        {
          Action: 'dynamodb:PutItem',
          Effect: 'Allow',
          Resource: tableArn,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PRODUCT#*'] } },
        },
      ]);
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')))).toEqual([
        {
          Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ProductEventsQueue(?!Dlq)/), 'Arn'] },
        },
      ]);
    });
  });

  describe('order-events permissions', () => {
    const statements = policyStatementsOf(template, 'OrderEventsConsumerRole');

    it('are reading and putting back baskets (GetItem, PutItem) and reading its own queue', () => {
      expect(nonLogActions(statements)).toEqual([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ]);
      expect(statements.find((s) => actionsOf([s]).includes('sqs:ReceiveMessage'))?.Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^OrderEventsQueue(?!Dlq)/), 'Arn'],
      });
    });
  });

  it.each([
    ['ProductEvents', '/shop/dev/product/topic-arn', 'ProductChanged'],
    ['OrderEvents', '/shop/dev/order/topic-arn', 'OrderConfirmed', 'OrderCancelled', 'OrderNeedsAttention'],
  ])('subscribes its own %s queue to the producer topic found in SSM, filtered on the event types', (prefix, parameter, ...types) => {
    const subscription = Object.entries(template.findResources('AWS::SNS::Subscription')).find(([id]) =>
      id.startsWith(`${prefix}Queue`),
    )?.[1].Properties;
    expect(subscription).toMatchObject({
      Protocol: 'sqs',
      TopicArn: ssmRef(parameter),
      FilterPolicy: { type: types },
      RawMessageDelivery: true,
      Endpoint: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}Queue(?!Dlq)`)), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}DeliveryDlqQueue`)), 'Arn'] } },
    });
  });

  it.each([
    ['ProductChangedFunction', 'ProductEventsQueue'],
    ['OrderEventsConsumerFunction', 'OrderEventsQueue'],
  ])('has %s consume %s with partial batch failures, a redrive policy and an alarmed DLQ', (fn, queue) => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp(`^${fn}`) },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}(?!Dlq)`), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}Dlq`), 'Arn'] }, maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}Dlq`), 'QueueName'] } }],
    });
  });

  it('sets each function exactly the environment it needs; the intake queue URL comes from SSM', () => {
    const base = ['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'TABLE_NAME'];
    expect(Object.keys(env('RouterFunction')).sort()).toEqual([...base.slice(0, 1), 'ORDER_INTAKE_QUEUE_URL', ...base.slice(1)]);
    expect(env('RouterFunction').ORDER_INTAKE_QUEUE_URL).toEqual(ssmRef('/shop/dev/order/intake-queue-url'));
    expect(env('RouterFunction').POWERTOOLS_SERVICE_NAME).toBe('basket');
    expect(Object.keys(env('ProductChangedFunction')).sort()).toEqual(base);
    expect(Object.keys(env('OrderEventsConsumerFunction')).sort()).toEqual(base);
  });

  it('authorizes every method with Cognito except CORS preflights', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);
    const preflights = methods.filter((m) => m.HttpMethod === 'OPTIONS');
    const others = methods.filter((m) => m.HttpMethod !== 'OPTIONS');
    expect(preflights).toHaveLength(2);
    expect(preflights.every((m) => m.AuthorizationType === 'NONE')).toBe(true);
    expect(others).toHaveLength(12);
    expect(others.every((m) => m.AuthorizationType === 'COGNITO_USER_POOLS' && m.AuthorizerId !== undefined)).toBe(true);
  });

  it('mounts the API at base path basket of the shop domain found in SSM', () => {
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      BasePath: 'basket',
      DomainName: { Ref: Match.stringLikeRegexp('^SsmParameterValueshopdevplatformapidomainname') },
    });
  });

  it('publishes the API id and URL in SSM', () => {
    const names = Object.values(template.findResources('AWS::SSM::Parameter'))
      .map((p) => p.Properties.Name)
      .sort();
    expect(names).toEqual(['/shop/dev/basket/api-id', '/shop/dev/basket/api-url']);
  });

  it('reads what it needs of other services from SSM and imports nothing from other stacks', () => {
    const parameters = Object.values(json.Parameters as Record<string, { Default: string }>)
      .map((p) => p.Default)
      .sort();
    expect(parameters).toEqual([
      '/cdk-bootstrap/hnb659fds/version',
      '/shop/dev/order/intake-queue-arn',
      '/shop/dev/order/intake-queue-url',
      '/shop/dev/order/topic-arn',
      '/shop/dev/platform/api-domain-name',
      '/shop/dev/platform/user-pool-arn',
      '/shop/dev/product/topic-arn',
    ]);
    expect(JSON.stringify(json)).not.toContain('Fn::ImportValue');
  });

  it('has the standard alarms on every function, the API, each queue and the stream relay, and one dashboard named after the stack', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).sort();
    expect(alarmedResources(template, 'Errors')).toEqual(functions);
    expect(alarmedResources(template, 'Throttles')).toEqual(functions);
    expect(alarmedResources(template, '5XXError')).toEqual([expect.stringMatching(/^ApiDeploymentStagedev/)]);
    expect(alarmedResources(template, 'Latency')).toEqual([expect.stringMatching(/^ApiDeploymentStagedev/)]);
    expect(alarmedResources(template, 'ApproximateAgeOfOldestMessage')).toEqual([
      expect.stringMatching(/^OrderEventsQueue(?!Dlq)/),
      expect.stringMatching(/^ProductEventsQueue(?!Dlq)/),
    ]);
    expect(alarmedResources(template, 'IteratorAge')).toEqual([]);
    expect(alarmCountsByMetric(template)).toEqual({
      'Errors/Invocations': 3,
      Throttles: 3,
      '5XXError': 1,
      Latency: 1,
      ApproximateAgeOfOldestMessage: 2,
      ApproximateNumberOfMessagesVisible: 4,
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-dev-basket' });
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(app)).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('BasketStack in prod', () => {
  const { template } = synth('prod');

  it('retains and protects the baskets', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('sends every alarm to the ops topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms).toHaveLength(14);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^SsmParameterValueshopprodplatformalarmtopicarn/) }]);
    }
  });
});

describe('basket stateful resources', () => {
  it('keep their logical ids in prod (a new logical id replaces the resource and loses its data or messages)', () => {
    expect(statefulLogicalIds(synth('prod').template)).toEqual([
      'AWS::DynamoDB::Table StateBasketsTable536E7780',
      'AWS::SQS::Queue OrderEventsDeliveryDlqQueue124B4ADF',
      'AWS::SQS::Queue OrderEventsQueue49E0B11E',
      'AWS::SQS::Queue OrderEventsQueueDlqQueue92943854',
      'AWS::SQS::Queue ProductEventsDeliveryDlqQueue2012AB1B',
      'AWS::SQS::Queue ProductEventsQueue5B71CE40',
      'AWS::SQS::Queue ProductEventsQueueDlqQueue6CD0036A',
    ]);
  });
});

describe('basket synthesized templates', () => {
  // As `nx run basket:synth` writes them (main.ts, the cdk CLI's context), but with inline code.
  it.each(STAGE_NAMES)('%s: equal to the checked-in template (src/infra/__tests__/templates)', (stage) => {
    const { stackName, template } = synthesizedTemplate(BasketStack, stage);
    expect(template).toEqual(templateFixture(join(__dirname, '__tests__', 'templates', `${stackName}.template.json`), template));
  });
});
