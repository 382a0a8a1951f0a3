import { Duration } from 'aws-cdk-lib';
import type * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AlarmSettings } from './alarms';
import { ConsumerQueue, type QueueConsumerOptions } from './consumer-queue';
import { AlarmedDeadLetterQueue } from './dead-letter-queue';
import type { ServiceFunction } from './service-function';
import { lookup } from './ssm-discovery';
import type { StageConfig } from './stage-config';

/** Message attribute every shop event carries (the envelope `type`); filter policies match on it. */
export const EVENT_TYPE_ATTRIBUTE = 'type';

/** Properties of an {@link EventSubscription}. */
export interface EventSubscriptionProps extends QueueConsumerOptions {
  /** The stage: SSM path, removal policy, alarm actions. */
  readonly stage: StageConfig;
  /** The producing service whose topic is subscribed to, e.g. `order`. */
  readonly producer: string;
  /**
   * Name of the producer's SSM parameter holding its topic ARN (`/shop/<stage>/<producer>/<name>`).
   * @default 'topic-arn'
   */
  readonly topicParameter?: string;
  /** The event types to receive (filter policy on the `type` message attribute), e.g. `['OrderConfirmed']`. */
  readonly eventTypes: readonly string[];
  /** The consumer's function; it gets the event source mapping and receive/delete on the queue only. */
  readonly consumer: ServiceFunction;
  /**
   * Receives of one message before it moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a received message stays invisible.
   * @default 6 × the consumer's timeout, at least 30 seconds
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Deliver the envelope itself as the SQS body (message attributes become SQS attributes) instead
   * of SNS's JSON notification wrapper. `@shop/messaging`'s consumer reads both.
   * @default true
   */
  readonly rawMessageDelivery?: boolean;
  /**
   * Overrides of the consumer queue's oldest-message alarm.
   * @default - {@link ConsumerQueueProps.oldestMessageAlarm}'s defaults
   */
  readonly oldestMessageAlarm?: AlarmSettings<Duration>;
}

/**
 * A consumer-owned subscription to another service's events: the producer's topic is found
 * through SSM (no `Fn::ImportValue`); a {@link ConsumerQueue} (encrypted, TLS only, alarmed
 * dead-letter queue) subscribes to it with a filter policy on the event `type`; the consumer
 * function reads the queue in batches with partial batch responses. The queue policy lets only
 * that topic send to the queue. The subscription has its own alarmed dead-letter queue (its
 * redrive policy): a message SNS gives up delivering (the queue missing, or refusing it) lands
 * there instead of being dropped, and only that topic may send to it.
 */
export class EventSubscription extends Construct {
  /** The consumer's queue (and its dead-letter queue). */
  readonly queue: ConsumerQueue;
  /** Where SNS puts the messages it could not deliver to {@link queue}; alarms on the first one. */
  readonly deliveryDeadLetterQueue: AlarmedDeadLetterQueue;
  /** The producer's topic, imported from its SSM-published ARN. */
  readonly topic: sns.ITopic;
  /** The consumer's event source mapping. */
  readonly eventSource: sources.SqsEventSource;

  constructor(scope: Construct, id: string, props: EventSubscriptionProps) {
    super(scope, id);
    if (props.eventTypes.length === 0) throw new Error(`${this.node.path}: an event subscription needs at least one event type.`);
    const consumerTimeout = props.consumer.function.timeout ?? Duration.seconds(3);
    this.queue = new ConsumerQueue(this, 'Queue', {
      stage: props.stage,
      purpose: `${props.consumer.node.path} could not process ${props.eventTypes.join(', ')} from ${props.producer}`,
      maxReceiveCount: props.maxReceiveCount,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(Math.max(30, 6 * consumerTimeout.toSeconds())),
      oldestMessageAlarm: props.oldestMessageAlarm,
    });
    this.deliveryDeadLetterQueue = new AlarmedDeadLetterQueue(this, 'DeliveryDlq', {
      stage: props.stage,
      purpose: `SNS could not deliver ${props.eventTypes.join(', ')} from ${props.producer} to ${this.queue.node.path}`,
    });
    this.topic = sns.Topic.fromTopicArn(
      this,
      'ProducerTopic',
      lookup(this, props.stage.stage, props.producer, props.topicParameter ?? 'topic-arn'),
    );
    this.topic.addSubscription(
      new subscriptions.SqsSubscription(this.queue.queue, {
        rawMessageDelivery: props.rawMessageDelivery ?? true,
        deadLetterQueue: this.deliveryDeadLetterQueue.queue,
        filterPolicy: {
          [EVENT_TYPE_ATTRIBUTE]: sns.SubscriptionFilter.stringFilter({ allowlist: [...props.eventTypes] }),
        },
      }),
    );
    this.eventSource = this.queue.addConsumer(props.consumer, props);
    this.queue.dashboardSection.addAlarm('SNS deliveries given up (DLQ)', this.deliveryDeadLetterQueue.alarm);
  }
}
