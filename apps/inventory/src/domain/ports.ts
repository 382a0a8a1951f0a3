import type { Reservation } from './reservation';
import type { SetStockCommand, StockLevel } from './stock';

/** Who asked for a write: stored on the items it changes, so a change can be traced to its request. */
export interface WriteContext {
  /** Correlation id of the request or saga execution doing the write. */
  readonly correlationId: string;
}

/**
 * Stock per sku, implemented by `adapters/inventory.repository.ts` (DynamoDB).
 * Use cases ask only for the methods they use (`Pick<StockRepository, 'get'>`).
 */
export interface StockRepository {
  /** The stock of this sku, or `undefined` when none was ever recorded. */
  get(sku: string): Promise<StockLevel | undefined>;

  /**
   * Sets the available units of a sku (creating its stock at version 1 when absent), keeping what
   * is reserved, and bumps the version.
   * @returns the stock as stored.
   * @throws StockNotFoundError when `expectedVersion` is given and the sku has no stock.
   * @throws StockVersionConflictError when `expectedVersion` is given and the stored version differs.
   */
  setAvailable(command: SetStockCommand, updatedAt: string, context: WriteContext): Promise<StockLevel>;
}

/** What {@link ReservationRepository.reserve} did. */
export type ReserveOutcome =
  /** The lines were taken from stock and the reservation stored. */
  | { readonly outcome: 'reserved'; readonly reservation: Reservation }
  /** The order already had a reservation (this one was not stored, nothing was taken): the stored one. */
  | { readonly outcome: 'duplicate'; readonly reservation: Reservation }
  /** Nothing was written: these skus have fewer units available than asked (or no stock at all). */
  | { readonly outcome: 'short'; readonly skus: readonly string[] };

/** What {@link ReservationRepository.release} did. */
export type ReleaseOutcome = 'released' | 'not-reserved';

/**
 * Reservations per order, implemented by `adapters/inventory.repository.ts` (DynamoDB
 * transactions). Each write is all-or-nothing and conditional, so concurrent or repeated calls
 * never take or give back stock twice, and stock never goes negative.
 */
export interface ReservationRepository {
  /** The reservation of this order, or `undefined`. */
  get(orderId: string): Promise<Reservation | undefined>;

  /**
   * In one transaction: takes every line from its sku's available units (only where at least that
   * many are available) and stores the reservation (only if the order has none yet); or nothing.
   * @throws StockContentionError when concurrent transactions kept cancelling it.
   */
  reserve(reservation: Reservation, context: WriteContext): Promise<ReserveOutcome>;

  /**
   * In one transaction: gives the reservation's lines back to stock and marks it released, only if
   * it is still reserved; `not-reserved` (nothing written) otherwise.
   * @throws StockContentionError when concurrent transactions kept cancelling it.
   */
  release(reservation: Reservation, releasedAt: string, context: WriteContext): Promise<ReleaseOutcome>;

  /**
   * Stores `marker` (a released reservation without lines) only if the order has no reservation.
   * @returns false when the order has one (nothing written).
   */
  storeReleaseMarker(marker: Reservation, context: WriteContext): Promise<boolean>;
}

/** The time source, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
