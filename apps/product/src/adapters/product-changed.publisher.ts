import type { SNSClient } from '@aws-sdk/client-sns';
import { SnsEventPublisher } from '@shop/messaging';
import type { ProductChanged } from '@shop/product-contracts';

/** Extra message attributes: the kind of change, so a subscription can filter on it (besides `type`). */
export const productChangedAttributes = (event: ProductChanged): Record<string, string> => ({ change: event.data.change });

/**
 * The one way the product service publishes `ProductChanged`: an {@link SnsEventPublisher} on the
 * product topic, with `type`, `correlationId` and {@link productChangedAttributes} as message
 * attributes. Both the outbox relay (`publish-changes`) and the catalog replay
 * (`republish-catalog`) publish through it, so a subscriber cannot tell their messages apart by shape.
 * @param sns an SNS client, built once per module (tracer-wrapped in the handlers).
 * @param topicArn the product topic (env `TOPIC_ARN`).
 */
export const createProductChangedPublisher = (sns: Pick<SNSClient, 'send'>, topicArn: string): SnsEventPublisher<ProductChanged> =>
  new SnsEventPublisher<ProductChanged>(sns, topicArn, { attributes: productChangedAttributes });
