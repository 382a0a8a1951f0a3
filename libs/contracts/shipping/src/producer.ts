import type { ProducerContracts } from '@shop/domain';
import { ShipmentCreatedSchema } from './shipment-created';

/**
 * What the shipping service publishes: the single source of its AsyncAPI document
 * (`nx run shipping-contracts:asyncapi`) and of its contract snapshot. Add a message here to publish it.
 */
export const SHIPPING_CONTRACTS = {
  service: 'shipping',
  description: 'Shipments: the one shipment of each confirmed order, relayed from the table stream (outbox) to the shipping topic.',
  channels: {
    shippingEvents: {
      kind: 'sns-topic',
      address: '/shop/{stage}/shipping/topic-arn',
      description: 'The shipping topic: shipments created. Consumers subscribe their own SQS queue with a filter policy on `type`.',
      action: 'send',
      messages: [{ schema: ShipmentCreatedSchema, summary: 'Shipping created the (one) shipment of a confirmed order.' }],
    },
  },
} as const satisfies ProducerContracts;
