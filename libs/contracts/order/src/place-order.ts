import * as z from 'zod/mini';
import { createEnvelope, eventEnvelopeSchema } from '@shop/domain';
import {
  OrderSummaryShape,
  PaymentTokenSchema,
  ShippingAddressSchema,
  TOTAL_MISMATCH_MESSAGE,
  totalMatchesLines,
  type CustomerId,
  type OrderLine,
  type ShippingAddress,
} from './order';
import type { Money } from '@shop/domain';

/** Message type of the {@link PlaceOrder} command; also the SQS `type` message attribute. */
export const PLACE_ORDER = 'PlaceOrder';

/** Schema version of the {@link PlaceOrder} payload. */
export const PLACE_ORDER_VERSION = 1;

/** Service that sends {@link PlaceOrder}. */
export const PLACE_ORDER_SOURCE = 'basket';

/** Payload of {@link PlaceOrder}: everything the order service needs to create and run the order. */
export const PlaceOrderDataSchema = z
  .object({
    ...OrderSummaryShape,
    paymentToken: PaymentTokenSchema,
    shippingAddress: ShippingAddressSchema,
    /** When the customer checked out (ISO 8601). */
    placedAt: z.iso.datetime(),
  })
  .check(z.refine(totalMatchesLines, { error: TOTAL_MISMATCH_MESSAGE, path: ['total'] }));

/** Payload of {@link PlaceOrder}. */
export type PlaceOrderData = z.infer<typeof PlaceOrderDataSchema>;

/**
 * `PlaceOrder` v1: the command basket's checkout sends to the order service's intake queue
 * (SQS `SendMessage`). It travels in the shared envelope; `orderId` is the idempotency key.
 */
export const PlaceOrderSchema = eventEnvelopeSchema(PLACE_ORDER, PLACE_ORDER_VERSION, PlaceOrderDataSchema);

/** `PlaceOrder` v1 command, envelope included. */
export type PlaceOrder = z.infer<typeof PlaceOrderSchema>;

/** Builds a `PlaceOrder` envelope; `id`/`time` default to a new UUID and now, `placedAt` to `time`. */
export const createPlaceOrder = (input: {
  orderId: string;
  customerId: CustomerId;
  lines: OrderLine[];
  total: Money;
  paymentToken: string;
  shippingAddress: ShippingAddress;
  correlationId: string;
  placedAt?: string;
  id?: string;
  time?: string;
}): PlaceOrder => {
  const time = input.time ?? new Date().toISOString();
  return createEnvelope({
    type: PLACE_ORDER,
    version: PLACE_ORDER_VERSION,
    source: PLACE_ORDER_SOURCE,
    correlationId: input.correlationId,
    data: {
      orderId: input.orderId,
      customerId: input.customerId,
      lines: input.lines,
      total: input.total,
      paymentToken: input.paymentToken,
      shippingAddress: input.shippingAddress,
      placedAt: input.placedAt ?? time,
    },
    id: input.id,
    time,
  });
};
