import { documentClient } from '@shop/dynamodb';
import { ReleaseStockInputSchema } from '@shop/inventory-contracts';
import { createSagaCommand } from '@shop/messaging/saga-command';
import { coldStart, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { DynamoReservationRepository } from '../adapters/reservation.repository';
import { INVENTORY_ENV } from '../config/env';
import { systemClock, type Clock, type ReservationRepository } from '../domain/ports';
import { releaseStock } from '../domain/release-stock.use-case';

/** What the ReleaseStock command needs; tests pass in-memory fakes. */
export interface ReleaseStockCommandDeps {
  readonly reservations: Pick<ReservationRepository, 'get' | 'release' | 'storeReleaseMarker'>;
  readonly clock: Clock;
  readonly logger: Pick<LogSink, 'info'>;
  readonly metrics: MetricSink;
}

/**
 * The `ReleaseStock` compensation, invoked by the order saga (payload `ReleaseStockInput`, result
 * `ReleaseStockResult`). Never fails for business reasons: an order without a reservation, or
 * one already released, is a no-op success. `StockContentionError` is transient (retried).
 */
export const createReleaseStockCommand = (deps: ReleaseStockCommandDeps) =>
  createSagaCommand(
    {
      payload: 'ReleaseStock',
      schema: ReleaseStockInputSchema,
      run: (input) => releaseStock(deps, input),
      report: (result, input) => ({
        ...(result.released && { metric: 'StockReleased' }),
        message: result.released ? 'Stock released' : 'Nothing to release',
        fields: { orderId: input.orderId, lines: result.lines },
      }),
    },
    deps,
  );

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({ env: INVENTORY_ENV, clients: { db: documentClient } });

/** Lambda entry point: ReleaseStock with the shop's observability (correlation id from the payload). */
export const handler = withObservability(
  createReleaseStockCommand({
    reservations: new DynamoReservationRepository(clients.db, env.tableName),
    clock: systemClock,
    logger,
    metrics,
  }),
  { observability },
);
