import * as z from 'zod/mini';
import { CorrelationIdSchema, SkuSchema } from '@shop/domain';

/** One sku and how many units of it to reserve. */
export const StockLineSchema = z.object({
  sku: SkuSchema,
  quantity: z.int().check(z.minimum(1)),
});

/** One sku and how many units of it to reserve. */
export type StockLine = z.infer<typeof StockLineSchema>;

/**
 * Input of the `ReserveStock` saga command (the payload the order saga's Task sends to the inventory
 * function found at `/shop/<stage>/inventory/reserve-stock-function-arn`). Reserves every line or none;
 * idempotent per `orderId`: a repeated call returns the first result and reserves nothing twice.
 */
export const ReserveStockInputSchema = z.object({
  orderId: z.uuid(),
  correlationId: CorrelationIdSchema,
  lines: z.array(StockLineSchema).check(
    z.minLength(1),
    z.refine((lines) => new Set(lines.map((line) => line.sku)).size === lines.length, {
      error: 'Each sku may appear on one line only.',
    }),
  ),
});

/** Input of `ReserveStock`. */
export type ReserveStockInput = z.infer<typeof ReserveStockInputSchema>;

/** Result of `ReserveStock`: the reserved lines. Thrown instead when a line is short: {@link OutOfStockError}. */
export const ReserveStockResultSchema = z.object({
  orderId: z.uuid(),
  lines: z.array(StockLineSchema),
  reservedAt: z.iso.datetime(),
});

/** Result of `ReserveStock`. */
export type ReserveStockResult = z.infer<typeof ReserveStockResultSchema>;

/**
 * Input of the `ReleaseStock` compensation (function at `/shop/<stage>/inventory/release-stock-function-arn`).
 * Puts back what `ReserveStock` reserved for the order; idempotent per `orderId`, and a no-op when
 * nothing was reserved.
 */
export const ReleaseStockInputSchema = z.object({
  orderId: z.uuid(),
  correlationId: CorrelationIdSchema,
});

/** Input of `ReleaseStock`. */
export type ReleaseStockInput = z.infer<typeof ReleaseStockInputSchema>;

/** Result of `ReleaseStock`: the lines put back (empty when nothing had been reserved). */
export const ReleaseStockResultSchema = z.object({
  orderId: z.uuid(),
  /** False when the order had no reservation (nothing to put back). */
  released: z.boolean(),
  lines: z.array(StockLineSchema),
  releasedAt: z.iso.datetime(),
});

/** Result of `ReleaseStock`. */
export type ReleaseStockResult = z.infer<typeof ReleaseStockResultSchema>;
