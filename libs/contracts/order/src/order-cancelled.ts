import * as z from 'zod/mini';
import { createEnvelope, eventEnvelopeSchema, type Money } from '@shop/domain';
import {
  CancellationReasonSchema,
  OrderSummaryShape,
  TOTAL_MISMATCH_MESSAGE,
  totalMatchesLines,
  type CancellationReason,
  type CustomerId,
  type OrderLine,
} from './order';
import { ORDER_SOURCE } from './order-confirmed';

/** Event type of {@link OrderCancelled}; also the SNS `type` message attribute. */
export const ORDER_CANCELLED = 'OrderCancelled';

/** Schema version of the {@link OrderCancelled} payload. */
export const ORDER_CANCELLED_VERSION = 1;

/** Payload of {@link OrderCancelled}. */
export const OrderCancelledDataSchema = z
  .object({
    ...OrderSummaryShape,
    reason: CancellationReasonSchema,
    /** When the saga cancelled the order (ISO 8601). */
    cancelledAt: z.iso.datetime(),
  })
  .check(z.refine(totalMatchesLines, { error: TOTAL_MISMATCH_MESSAGE, path: ['total'] }));

/** Payload of {@link OrderCancelled}. */
export type OrderCancelledData = z.infer<typeof OrderCancelledDataSchema>;

/** `OrderCancelled` v1: the saga cancelled the order (out of stock, payment declined). */
export const OrderCancelledSchema = eventEnvelopeSchema(ORDER_CANCELLED, ORDER_CANCELLED_VERSION, OrderCancelledDataSchema);

/** `OrderCancelled` v1 event, envelope included. */
export type OrderCancelled = z.infer<typeof OrderCancelledSchema>;

/** Builds an `OrderCancelled` envelope; `id`/`time` default to a new UUID and now, `cancelledAt` to `time`. */
export const createOrderCancelled = (input: {
  orderId: string;
  customerId: CustomerId;
  lines: OrderLine[];
  total: Money;
  reason: CancellationReason;
  correlationId: string;
  cancelledAt?: string;
  id?: string;
  time?: string;
}): OrderCancelled => {
  const time = input.time ?? new Date().toISOString();
  return createEnvelope({
    type: ORDER_CANCELLED,
    version: ORDER_CANCELLED_VERSION,
    source: ORDER_SOURCE,
    correlationId: input.correlationId,
    data: {
      orderId: input.orderId,
      customerId: input.customerId,
      lines: input.lines,
      total: input.total,
      reason: input.reason,
      cancelledAt: input.cancelledAt ?? time,
    },
    id: input.id,
    time,
  });
};
