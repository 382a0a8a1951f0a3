import { documentClient } from '@shop/dynamodb';
import { OutOfStockError, ReserveStockInputSchema } from '@shop/inventory-contracts';
import { createSagaCommand } from '@shop/messaging/saga-command';
import { coldStart, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { DynamoReservationRepository } from '../adapters/reservation.repository';
import { INVENTORY_ENV } from '../config/env';
import { systemClock, type Clock, type ReservationRepository } from '../domain/ports';
import { reserveStock } from '../domain/reserve-stock.use-case';

/** What the ReserveStock command needs; tests pass in-memory fakes. */
export interface ReserveStockCommandDeps {
  readonly reservations: Pick<ReservationRepository, 'reserve'>;
  readonly clock: Clock;
  readonly logger: Pick<LogSink, 'info'>;
  readonly metrics: MetricSink;
}

/**
 * The `ReserveStock` saga command, invoked by the order saga (Step Functions `lambda:invoke`; the
 * payload is a `ReserveStockInput`, the result a `ReserveStockResult`). Errors reach the saga by
 * their `name`: `OutOfStockError` (business: caught, order cancelled), `StockContentionError`
 * (transient: retried), `ValidationError` (a payload that breaks the contract: a bug, not retried).
 */
export const createReserveStockCommand = (deps: ReserveStockCommandDeps) =>
  createSagaCommand(
    {
      payload: 'ReserveStock',
      schema: ReserveStockInputSchema,
      run: (input) => reserveStock(deps, input),
      report: (result, input) => ({
        metric: 'StockReserved',
        message: 'Stock reserved',
        fields: { orderId: input.orderId, lines: result.lines },
      }),
      refused: (error, input) =>
        error instanceof OutOfStockError
          ? {
              metric: 'StockReservationRefused',
              message: 'Stock reservation refused: out of stock',
              fields: { orderId: input.orderId, skus: error.skus },
            }
          : undefined,
    },
    deps,
  );

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({ env: INVENTORY_ENV, clients: { db: documentClient } });

/** Lambda entry point: ReserveStock with the shop's observability (correlation id from the payload). */
export const handler = withObservability(
  createReserveStockCommand({
    reservations: new DynamoReservationRepository(clients.db, env.tableName),
    clock: systemClock,
    logger,
    metrics,
  }),
  { observability },
);
