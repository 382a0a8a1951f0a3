import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ShopCdkError } from './errors';
import {
  actionsOf,
  alarmCountsByMetric,
  alarmedResources,
  alarmMetricNames,
  alarmsOn,
  dashboardWidgets,
  logicalIdOf,
  policyStatementsOf,
  statefulLogicalIds,
} from './template-queries';
import { testStack } from './testing/test-stack';

const template = (() => {
  const stack = testStack();
  const queue = new sqs.Queue(stack, 'Jobs', { enforceSSL: true });
  const reader = new iam.Role(stack, 'ReaderRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const writer = new iam.Role(stack, 'WriterRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  reader.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], resources: [queue.queueArn] }));
  writer.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  return Template.fromStack(stack);
})();

const queueArn = { 'Fn::GetAtt': [expect.stringMatching(/^Jobs/), 'Arn'] };

describe('policyStatementsOf', () => {
  it('lists the statements of the policies of the role whose logical id starts with the prefix, and no other', () => {
    expect(policyStatementsOf(template, 'WriterRole')).toEqual([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: queueArn }]);
    expect(policyStatementsOf(template, 'NoSuchRole')).toEqual([]);
  });
});

describe('actionsOf', () => {
  it('flattens single actions and lists, sorted', () => {
    expect(actionsOf([...policyStatementsOf(template, 'WriterRole'), ...policyStatementsOf(template, 'ReaderRole')])).toEqual([
      'sqs:DeleteMessage',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
  });
});

describe('logicalIdOf', () => {
  it('finds the logical id of a resource by type and prefix', () => {
    expect(logicalIdOf(template, 'AWS::SQS::Queue', 'Jobs')).toMatch(/^Jobs[0-9A-F]{8}$/);
  });

  it('throws a ShopCdkError when there is none', () => {
    expect(() => logicalIdOf(template, 'AWS::SQS::Queue', 'Missing')).toThrow(ShopCdkError);
  });
});

describe('statefulLogicalIds', () => {
  it('lists the queues (and tables, topics, user pools) by type and logical id, but no role', () => {
    expect(statefulLogicalIds(template)).toEqual([expect.stringMatching(/^AWS::SQS::Queue Jobs[0-9A-F]{8}$/)]);
  });
});

describe('alarm queries', () => {
  const alarms = (() => {
    const stack = testStack();
    const queue = new sqs.Queue(stack, 'Work');
    const metric = (name: string) => new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: name, statistic: 'Sum' });
    new cloudwatch.Alarm(stack, 'Age', { metric: queue.metricApproximateAgeOfOldestMessage(), threshold: 60, evaluationPeriods: 1 });
    new cloudwatch.Alarm(stack, 'Rate', {
      metric: new cloudwatch.MathExpression({ expression: 'e / i', usingMetrics: { e: metric('Errors'), i: metric('Invocations') } }),
      threshold: 0.1,
      evaluationPeriods: 1,
    });
    new cloudwatch.Alarm(stack, 'Errors', { metric: metric('Errors'), threshold: 1, evaluationPeriods: 1 });
    return Template.fromStack(stack);
  })();

  it('name the metrics an alarm watches, alone or inside metric math', () => {
    expect(alarmsOn(alarms, 'Errors').map((alarm) => alarmMetricNames(alarm))).toEqual([['Errors', 'Invocations'], ['Errors']]);
    expect(alarmsOn(alarms, 'Throttles')).toEqual([]);
  });

  it('name the resources the alarms on a metric watch', () => {
    expect(alarmedResources(alarms, 'ApproximateAgeOfOldestMessage')).toEqual([expect.stringMatching(/^Work/)]);
    expect(alarmedResources(alarms, 'Errors')).toEqual([]);
  });

  it('count the alarms per watched metric', () => {
    expect(alarmCountsByMetric(alarms)).toEqual({ ApproximateAgeOfOldestMessage: 1, 'Errors/Invocations': 1, Errors: 1 });
  });
});

describe('dashboardWidgets', () => {
  it('needs exactly one dashboard', () => {
    expect(() => dashboardWidgets(template)).toThrow(ShopCdkError);
  });
});
