import type { ProducerContracts } from '@shop/domain';
import { OrderCancelledSchema } from './order-cancelled';
import { OrderConfirmedSchema } from './order-confirmed';
import { OrderNeedsAttentionSchema } from './order-needs-attention';
import { PlaceOrderSchema } from './place-order';

/**
 * What the order service publishes, and the command it receives on its intake queue: the single
 * source of its AsyncAPI document (`nx run order-contracts:asyncapi`) and of its contract snapshot.
 * Add a message here to publish it.
 */
export const ORDER_CONTRACTS = {
  service: 'order',
  description:
    "Orders: basket's checkout sends `PlaceOrder` to the intake queue; the order saga's outcomes are relayed from the table stream (outbox) to the order topic.",
  channels: {
    orderEvents: {
      kind: 'sns-topic',
      address: '/shop/{stage}/order/topic-arn',
      description: 'The order topic: how each order ended. Consumers subscribe their own SQS queue with a filter policy on `type`.',
      action: 'send',
      messages: [
        { schema: OrderConfirmedSchema, summary: 'Stock is reserved and payment captured: the order is confirmed.' },
        {
          schema: OrderCancelledSchema,
          summary: 'The saga cancelled the order (out of stock, payment declined, processing failed).',
          attributes: { reason: 'Why the order was cancelled (the payload `data.reason`).' },
        },
        {
          schema: OrderNeedsAttentionSchema,
          summary: "The order left the saga's hands: an operator resolves it; holders of the order let go of it.",
        },
      ],
    },
    orderIntake: {
      kind: 'sqs-queue',
      address: '/shop/{stage}/order/intake-queue-url',
      description:
        "The order intake queue (a command queue the order service owns): basket's checkout sends `PlaceOrder` with SQS `SendMessage`.",
      action: 'receive',
      messages: [{ schema: PlaceOrderSchema, summary: 'Create the order and start its saga; `data.orderId` is the idempotency key.' }],
    },
  },
} as const satisfies ProducerContracts;
