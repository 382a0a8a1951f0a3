import { Match, Template } from 'aws-cdk-lib/assertions';
import { AlarmedDeadLetterQueue } from './dead-letter-queue';
import { nagFindings } from './nag';
import { stageConfig } from './stage-config';
import { testStack } from './testing/test-stack';

describe('AlarmedDeadLetterQueue', () => {
  it('is encrypted, TLS-only, keeps messages 14 days and alarms on the first message', () => {
    const stack = testStack();
    new AlarmedDeadLetterQueue(stack, 'Dlq', { stage: stageConfig('dev'), purpose: 'orders could not be placed' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'orders could not be placed: at least one message is in the dead-letter queue.',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(nagFindings(stack)).toEqual([]);
  });

  it('is retained in prod', () => {
    const stack = testStack();
    new AlarmedDeadLetterQueue(stack, 'Dlq', { stage: stageConfig('prod'), purpose: 'test' });
    Template.fromStack(stack).hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Retain' });
  });
});
