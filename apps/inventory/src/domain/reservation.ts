import type { StockLine } from '@shop/inventory-contracts';

/** Whether a reservation still holds its units. */
export type ReservationStatus = 'RESERVED' | 'RELEASED';

/**
 * What `ReserveStock` took for one order: one per order id, which is what makes reserving and
 * releasing idempotent. A released reservation is kept (not deleted) so that a repeated reserve
 * finds it and takes nothing again.
 */
export interface Reservation {
  readonly orderId: string;
  /** The reserved lines in sku order; empty for the marker of a release that found nothing to release. */
  readonly lines: readonly StockLine[];
  readonly status: ReservationStatus;
  /** When the reservation (or the release marker) was stored. */
  readonly createdAt: string;
  /** When the units went back to stock. */
  readonly releasedAt?: string;
}

/** Lines in sku order, so the same order always produces the same reservation and transaction. */
export const sortLines = (lines: readonly StockLine[]): StockLine[] =>
  [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));

/** A new reservation of `lines` for an order. */
export const newReservation = (orderId: string, lines: readonly StockLine[], now: Date): Reservation => ({
  orderId,
  lines: sortLines(lines),
  status: 'RESERVED',
  createdAt: now.toISOString(),
});

/**
 * The marker stored when a release finds no reservation: released and empty, so a reserve that
 * arrives after its compensation (a straggler) reserves nothing.
 */
export const releaseMarker = (orderId: string, now: Date): Reservation => ({
  orderId,
  lines: [],
  status: 'RELEASED',
  createdAt: now.toISOString(),
  releasedAt: now.toISOString(),
});
