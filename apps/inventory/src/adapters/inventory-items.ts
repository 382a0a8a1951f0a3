import { compositeKey } from '@shop/dynamodb';
import { StockLineSchema } from '@shop/inventory-contracts';
import * as z from 'zod/mini';
import type { Reservation } from '../domain/reservation';
import { StockLevelSchema, type StockAdjustment, type StockLevel } from '../domain/stock';

/**
 * The inventory table's items (single table, `pk`/`sk`):
 * - stock: `STOCK#<sku>` / `STOCK`: sku, available, reserved, version, updatedAt, correlationId;
 * - adjustment: `STOCK#<sku>` / `ADJUSTMENT#<idempotencyKey>`: sku, idempotencyKey, delta, reason,
 *   adjustedAt, correlationId, expiresAt (TTL); in the sku's item collection, beside its stock;
 * - reservation: `RESERVATION#<orderId>` / `RESERVATION`: orderId, lines, status, createdAt,
 *   releasedAt, correlationId.
 */

/** Primary key of an inventory item (a type alias, so it is assignable to the lib's key records). */
export type InventoryKey = {
  readonly pk: string;
  readonly sk: string;
};

/** Sort key of stock items. */
export const STOCK_SK = 'STOCK';

/** Sort key of reservation items. */
export const RESERVATION_SK = 'RESERVATION';

/** The key of the stock of this sku. */
export const stockKey = (sku: string): InventoryKey => ({ pk: compositeKey('STOCK', sku), sk: STOCK_SK });

/** Prefix of the sort key of adjustment items. */
export const ADJUSTMENT_SK_PREFIX = 'ADJUSTMENT';

/**
 * How long an adjustment's Idempotency-Key is remembered (TTL of its item): 7 days, longer than a
 * client's retries and than a stock import re-run after a weekend. DynamoDB deletes an expired item
 * some time later; until then the key still answers with its adjustment.
 */
export const ADJUSTMENT_KEY_TTL_SECONDS = 7 * 24 * 60 * 60;

/** The key of the adjustment of this sku recorded under this Idempotency-Key. */
export const adjustmentKey = (sku: string, idempotencyKey: string): InventoryKey => ({
  pk: compositeKey('STOCK', sku),
  sk: compositeKey(ADJUSTMENT_SK_PREFIX, idempotencyKey),
});

/** The key of the reservation of this order. */
export const reservationKey = (orderId: string): InventoryKey => ({ pk: compositeKey('RESERVATION', orderId), sk: RESERVATION_SK });

/** The stock held by a stored item: bookkeeping dropped, the rest validated so corrupt items fail loudly. */
export const fromStockItem = (item: Record<string, unknown>): StockLevel => StockLevelSchema.parse(item);

const ReservationItemSchema = z.object({
  orderId: z.uuid(),
  lines: z.array(StockLineSchema),
  status: z.enum(['RESERVED', 'RELEASED']),
  createdAt: z.iso.datetime(),
  releasedAt: z.optional(z.iso.datetime()),
});

/** The item that stores `reservation`, written by the request with this correlation id. */
export const toReservationItem = (reservation: Reservation, correlationId: string): Record<string, unknown> => ({
  ...reservationKey(reservation.orderId),
  ...reservation,
  lines: reservation.lines.map(({ sku, quantity }) => ({ sku, quantity })),
  correlationId,
});

/** The reservation held by a stored item, validated. */
export const fromReservationItem = (item: Record<string, unknown>): Reservation => {
  const { releasedAt, ...rest } = ReservationItemSchema.parse(item);
  return releasedAt === undefined ? rest : { ...rest, releasedAt };
};

const AdjustmentItemSchema = z.object({
  sku: z.string().check(z.minLength(1)),
  idempotencyKey: z.string().check(z.minLength(1)),
  delta: z.int(),
  reason: z.string(),
  adjustedAt: z.iso.datetime(),
});

/** The item that records `adjustment`, written by the request with this correlation id, expiring after {@link ADJUSTMENT_KEY_TTL_SECONDS}. */
export const toAdjustmentItem = (adjustment: StockAdjustment, correlationId: string): Record<string, unknown> => ({
  ...adjustmentKey(adjustment.sku, adjustment.idempotencyKey),
  ...adjustment,
  correlationId,
  expiresAt: Math.floor(Date.parse(adjustment.adjustedAt) / 1000) + ADJUSTMENT_KEY_TTL_SECONDS,
});

/** The adjustment held by a stored item, validated. */
export const fromAdjustmentItem = (item: Record<string, unknown>): StockAdjustment => AdjustmentItemSchema.parse(item);
