import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { numericSettings, standardAlarm, type AlarmSettings } from './alarms';
import { AlarmedDeadLetterQueue } from './dead-letter-queue';
import { ShopCdkError } from './errors';
import { pathInStack, ServiceDashboard, type DashboardSection } from './service-dashboard';
import type { ServiceFunction } from './service-function';
import type { StageConfig } from './stage-config';

/** How a function consumes a queue (see {@link ConsumerQueue.addConsumer}). */
export interface QueueConsumerOptions {
  /**
   * Messages per invocation.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long Lambda waits to fill a batch (0 = invoke as soon as a message is there).
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Most concurrent invocations the mapping starts (2 to 1000), to protect downstream resources.
   * @default - no limit besides the function's own concurrency
   */
  readonly maxConcurrency?: number;
}

/** Thrown when a consumer could still be running when its message becomes visible again. */
export class VisibilityTimeoutTooShortError extends ShopCdkError {
  constructor(queuePath: string, visibilitySeconds: number, timeoutSeconds: number) {
    super(
      `${queuePath}: visibility timeout ${visibilitySeconds} s is shorter than the consumer's timeout ${timeoutSeconds} s ` +
        '(a message would be delivered again while still being processed).',
    );
    this.name = 'VisibilityTimeoutTooShortError';
  }
}

/** Properties of a {@link ConsumerQueue}. */
export interface ConsumerQueueProps {
  /** The stage: removal policy of the queues and where the alarm notifies. */
  readonly stage: StageConfig;
  /** What the queue carries, for the dead-letter alarm's description. */
  readonly purpose: string;
  /**
   * Receives of one message before it moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a received message stays invisible. Keep it at least 6 × the consumer's timeout
   * (AWS guidance for Lambda event sources); {@link ConsumerQueue.addConsumer} rejects a consumer
   * whose timeout exceeds it.
   * @default Duration.seconds(60) (6 × the default function timeout of 10 s)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * How long an unconsumed message is kept.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
  /**
   * Overrides of the queue's oldest-message alarm: the age of the oldest message
   * (`ApproximateAgeOfOldestMessage` Maximum per period) above the threshold.
   * @default threshold 10 minutes, period 1 minute, 1 of 1 datapoint: longer than a failing message
   * spends in retries before its dead-letter queue takes it with the default redrive (5 receives ×
   * 60 s), so it fires on a backlog (a consumer down, disabled or too slow), not on one retry
   */
  readonly oldestMessageAlarm?: AlarmSettings<Duration>;
}

/**
 * An SQS queue that a Lambda function consumes: SQS-managed encryption, TLS only, a redrive policy
 * to an {@link AlarmedDeadLetterQueue} after `maxReceiveCount` receives, an alarm on the age of its
 * oldest message, and a section of the stack's {@link ServiceDashboard}. The base of
 * {@link CommandQueue} and {@link EventSubscription}.
 */
export class ConsumerQueue extends Construct {
  /** The queue. */
  readonly queue: sqs.Queue;
  /** Where messages go after `maxReceiveCount` failed receives; alarms on the first one. */
  readonly deadLetterQueue: AlarmedDeadLetterQueue;
  /** How long a received message stays invisible. */
  readonly visibilityTimeout: Duration;
  /** In alarm while messages wait too long: see {@link ConsumerQueueProps.oldestMessageAlarm}. */
  readonly oldestMessageAlarm: cloudwatch.Alarm;
  /** The queue's section of the stack's dashboard. */
  readonly dashboardSection: DashboardSection;

  constructor(scope: Construct, id: string, props: ConsumerQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new AlarmedDeadLetterQueue(this, 'Dlq', { stage: props.stage, purpose: props.purpose });
    this.visibilityTimeout = props.visibilityTimeout ?? Duration.seconds(60);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue.queue, maxReceiveCount: props.maxReceiveCount ?? 5 },
      removalPolicy: props.stage.removalPolicy,
    });
    this.oldestMessageAlarm = standardAlarm(this, 'OldestMessageAlarm', {
      stage: props.stage,
      description: `Messages wait too long in ${this.node.path} (age of the oldest, seconds): its consumer is down, disabled or behind.`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ statistic: cloudwatch.Stats.MAXIMUM }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      defaults: { threshold: Duration.minutes(10).toSeconds(), period: Duration.minutes(1), evaluationPeriods: 1, datapointsToAlarm: 1 },
      settings: numericSettings(props.oldestMessageAlarm, (age) => age.toSeconds()),
    });
    this.dashboardSection = ServiceDashboard.of(this)
      .addSection(`queue ${pathInStack(this)}`)
      .addGraph('messages visible, in flight, dead-lettered', [
        this.queue.metricApproximateNumberOfMessagesVisible(),
        this.queue.metricApproximateNumberOfMessagesNotVisible(),
        this.deadLetterQueue.queue.metricApproximateNumberOfMessagesVisible({ label: 'dead-lettered' }),
      ])
      .addAlarm('oldest message age (s)', this.oldestMessageAlarm)
      .addAlarm('dead-lettered (DLQ)', this.deadLetterQueue.alarm);
  }

  /** The queue's ARN. */
  get queueArn(): string {
    return this.queue.queueArn;
  }

  /** The queue's URL. */
  get queueUrl(): string {
    return this.queue.queueUrl;
  }

  /**
   * Makes `consumer` read this queue through an event source mapping with partial batch responses
   * (`ReportBatchItemFailures`): only the failed messages of a batch come back. Grants receive and
   * delete on this queue only (see the grant note in the body).
   * @throws VisibilityTimeoutTooShortError when the queue's visibility timeout is shorter than the function's timeout.
   */
  addConsumer(consumer: ServiceFunction, options: QueueConsumerOptions = {}): sources.SqsEventSource {
    const timeout = consumer.function.timeout;
    if (timeout && timeout.toSeconds() > this.visibilityTimeout.toSeconds()) {
      throw new VisibilityTimeoutTooShortError(this.node.path, this.visibilityTimeout.toSeconds(), timeout.toSeconds());
    }
    // Grant: the CDK's SqsEventSource grants the consumer's role `grantConsumeMessages` on this
    // queue: ReceiveMessage, DeleteMessage and GetQueueAttributes, which Lambda's poller needs (the
    // local cloud checks them when it starts the mapping), plus ChangeMessageVisibility and
    // GetQueueUrl, which no handler calls (they come with the CDK helper; the event source offers
    // no narrower grant) and which the e2e suite's IAM report lists as unused for every consumer.
    const eventSource = new sources.SqsEventSource(this.queue, {
      batchSize: options.batchSize ?? 10,
      maxBatchingWindow: options.maxBatchingWindow,
      maxConcurrency: options.maxConcurrency,
      reportBatchItemFailures: true,
    });
    consumer.function.addEventSource(eventSource);
    return eventSource;
  }
}
