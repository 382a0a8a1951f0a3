import { compositeKey } from '@shop/dynamodb';
import { StockLineSchema } from '@shop/inventory-contracts';
import * as z from 'zod';
import type { Reservation } from '../domain/reservation';
import { StockLevelSchema, type StockLevel } from '../domain/stock';

/**
 * The inventory table's items (single table, `pk`/`sk`):
 * - stock: `STOCK#<sku>` / `STOCK`: sku, available, reserved, version, updatedAt, correlationId;
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

/** The key of the reservation of this order. */
export const reservationKey = (orderId: string): InventoryKey => ({ pk: compositeKey('RESERVATION', orderId), sk: RESERVATION_SK });

/** The stock held by a stored item: bookkeeping dropped, the rest validated so corrupt items fail loudly. */
export const fromStockItem = (item: Record<string, unknown>): StockLevel => StockLevelSchema.parse(item);

const ReservationItemSchema = z.object({
  orderId: z.uuid(),
  lines: z.array(StockLineSchema),
  status: z.enum(['RESERVED', 'RELEASED']),
  createdAt: z.iso.datetime(),
  releasedAt: z.iso.datetime().optional(),
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
