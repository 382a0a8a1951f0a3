import type { SNSClient } from '@aws-sdk/client-sns';
import { SnsEventPublisher } from '@shop/messaging';
import type { OrderEvent } from '../domain/ports';

/** Extra message attributes: the cancellation reason, so a subscription can filter on it (besides `type`). */
export const orderEventAttributes = (event: OrderEvent): Record<string, string> =>
  event.type === 'OrderCancelled' ? { reason: event.data.reason } : {};

/**
 * The one way the order service publishes its events: an {@link SnsEventPublisher} on the order
 * topic, with `type`, `correlationId` and {@link orderEventAttributes} as message attributes. The
 * outbox relay (`publish-events`) and the replay (`republish-events`) both publish through it, so
 * a subscriber cannot tell their messages apart.
 * @param sns an SNS client, built once per module (tracer-wrapped in the handlers).
 * @param topicArn the order topic (env `TOPIC_ARN`).
 */
export const createOrderEventPublisher = (sns: Pick<SNSClient, 'send'>, topicArn: string): SnsEventPublisher<OrderEvent> =>
  new SnsEventPublisher<OrderEvent>(sns, topicArn, { attributes: orderEventAttributes });
