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
} from '@shop/cdk';
import { ShippingStack } from './shipping-stack';

const synth = (stageName: string) => {
  const { app, stack } = createServiceApp(ShippingStack, { context: { stage: stageName }, code: inlineTestCode });
  return { app, stack, template: Template.fromStack(stack) };
};

const tableArn = { 'Fn::GetAtt': [expect.stringMatching(/^StateShipmentsTable/), 'Arn'] };
const topicRef = { Ref: expect.stringMatching(/^StateEventsTopic/) };
const orderTopicParameter = Match.stringLikeRegexp('^SsmParameterValueshopdevordertopicarn');

describe('ShippingStack', () => {
  const { app, stack, template } = synth('dev');
  const json = template.toJSON();

  it('is one template with the API, four functions, the table, the topic and the OrderConfirmed queue + DLQs', () => {
    expect(stack.stackName).toBe('shop-dev-shipping');
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::Lambda::Function', 4);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    // The OrderConfirmed queue, its DLQ, the subscription's delivery DLQ, and the stream publisher's DLQ.
    template.resourceCountIs('AWS::SQS::Queue', 4);
  });

  it('keeps shipments point-in-time recoverable and encrypted, with a stream of new images (the outbox)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('indexes shipments by creation time (gsi1), for the operator replay of a window', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('subscribes its own queue to the order topic found in SSM, for OrderConfirmed only', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: { Ref: orderTopicParameter },
      FilterPolicy: { type: ['OrderConfirmed'] },
      RawMessageDelivery: true,
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderConfirmedQueue'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('could not process OrderConfirmed from order'),
    });
  });

  it('feeds the consumer in batches with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^OnOrderConfirmedFunction') },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderConfirmedQueue'), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('publishes ShipmentCreated from the table stream, with partial batch failures retried until they succeed and an alarmed DLQ as last resort', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^PublishShipmentsFunction') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublishShipmentsStreamDlq'), 'Arn'] } } },
    });
  });

  describe('least privilege', () => {
    it('lets the router only read shipment items', () => {
      const statements = policyStatementsOf(template, 'RouterRole');
      expect(actionsOf(statements).filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:GetItem']);
      expect(statements).toContainEqual({ Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: tableArn });
      expect(actionsOf(statements).filter((a) => /^(sns|sqs):/.test(a))).toEqual([]);
    });

    it('lets the consumer only create items (conditional PutItem) and read its own queue, and never publish', () => {
      const statements = policyStatementsOf(template, 'OnOrderConfirmedRole');
      expect(actionsOf(statements).filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:PutItem']);
      expect(statements).toContainEqual({ Action: 'dynamodb:PutItem', Effect: 'Allow', Resource: tableArn });
      const sqsStatements = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')));
      expect(sqsStatements.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^OrderConfirmedQueue/), 'Arn'] }]);
      expect(actionsOf(statements).filter((a) => a.startsWith('sns:'))).toEqual([]);
    });

    it('lets the publisher publish to the shipping topic only, and never touch items', () => {
      const statements = policyStatementsOf(template, 'PublishShipmentsRole');
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sns:')))).toEqual([
        { Action: 'sns:Publish', Effect: 'Allow', Resource: topicRef },
      ]);
      expect(actionsOf(statements).filter((a) => /Item|Query|Scan/.test(a))).toEqual([]);
    });

    it('lets the replay get shipments by key, query the creation-time index only (no Scan, no write) and publish to the shipping topic', () => {
      const statements = policyStatementsOf(template, 'RepublishShipmentsRole');
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')))).toEqual([
        { Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: tableArn },
        { Action: 'dynamodb:Query', Effect: 'Allow', Resource: { 'Fn::Join': ['', [tableArn, '/index/gsi1']] } },
      ]);
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sns:')))).toEqual([
        { Action: 'sns:Publish', Effect: 'Allow', Resource: topicRef },
      ]);
      expect(actionsOf(statements).filter((a) => a.startsWith('sqs:'))).toEqual([]);
    });
  });

  it('gives the replay five minutes, no trigger, and publishes its name in SSM for operators', () => {
    const [id, fn] =
      Object.entries(template.findResources('AWS::Lambda::Function')).find(([logicalId]) =>
        logicalId.startsWith('RepublishShipmentsFunction'),
      ) ?? [];
    expect(fn?.Properties.Timeout).toBe(300);
    expect(
      Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((m) => m.Properties.FunctionName.Ref),
    ).not.toContain(id);
    const parameter = Object.values(template.findResources('AWS::SSM::Parameter')).find(
      (p) => p.Properties.Name === '/shop/dev/shipping/republish-function-name',
    );
    expect(parameter?.Properties.Value).toEqual({ Ref: id });
  });

  it('sets each function exactly the environment it needs', () => {
    const env = (prefix: string) =>
      Object.keys(
        Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))?.[1].Properties.Environment
          .Variables,
      ).sort();
    const base = ['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];
    expect(env('RouterFunction')).toEqual([...base, 'TABLE_NAME']);
    expect(env('OnOrderConfirmedFunction')).toEqual([...base, 'TABLE_NAME']);
    expect(env('PublishShipmentsFunction')).toEqual([...base, 'TOPIC_ARN']);
    expect(env('RepublishShipmentsFunction')).toEqual([...base, 'TABLE_NAME', 'TOPIC_ARN']);
  });

  it('requires a Cognito token on every method but OPTIONS', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);
    const secured = methods.filter((m) => m.HttpMethod !== 'OPTIONS');
    expect(secured.length).toBeGreaterThan(0);
    expect(secured.every((m) => m.AuthorizationType === 'COGNITO_USER_POOLS' && m.AuthorizerId !== undefined)).toBe(true);
  });

  it('mounts the API at base path shipments of the shop domain found in SSM', () => {
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      BasePath: 'shipments',
      DomainName: { Ref: Match.stringLikeRegexp('^SsmParameterValueshopdevplatformapidomainname') },
    });
  });

  it('publishes the topic ARN, the replay function name and the API id and URL in SSM', () => {
    const names = Object.values(template.findResources('AWS::SSM::Parameter'))
      .map((p) => p.Properties.Name)
      .sort();
    expect(names).toEqual([
      '/shop/dev/shipping/api-id',
      '/shop/dev/shipping/api-url',
      '/shop/dev/shipping/republish-function-name',
      '/shop/dev/shipping/topic-arn',
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
    expect(alarmedResources(template, 'ApproximateAgeOfOldestMessage')).toEqual([expect.stringMatching(/^OrderConfirmedQueue(?!Dlq)/)]);
    expect(alarmedResources(template, 'IteratorAge')).toEqual([expect.stringMatching(/^PublishShipmentsFunction/)]);
    expect(alarmCountsByMetric(template)).toEqual({
      'Errors/Invocations': 4,
      Throttles: 4,
      '5XXError': 1,
      Latency: 1,
      ApproximateAgeOfOldestMessage: 1,
      IteratorAge: 1,
      ApproximateNumberOfMessagesVisible: 3,
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-dev-shipping' });
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(app)).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('ShippingStack in prod', () => {
  const { template } = synth('prod');

  it('retains and protects the shipments', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('sends every alarm to the ops topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms).toHaveLength(15);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^SsmParameterValueshopprodplatformalarmtopicarn/) }]);
    }
  });
});

describe('shipping stateful resources', () => {
  it('keep their logical ids in prod (a new logical id replaces the resource and loses its data or messages)', () => {
    expect(statefulLogicalIds(synth('prod').template)).toEqual([
      'AWS::DynamoDB::Table StateShipmentsTableC5F6B8FE',
      'AWS::SNS::Topic StateEventsTopicA76B51C3',
      'AWS::SQS::Queue OrderConfirmedDeliveryDlqQueueF2AA9667',
      'AWS::SQS::Queue OrderConfirmedQueue9176FA5F',
      'AWS::SQS::Queue OrderConfirmedQueueDlqQueue2AB5A090',
      'AWS::SQS::Queue PublishShipmentsStreamDlqQueue456B6363',
    ]);
  });
});

describe('shipping synthesized templates', () => {
  // As `nx run shipping:synth` writes them (main.ts, the cdk CLI's context), but with inline code.
  it.each(STAGE_NAMES)('%s: equal to the checked-in template (src/infra/__tests__/templates)', (stage) => {
    const { stackName, template } = synthesizedTemplate(ShippingStack, stage);
    expect(template).toEqual(templateFixture(join(__dirname, '__tests__', 'templates', `${stackName}.template.json`), template));
  });
});
