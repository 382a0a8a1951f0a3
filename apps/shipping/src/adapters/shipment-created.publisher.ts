import type { SNSClient } from '@aws-sdk/client-sns';
import { SnsEventPublisher } from '@shop/messaging';
import type { ShipmentCreated } from '@shop/shipping-contracts';

/**
 * The one way the shipping service publishes `ShipmentCreated`: an {@link SnsEventPublisher} on the
 * shipping topic (message attributes `type` and `correlationId`). Both the outbox relay
 * (`publish-shipments`) and the operator's replay (`republish-shipments`) publish through it, so a
 * subscriber cannot tell their messages apart.
 * @param sns an SNS client, built once per module (tracer-wrapped in the handlers).
 * @param topicArn the shipping topic (env `TOPIC_ARN`).
 */
export const createShipmentCreatedPublisher = (sns: Pick<SNSClient, 'send'>, topicArn: string): SnsEventPublisher<ShipmentCreated> =>
  new SnsEventPublisher<ShipmentCreated>(sns, topicArn);
