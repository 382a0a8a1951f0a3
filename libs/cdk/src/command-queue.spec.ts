import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CommandQueue } from './command-queue';
import { VisibilityTimeoutTooShortError } from './consumer-queue';
import { nagFindings } from './nag';
import { ServiceFunction } from './service-function';
import { stageConfig } from './stage-config';
import { alarmsOn, dashboardWidgets } from './template-queries';
import { inlineCode, testStack } from './testing/test-stack';

const dev = stageConfig('dev');

describe('CommandQueue', () => {
  const create = () => {
    const stack = testStack();
    const queue = new CommandQueue(stack, 'Intake', { stage: dev, service: 'order', name: 'intake', purpose: 'PlaceOrder commands' });
    const consumer = new ServiceFunction(stack, 'Consumer', {
      service: 'order',
      name: 'place-order',
      stage: dev,
      description: 'test',
      code: inlineCode(),
    });
    queue.addConsumer(consumer, { batchSize: 5 });
    return { stack, queue, template: Template.fromStack(stack) };
  };

  it('is an encrypted, TLS-only queue that dead-letters after 5 receives into an alarmed DLQ', () => {
    const { template } = create();
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 60,
      MessageRetentionPeriod: 345600,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeDlq'), 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'PlaceOrder commands: at least one message is in the dead-letter queue.',
    });
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      },
      2,
    );
  });

  it('alarms when its oldest message is more than 10 minutes old, and shows it on the dashboard beside its DLQ', () => {
    const { template } = create();
    expect(alarmsOn(template, 'ApproximateAgeOfOldestMessage')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Period: 60,
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^IntakeQueue/), 'QueueName'] } }],
        Threshold: 600,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      }),
    ]);
    const titles = dashboardWidgets(template).map((w) => w.properties.title ?? w.properties.markdown);
    expect(titles.slice(titles.indexOf('### queue Intake'))).toEqual([
      '### queue Intake',
      'messages visible, in flight, dead-lettered',
      'oldest message age (s)',
      'dead-lettered (DLQ)',
      '### function order/place-order',
      'invocations, errors, throttles',
      'duration p50, p99',
      'error rate',
      'throttles',
    ]);
  });

  it('takes another oldest-message threshold from its props', () => {
    const stack = testStack();
    new CommandQueue(stack, 'Intake', {
      stage: dev,
      service: 'order',
      name: 'intake',
      purpose: 'PlaceOrder commands',
      oldestMessageAlarm: { threshold: Duration.minutes(2) },
    });
    expect(alarmsOn(Template.fromStack(stack), 'ApproximateAgeOfOldestMessage')).toEqual([expect.objectContaining({ Threshold: 120 })]);
  });

  it('publishes its URL and ARN in SSM under the owner service', () => {
    const { template } = create();
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/dev/order/intake-queue-url',
      Value: { Ref: Match.stringLikeRegexp('^IntakeQueue') },
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/dev/order/intake-queue-arn',
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeQueue'), 'Arn'] },
    });
  });

  it('feeds its consumer in batches with partial batch responses', () => {
    const { template } = create();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeQueue'), 'Arn'] },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('is nag-clean', () => {
    const { stack } = create();
    expect(nagFindings(stack)).toEqual([]);
  });

  it('refuses a consumer whose timeout exceeds the visibility timeout', () => {
    const stack = testStack();
    const queue = new CommandQueue(stack, 'Q', {
      stage: dev,
      service: 'order',
      name: 'intake',
      purpose: 'p',
      visibilityTimeout: Duration.seconds(5),
    });
    const consumer = new ServiceFunction(stack, 'C', { service: 'order', name: 'x', stage: dev, description: 'test', code: inlineCode() });
    expect(() => queue.addConsumer(consumer)).toThrow(VisibilityTimeoutTooShortError);
  });
});

describe('CommandQueue.bindSender', () => {
  it('lets a function of another stack send to the queue found in SSM, and nothing else', () => {
    const stack = testStack();
    const sender = new ServiceFunction(stack, 'Checkout', {
      service: 'basket',
      name: 'router',
      stage: dev,
      description: 'test',
      code: inlineCode(),
    });

    CommandQueue.bindSender(sender, { stage: 'dev', service: 'order', name: 'intake' }, 'ORDER_INTAKE_QUEUE_URL');

    const template = Template.fromStack(stack);
    const parameters = template.toJSON().Parameters as Record<string, { Default?: string }>;
    const urlParam = Object.entries(parameters).find(([, p]) => p.Default === '/shop/dev/order/intake-queue-url')?.[0];
    const arnParam = Object.entries(parameters).find(([, p]) => p.Default === '/shop/dev/order/intake-queue-arn')?.[0];
    expect(urlParam).toBeDefined();
    expect(arnParam).toBeDefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ORDER_INTAKE_QUEUE_URL: { Ref: urlParam } }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { Ref: arnParam } }]),
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
    expect(nagFindings(stack)).toEqual([]);
  });
});
