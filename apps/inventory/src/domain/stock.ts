import { SkuSchema } from '@shop/domain';
import * as z from 'zod/mini';

/** The most units of one sku the shop keeps track of (a sanity bound, far above any real stock). */
export const MAX_AVAILABLE = 1_000_000_000;

/** Units that can be reserved: a whole number from 0 to {@link MAX_AVAILABLE}. */
export const AvailableSchema = z
  .int({ error: 'Available must be a whole number of units.' })
  .check(
    z.minimum(0, { error: 'Available must not be negative.' }),
    z.maximum(MAX_AVAILABLE, { error: `Available must be at most ${MAX_AVAILABLE}.` }),
  );

/** The stock of one sku. */
export const StockLevelSchema = z.object({
  sku: SkuSchema,
  /** Units that can still be reserved; never negative. */
  available: AvailableSchema,
  /** Units held by reservations that were not released (they left `available` when reserved). */
  reserved: z.int().check(z.minimum(0)),
  /** Bumped by every change (admin updates, reservations, releases); sent as `ETag`. */
  version: z.int().check(z.minimum(1)),
  /** When the stock last changed. */
  updatedAt: z.iso.datetime(),
});

/** The stock of one sku. */
export type StockLevel = z.infer<typeof StockLevelSchema>;

/** Body of `PUT /{sku}`: the new number of available units. Strict: unknown fields are rejected. */
export const SetStockBodySchema = z.strictObject({ available: AvailableSchema });

/** Body of `PUT /{sku}`. */
export type SetStockBody = z.infer<typeof SetStockBodySchema>;

/**
 * What a stock write is conditional on, from its HTTP precondition: `update` replaces the available
 * units only at the version the administrator read (`If-Match`), `create` records the stock of a sku
 * that has none (`If-None-Match: *`).
 */
export type StockPrecondition = { readonly kind: 'update'; readonly expectedVersion: number } | { readonly kind: 'create' };

/** A change of the available units of one sku, as an administrator asks for it. */
export interface SetStockCommand {
  readonly sku: string;
  readonly available: number;
  /** Absent when the request had none: the write is then refused (no blind overwrite). */
  readonly precondition?: StockPrecondition;
}

/** Longest reason of an adjustment, in characters. */
export const MAX_ADJUSTMENT_REASON_LENGTH = 200;

/**
 * Body of `POST /{sku}/adjustments`: units received (`delta` > 0) or written off (`delta` < 0) and
 * why. Strict: unknown fields are rejected. The reason is kept trimmed.
 */
export const AdjustStockBodySchema = z.strictObject({
  delta: z.int({ error: 'Delta must be a whole number of units.' }).check(
    z.minimum(-MAX_AVAILABLE, { error: `Delta must be at least -${MAX_AVAILABLE}.` }),
    z.maximum(MAX_AVAILABLE, { error: `Delta must be at most ${MAX_AVAILABLE}.` }),
    z.refine((delta) => delta !== 0, { error: 'Delta must not be 0: an adjustment changes the stock.' }),
  ),
  reason: z
    .string({ error: 'Reason is required: say why the stock changes (e.g. "received PO-1234").' })
    .check(
      z.trim(),
      z.minLength(1, { error: 'Reason must not be empty.' }),
      z.maxLength(MAX_ADJUSTMENT_REASON_LENGTH, { error: `Reason must be at most ${MAX_ADJUSTMENT_REASON_LENGTH} characters.` }),
      z.regex(/^[^\p{Cc}]*$/u, { error: 'Reason must not contain control characters.' }),
    ),
});

/** Body of `POST /{sku}/adjustments`. */
export type AdjustStockBody = z.infer<typeof AdjustStockBodySchema>;

/** One adjustment of a sku's available units, as recorded under its Idempotency-Key. */
export interface StockAdjustment {
  readonly sku: string;
  readonly idempotencyKey: string;
  /** Units added to `available` (negative: removed). Never 0. */
  readonly delta: number;
  /** Why, as the administrator wrote it (trimmed). */
  readonly reason: string;
  /** When it was applied. */
  readonly adjustedAt: string;
}
