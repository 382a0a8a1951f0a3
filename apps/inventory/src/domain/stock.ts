import { SkuSchema } from '@shop/domain';
import * as z from 'zod';

/** The most units of one sku the shop keeps track of (a sanity bound, far above any real stock). */
export const MAX_AVAILABLE = 1_000_000_000;

/** Units that can be reserved: a whole number from 0 to {@link MAX_AVAILABLE}. */
export const AvailableSchema = z
  .int({ error: 'Available must be a whole number of units.' })
  .min(0, { error: 'Available must not be negative.' })
  .max(MAX_AVAILABLE, { error: `Available must be at most ${MAX_AVAILABLE}.` });

/** The stock of one sku. */
export const StockLevelSchema = z.object({
  sku: SkuSchema,
  /** Units that can still be reserved; never negative. */
  available: AvailableSchema,
  /** Units held by reservations that were not released (they left `available` when reserved). */
  reserved: z.int().min(0),
  /** Bumped by every change (admin updates, reservations, releases); sent as `ETag`. */
  version: z.int().min(1),
  /** When the stock last changed. */
  updatedAt: z.iso.datetime(),
});

/** The stock of one sku. */
export type StockLevel = z.infer<typeof StockLevelSchema>;

/** Body of `PUT /{sku}`: the new number of available units. Strict: unknown fields are rejected. */
export const SetStockBodySchema = z.strictObject({ available: AvailableSchema });

/** Body of `PUT /{sku}`. */
export type SetStockBody = z.infer<typeof SetStockBodySchema>;

/** A change of the available units of one sku, as an administrator asks for it. */
export interface SetStockCommand {
  readonly sku: string;
  readonly available: number;
  /** The version the administrator read (`If-Match`); without it the write is unconditional. */
  readonly expectedVersion?: number;
}
