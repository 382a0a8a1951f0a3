import type { ReleaseStockInput, ReleaseStockResult } from '@shop/inventory-contracts';
import { StockContentionError } from './errors';
import type { Clock, ReservationRepository } from './ports';
import { releaseMarker, type Reservation } from './reservation';

/** What {@link releaseStock} needs. */
export interface ReleaseStockDeps {
  readonly reservations: Pick<ReservationRepository, 'get' | 'release' | 'storeReleaseMarker'>;
  readonly clock: Clock;
}

/** Rounds of read-then-write before giving up; each lost round means another writer finished first. */
const MAX_ROUNDS = 4;

/** The result a released reservation stands for (also for a repeated release: the first result). */
const releasedResult = (reservation: Reservation, releasedAt: string): ReleaseStockResult => ({
  orderId: reservation.orderId,
  released: reservation.lines.length > 0,
  lines: reservation.lines.map(({ sku, quantity }) => ({ sku, quantity })),
  releasedAt,
});

/**
 * The `ReleaseStock` compensation: gives back exactly what the order's reservation took, once.
 * - reserved: the lines go back to stock and the reservation is marked released, in one transaction;
 * - already released: nothing changes, the first release's result is returned;
 * - no reservation: nothing changes (`released: false`), and a release marker is stored so a
 *   reserve that arrives late for this order reserves nothing.
 * @throws StockContentionError when concurrent transactions kept cancelling the release (transient).
 */
export const releaseStock = async (deps: ReleaseStockDeps, input: ReleaseStockInput): Promise<ReleaseStockResult> => {
  const context = { correlationId: input.correlationId };
  for (let round = 1; ; round += 1) {
    const reservation = await deps.reservations.get(input.orderId);
    const now = deps.clock.now().toISOString();

    if (!reservation) {
      const marker = releaseMarker(input.orderId, new Date(now));
      if (await deps.reservations.storeReleaseMarker(marker, context)) return releasedResult(marker, now);
    } else if (reservation.status === 'RELEASED') {
      return releasedResult(reservation, reservation.releasedAt ?? reservation.createdAt);
    } else if ((await deps.reservations.release(reservation, now, context)) === 'released') {
      return releasedResult(reservation, now);
    }
    // Another call for the same order wrote in between: read again (its result becomes ours).
    if (round >= MAX_ROUNDS) throw new StockContentionError(input.orderId, round);
  }
};
