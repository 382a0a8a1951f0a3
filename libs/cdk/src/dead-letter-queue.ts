import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { addStageAlarmActions } from './alarms';
import { suppressNag } from './nag';
import type { StageConfig } from './stage-config';

/** Properties of an {@link AlarmedDeadLetterQueue}. */
export interface AlarmedDeadLetterQueueProps {
  /** The stage: decides where the alarm notifies. */
  readonly stage: StageConfig;
  /** What ends up in this queue, for the alarm's description. */
  readonly purpose: string;
  /**
   * How long failed messages are kept for inspection and redrive.
   * @default Duration.days(14) (the SQS maximum)
   */
  readonly retentionPeriod?: Duration;
}

/**
 * A dead-letter queue (SQS-managed encryption, TLS only, 14 days' retention) with an alarm that
 * fires as soon as one message is in it: nothing fails silently.
 */
export class AlarmedDeadLetterQueue extends Construct {
  /** The queue. */
  readonly queue: sqs.Queue;
  /** In alarm while at least one message waits in the queue. */
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AlarmedDeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
      // Messages here are evidence of failures: never lose them with a stack change.
      removalPolicy: props.stage.removalPolicy,
    });
    suppressNag(this.queue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue (a failure destination); a DLQ of a DLQ adds nothing.',
      },
    ]);
    this.alarm = new cloudwatch.Alarm(this, 'NotEmpty', {
      alarmDescription: `${props.purpose}: at least one message is in the dead-letter queue.`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    addStageAlarmActions(this.alarm, props.stage);
  }
}
