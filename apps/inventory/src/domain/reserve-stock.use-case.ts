import { OutOfStockError, type ReserveStockInput, type ReserveStockResult } from '@shop/inventory-contracts';
import type { Clock, ReservationRepository } from './ports';
import { newReservation, type Reservation } from './reservation';

/** What {@link reserveStock} needs. */
export interface ReserveStockDeps {
  readonly reservations: Pick<ReservationRepository, 'reserve'>;
  readonly clock: Clock;
}

const resultOf = (reservation: Reservation): ReserveStockResult => ({
  orderId: reservation.orderId,
  lines: reservation.lines.map(({ sku, quantity }) => ({ sku, quantity })),
  reservedAt: reservation.createdAt,
});

/**
 * The `ReserveStock` saga command: reserves every line of the order or none. Idempotent per order:
 * when the order already has a reservation, its result is returned again and nothing more is taken
 * (an order whose release came first gets an empty result: its compensation already ran).
 * @throws OutOfStockError (name `OutOfStockError`) listing the short skus; nothing is reserved then.
 * @throws StockContentionError when concurrent reservations kept cancelling this one (transient).
 */
export const reserveStock = async (deps: ReserveStockDeps, input: ReserveStockInput): Promise<ReserveStockResult> => {
  const reservation = newReservation(input.orderId, input.lines, deps.clock.now());
  const outcome = await deps.reservations.reserve(reservation, { correlationId: input.correlationId });
  switch (outcome.outcome) {
    case 'reserved':
    case 'duplicate':
      return resultOf(outcome.reservation);
    case 'short':
      throw new OutOfStockError(outcome.skus);
  }
};
