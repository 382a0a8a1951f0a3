import * as z from 'zod/mini';
import { MoneySchema, SkuSchema, type Money } from '@shop/domain';

/** Limits on orders, shared by basket (checkout), order and every consumer. */
export const ORDER_LIMITS = {
  /** Largest quantity of one sku in one order. */
  maxQuantity: 99,
  /** Most lines (distinct skus) in one order. */
  maxLines: 50,
  /** Longest product name carried on a line. */
  nameMaxLength: 120,
} as const;

/** An order id: a UUID minted by basket at checkout (one per Idempotency-Key). */
export const OrderIdSchema = z.uuid({ error: 'Order id must be a UUID.' });

/** An order id. */
export type OrderId = z.infer<typeof OrderIdSchema>;

/** A customer id: the Cognito `sub` of the signed-in caller, never taken from a path or body. */
export const CustomerIdSchema = z.string().check(z.minLength(1), z.maxLength(128));

/** A customer id (Cognito `sub`). */
export type CustomerId = z.infer<typeof CustomerIdSchema>;

/** An opaque payment token from the client (`tok_approve`, `tok_decline`, `tok_transient_<n>` locally). */
export const PaymentTokenSchema = z
  .string()
  .check(z.regex(/^[\w.:-]{1,128}$/, { error: 'Payment token must be 1 to 128 characters of letters, digits, "_", ".", ":" or "-".' }));

/** An opaque payment token. */
export type PaymentToken = z.infer<typeof PaymentTokenSchema>;

/** A quantity of one sku on an order line: an integer from 1 to 99. */
export const LineQuantitySchema = z
  .int({ error: 'Quantity must be an integer.' })
  .check(
    z.minimum(1, { error: 'Quantity must be at least 1.' }),
    z.maximum(ORDER_LIMITS.maxQuantity, { error: `Quantity must be at most ${ORDER_LIMITS.maxQuantity}.` }),
  );

/**
 * One order line: the sku, its name and unit price as the catalog read model knew them at checkout
 * (never from the client), and the quantity.
 */
export const OrderLineSchema = z.object({
  sku: SkuSchema,
  name: z.string().check(z.minLength(1), z.maxLength(ORDER_LIMITS.nameMaxLength)),
  quantity: LineQuantitySchema,
  unitPrice: MoneySchema,
});

/** One order line. */
export type OrderLine = z.infer<typeof OrderLineSchema>;

/** The lines of an order: 1 to 50, each sku at most once. */
export const OrderLinesSchema = z.array(OrderLineSchema).check(
  z.minLength(1, { error: 'An order needs at least one line.' }),
  z.maxLength(ORDER_LIMITS.maxLines, { error: `An order has at most ${ORDER_LIMITS.maxLines} lines.` }),
  z.refine((lines) => new Set(lines.map((line) => line.sku)).size === lines.length, {
    error: 'Each sku may appear on one line only.',
  }),
);

/**
 * A postal shipping address. Unknown keys are stripped (consumers tolerate additive changes);
 * an API that accepts an address from a client should parse with `z.strictObject(ShippingAddressSchema.shape)`.
 */
export const ShippingAddressSchema = z.object({
  /** Recipient's name. */
  name: z.string().check(z.trim(), z.minLength(1, { error: 'Name must not be empty.' }), z.maxLength(120)),
  line1: z.string().check(z.trim(), z.minLength(1, { error: 'Address line 1 must not be empty.' }), z.maxLength(200)),
  line2: z.optional(z.string().check(z.trim(), z.maxLength(200))),
  city: z.string().check(z.trim(), z.minLength(1, { error: 'City must not be empty.' }), z.maxLength(100)),
  postalCode: z.string().check(z.trim(), z.minLength(1, { error: 'Postal code must not be empty.' }), z.maxLength(20)),
  /** ISO 3166-1 alpha-2 country code, e.g. `DE`. */
  country: z.string().check(z.regex(/^[A-Z]{2}$/, { error: 'Country must be an ISO 3166-1 alpha-2 code, e.g. "DE".' })),
});

/** A postal shipping address. */
export type ShippingAddress = z.infer<typeof ShippingAddressSchema>;

/** Every status an order goes through. `NEEDS_ATTENTION`: a compensation failed after its retries. */
export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED', 'NEEDS_ATTENTION'] as const;

/** An order status. */
export const OrderStatusSchema = z.enum(ORDER_STATUSES);

/** An order status. */
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

/**
 * Why an order was cancelled: a business failure of the saga (`OUT_OF_STOCK`, `PAYMENT_DECLINED`),
 * or `PROCESSING_FAILED` when the order's saga ended without finishing it (timed out, stopped or
 * failed) and the reconciler released its stock and refunded its payment.
 */
export const CANCELLATION_REASONS = ['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'PROCESSING_FAILED'] as const;

/** Why an order was cancelled. */
export const CancellationReasonSchema = z.enum(CANCELLATION_REASONS);

/** Why an order was cancelled. */
export type CancellationReason = z.infer<typeof CancellationReasonSchema>;

/**
 * The total of some lines: sum of `unitPrice × quantity`. Throws a `RangeError` when the lines mix
 * currencies or there are none (an order always has at least one line).
 */
export const orderTotal = (lines: readonly Pick<OrderLine, 'quantity' | 'unitPrice'>[]): Money => {
  const first = lines[0];
  if (!first) throw new RangeError('An order needs at least one line.');
  let amount = 0;
  for (const line of lines) {
    if (line.unitPrice.currency !== first.unitPrice.currency) {
      throw new RangeError('All lines of an order must share one currency.');
    }
    amount += line.unitPrice.amount * line.quantity;
  }
  return { amount, currency: first.unitPrice.currency };
};

/**
 * True when `total` is exactly the sum of the lines in the lines' single currency.
 * Contracts that carry lines and a total refine with it, so a total can never drift from its lines.
 */
export const totalMatchesLines = (value: { lines: readonly OrderLine[]; total: Money }): boolean => {
  try {
    const expected = orderTotal(value.lines);
    return expected.currency === value.total.currency && expected.amount === value.total.amount;
  } catch {
    return false;
  }
};

/** The fields every order-carrying contract shares (lines and total); see {@link totalMatchesLines}. */
export const OrderSummaryShape = {
  orderId: OrderIdSchema,
  customerId: CustomerIdSchema,
  lines: OrderLinesSchema,
  total: MoneySchema,
} as const;

/** Error reported on `total` when it does not match the lines. */
export const TOTAL_MISMATCH_MESSAGE = 'Total must equal the sum of unitPrice × quantity over the lines, in their one currency.';
