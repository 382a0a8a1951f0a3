import * as z from 'zod/mini';
import { createEnvelope, eventEnvelopeSchema, type Money } from '@shop/domain';
import {
  OrderSummaryShape,
  ShippingAddressSchema,
  TOTAL_MISMATCH_MESSAGE,
  totalMatchesLines,
  type CustomerId,
  type OrderLine,
  type ShippingAddress,
} from './order';

/** Event type of {@link OrderConfirmed}; also the SNS `type` message attribute. */
export const ORDER_CONFIRMED = 'OrderConfirmed';

/** Schema version of the {@link OrderConfirmed} payload. */
export const ORDER_CONFIRMED_VERSION = 1;

/** Service that publishes the order events. */
export const ORDER_SOURCE = 'order';

/** Payload of {@link OrderConfirmed}. */
export const OrderConfirmedDataSchema = z
  .object({
    ...OrderSummaryShape,
    shippingAddress: ShippingAddressSchema,
    /**
     * When the customer checked out (ISO 8601; `PlaceOrder`'s `placedAt`). Optional: events
     * published before it was added lack it. The basket keeps what the customer changed after it.
     */
    placedAt: z.optional(z.iso.datetime()),
    /** When the saga confirmed the order (ISO 8601). */
    confirmedAt: z.iso.datetime(),
  })
  .check(z.refine(totalMatchesLines, { error: TOTAL_MISMATCH_MESSAGE, path: ['total'] }));

/** Payload of {@link OrderConfirmed}. */
export type OrderConfirmedData = z.infer<typeof OrderConfirmedDataSchema>;

/** `OrderConfirmed` v1: stock is reserved and payment captured; consumed by shipping and basket. */
export const OrderConfirmedSchema = eventEnvelopeSchema(ORDER_CONFIRMED, ORDER_CONFIRMED_VERSION, OrderConfirmedDataSchema);

/** `OrderConfirmed` v1 event, envelope included. */
export type OrderConfirmed = z.infer<typeof OrderConfirmedSchema>;

/** Builds an `OrderConfirmed` envelope; `id`/`time` default to a new UUID and now, `confirmedAt` to `time`. */
export const createOrderConfirmed = (input: {
  orderId: string;
  customerId: CustomerId;
  lines: OrderLine[];
  total: Money;
  shippingAddress: ShippingAddress;
  correlationId: string;
  placedAt?: string;
  confirmedAt?: string;
  id?: string;
  time?: string;
}): OrderConfirmed => {
  const time = input.time ?? new Date().toISOString();
  return createEnvelope({
    type: ORDER_CONFIRMED,
    version: ORDER_CONFIRMED_VERSION,
    source: ORDER_SOURCE,
    correlationId: input.correlationId,
    data: {
      orderId: input.orderId,
      customerId: input.customerId,
      lines: input.lines,
      total: input.total,
      shippingAddress: input.shippingAddress,
      ...(input.placedAt === undefined ? {} : { placedAt: input.placedAt }),
      confirmedAt: input.confirmedAt ?? time,
    },
    id: input.id,
    time,
  });
};
