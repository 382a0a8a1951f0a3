import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { EventEnvelope } from '@shop/domain';
import { envelopeMessageAttributes } from './message-attributes';

/** Publishes events; the port a service's domain declares and {@link SnsEventPublisher} implements. */
export interface EventPublisher<E extends EventEnvelope = EventEnvelope> {
  publish(event: E): Promise<void>;
}

/** Options of {@link SnsEventPublisher}. */
export interface SnsEventPublisherOptions<E extends EventEnvelope> {
  /**
   * Extra String message attributes per event (besides `type` and `correlationId`), e.g.
   * `(event) => ({ change: event.data.change })`.
   * @default none
   */
  readonly attributes?: (event: E) => Readonly<Record<string, string>>;
}

/**
 * Publishes event envelopes to the producer's SNS topic: the JSON envelope as the message, `type`
 * and `correlationId` as String message attributes (subscriptions filter on `type` without parsing).
 */
export class SnsEventPublisher<E extends EventEnvelope = EventEnvelope> implements EventPublisher<E> {
  /**
   * @param sns an SNS client (built once per module, optionally tracer-wrapped); only `send` is used.
   * @param topicArn the producer's topic (env `TOPIC_ARN`).
   */
  constructor(
    private readonly sns: Pick<SNSClient, 'send'>,
    private readonly topicArn: string,
    private readonly options: SnsEventPublisherOptions<E> = {},
  ) {}

  async publish(event: E): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(event),
        MessageAttributes: envelopeMessageAttributes(event, this.options.attributes?.(event)),
      }),
    );
  }
}
