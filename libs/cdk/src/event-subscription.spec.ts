import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventSubscription } from './event-subscription';
import { nagFindings } from './nag';
import { ServiceFunction } from './service-function';
import { stageConfig } from './stage-config';
import { alarmsOn, dashboardWidgets } from './template-queries';
import { inlineCode, testStack } from './testing/test-stack';

const dev = stageConfig('dev');

const create = (options: { timeout?: Duration; rawMessageDelivery?: boolean } = {}) => {
  const stack = testStack();
  const consumer = new ServiceFunction(stack, 'OnOrderConfirmed', {
    service: 'shipping',
    name: 'on-order-confirmed',
    stage: dev,
    description: 'test',
    code: inlineCode(),
    timeout: options.timeout,
  });
  const subscription = new EventSubscription(stack, 'OrderConfirmed', {
    stage: dev,
    producer: 'order',
    eventTypes: ['OrderConfirmed'],
    consumer,
    batchSize: 10,
    maxBatchingWindow: Duration.millis(0),
    rawMessageDelivery: options.rawMessageDelivery,
  });
  return { stack, subscription, template: Template.fromStack(stack) };
};

const topicParameter = (template: Template): string => {
  const parameters = template.toJSON().Parameters as Record<string, { Default?: string }>;
  const name = Object.entries(parameters).find(([, p]) => p.Default === '/shop/dev/order/topic-arn')?.[0];
  if (!name) throw new Error('no SSM parameter for the order topic');
  return name;
};

describe('EventSubscription', () => {
  it('subscribes its own queue to the producer topic found in SSM, filtered on the event type, raw delivery', () => {
    const { template } = create();
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: { Ref: topicParameter(template) },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderConfirmedQueue'), 'Arn'] },
      FilterPolicy: { type: ['OrderConfirmed'] },
      RawMessageDelivery: true,
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
  });

  it('lets only that topic send to the queue', () => {
    const { template } = create();
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topicParameter(template) } } },
          }),
        ]),
      },
    });
  });

  it('has an encrypted queue with an alarmed dead-letter queue and a visibility timeout of 6 x the consumer timeout', () => {
    const { template } = create({ timeout: Duration.seconds(20) });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 120,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('could not process OrderConfirmed from order'),
      Threshold: 1,
    });
  });

  describe('delivery dead-letter queue', () => {
    const deliveryDlq = /^OrderConfirmedDeliveryDlqQueue/;

    it('is the redrive policy of the subscription: what SNS gives up delivering lands there', () => {
      const { template } = create();
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderConfirmedQueue'), 'Arn'] },
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderConfirmedDeliveryDlqQueue'), 'Arn'] } },
      });
    });

    it('is its own SQS-managed encrypted queue, kept 14 days, that only that topic may send to, over TLS', () => {
      const { template } = create();
      template.resourceCountIs('AWS::SQS::Queue', 3);
      const [id, queue] =
        Object.entries(template.findResources('AWS::SQS::Queue')).find(([logicalId]) => deliveryDlq.test(logicalId)) ?? [];
      expect(queue?.Properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
      const policy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find((p) => p.Properties.Queues[0].Ref === id);
      expect(policy?.Properties.PolicyDocument.Statement).toEqual([
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        {
          Action: 'sqs:SendMessage',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Resource: { 'Fn::GetAtt': [id, 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topicParameter(template) } } },
        },
      ]);
    });

    it('alarms on its first message and joins the queue on the dashboard', () => {
      const { template } = create();
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription:
          'SNS could not deliver OrderConfirmed from order to TestStack/OrderConfirmed/Queue: at least one message is in the dead-letter queue.',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderConfirmedDeliveryDlqQueue'), 'QueueName'] } },
        ],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      const titles = dashboardWidgets(template).map((w) => w.properties.title ?? w.properties.markdown);
      expect(titles.slice(titles.indexOf('### queue OrderConfirmed/Queue'))).toEqual([
        '### queue OrderConfirmed/Queue',
        'messages visible, in flight, dead-lettered',
        'oldest message age (s)',
        'dead-lettered (DLQ)',
        'SNS deliveries given up (DLQ)',
      ]);
    });
  });

  it('alarms on the age of the oldest message of its queue', () => {
    const { template } = create();
    expect(alarmsOn(template, 'ApproximateAgeOfOldestMessage')).toEqual([
      expect.objectContaining({
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^OrderConfirmedQueue(?!Dlq)/), 'QueueName'] } }],
        Threshold: 600,
      }),
    ]);
  });

  it('feeds the consumer with partial batch responses and grants it receive and delete on its queue only', () => {
    const { template } = create();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderConfirmedQueue'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:DeleteMessage', 'sqs:ReceiveMessage']),
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderConfirmedQueue'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('can keep the SNS notification wrapper', () => {
    const { template } = create({ rawMessageDelivery: false });
    template.hasResourceProperties('AWS::SNS::Subscription', { RawMessageDelivery: false });
  });

  it('is nag-clean', () => {
    const { stack } = create();
    expect(nagFindings(stack)).toEqual([]);
  });

  it('needs at least one event type', () => {
    const stack = testStack();
    const consumer = new ServiceFunction(stack, 'C', {
      service: 'shipping',
      name: 'x',
      stage: dev,
      description: 'test',
      code: inlineCode(),
    });
    expect(() => new EventSubscription(stack, 'S', { stage: dev, producer: 'order', eventTypes: [], consumer })).toThrow(
      'needs at least one event type',
    );
  });
});
