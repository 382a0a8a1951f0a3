import type { Reservation } from './reservation';
import type { StockAdjustment, StockLevel } from './stock';

/** Who asked for a write: stored on the items it changes, so a change can be traced to its request. */
export interface WriteContext {
  /** Correlation id of the request or saga execution doing the write. */
  readonly correlationId: string;
}

/** What {@link StockRepository.adjust} did. */
export type AdjustOutcome =
  /** The adjustment was recorded and `available` changed by its delta, in one transaction. */
  | { readonly outcome: 'applied' }
  /** The key was used before for this sku (nothing written): the adjustment recorded then. */
  | { readonly outcome: 'duplicate'; readonly adjustment: StockAdjustment }
  /** Nothing written: the sku has no stock. */
  | { readonly outcome: 'no-stock' }
  /** Nothing written: `available + delta` would leave `0..MAX_AVAILABLE`; the stock as it was found. */
  | { readonly outcome: 'out-of-range'; readonly level: StockLevel };

/**
 * Stock per sku, implemented by `adapters/stock.repository.ts` (DynamoDB). Every write is
 * conditional: on the version read, on the sku having no stock yet, or on an adjustment key not
 * used before; none overwrites a change it did not see.
 * Use cases ask only for the methods they use (`Pick<StockRepository, 'get'>`).
 */
export interface StockRepository {
  /** The stock of this sku, or `undefined` when none was ever recorded. */
  get(sku: string): Promise<StockLevel | undefined>;

  /**
   * Records the stock of a sku that has none: `level` (at version 1, nothing reserved).
   * @throws StockAlreadyExistsError when the sku has stock (nothing written).
   */
  create(level: StockLevel, context: WriteContext): Promise<void>;

  /**
   * Sets the available units of a sku at `expectedVersion`, keeping what is reserved, and bumps the version.
   * @returns the stock as stored.
   * @throws StockNotFoundError when the sku has no stock.
   * @throws StockVersionConflictError when the stored version differs.
   */
  setAvailable(
    command: { sku: string; available: number; expectedVersion: number },
    updatedAt: string,
    context: WriteContext,
  ): Promise<StockLevel>;

  /**
   * In one transaction: records `adjustment` under its sku and key (only if the key is new for the
   * sku) and adds its delta to `available` (only if the result stays within `0..MAX_AVAILABLE`),
   * bumping the version; or nothing.
   * @throws StockAdjustmentContendedError when concurrent transactions kept cancelling it.
   */
  adjust(adjustment: StockAdjustment, context: WriteContext): Promise<AdjustOutcome>;
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
 * Reservations per order, implemented by `adapters/reservation.repository.ts` (DynamoDB
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
