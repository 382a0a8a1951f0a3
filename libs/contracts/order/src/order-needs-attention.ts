import * as z from 'zod/mini';
import { createEnvelope, eventEnvelopeSchema } from '@shop/domain';
import { CustomerIdSchema, OrderIdSchema, OrderStatusSchema, type CustomerId, type OrderStatus } from './order';
import { ORDER_SOURCE } from './order-confirmed';

/** Event type of {@link OrderNeedsAttention}; also the SNS `type` message attribute. */
export const ORDER_NEEDS_ATTENTION = 'OrderNeedsAttention';

/** Schema version of the {@link OrderNeedsAttention} payload. */
export const ORDER_NEEDS_ATTENTION_VERSION = 1;

/** Longest `reason` an {@link OrderNeedsAttention} carries (the name of the error that flagged it). */
export const NEEDS_ATTENTION_REASON_MAX_LENGTH = 200;

/** Payload of {@link OrderNeedsAttention}. */
export const OrderNeedsAttentionDataSchema = z.object({
  orderId: OrderIdSchema,
  customerId: CustomerIdSchema,
  /** The status the order had before it was flagged. */
  previousStatus: OrderStatusSchema,
  /** Why: the name of the error that could not be handled (e.g. `PaymentProviderUnavailableError`). */
  reason: z.string().check(z.minLength(1), z.maxLength(NEEDS_ATTENTION_REASON_MAX_LENGTH)),
  /** When the order was flagged (ISO 8601). */
  flaggedAt: z.iso.datetime(),
});

/** Payload of {@link OrderNeedsAttention}. */
export type OrderNeedsAttentionData = z.infer<typeof OrderNeedsAttentionDataSchema>;

/**
 * `OrderNeedsAttention` v1: the order left the saga's hands (a step or a compensation failed for
 * good, or a reconciliation could not finish): an operator resolves it. Consumers that hold
 * something for an order in flight (basket's one-order-at-a-time lock) let go of it.
 */
export const OrderNeedsAttentionSchema = eventEnvelopeSchema(
  ORDER_NEEDS_ATTENTION,
  ORDER_NEEDS_ATTENTION_VERSION,
  OrderNeedsAttentionDataSchema,
);

/** `OrderNeedsAttention` v1 event, envelope included. */
export type OrderNeedsAttention = z.infer<typeof OrderNeedsAttentionSchema>;

/** Builds an `OrderNeedsAttention` envelope; `id`/`time` default to a new UUID and now, `flaggedAt` to `time`. */
export const createOrderNeedsAttention = (input: {
  orderId: string;
  customerId: CustomerId;
  previousStatus: OrderStatus;
  reason: string;
  correlationId: string;
  flaggedAt?: string;
  id?: string;
  time?: string;
}): OrderNeedsAttention => {
  const time = input.time ?? new Date().toISOString();
  return createEnvelope({
    type: ORDER_NEEDS_ATTENTION,
    version: ORDER_NEEDS_ATTENTION_VERSION,
    source: ORDER_SOURCE,
    correlationId: input.correlationId,
    data: {
      orderId: input.orderId,
      customerId: input.customerId,
      previousStatus: input.previousStatus,
      reason: input.reason.slice(0, NEEDS_ATTENTION_REASON_MAX_LENGTH),
      flaggedAt: input.flaggedAt ?? time,
    },
    id: input.id,
    time,
  });
};
