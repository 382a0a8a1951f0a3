import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseOrThrow } from '@shop/domain';
import { createDocumentClient } from '@shop/dynamodb';
import { OutOfStockError, ReserveStockInputSchema, type ReserveStockResult } from '@shop/inventory-contracts';
import {
  createObservability,
  MetricUnit,
  requireEnv,
  withObservability,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import { DynamoReservationRepository } from '../adapters/reservation.repository';
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
export const createReserveStockCommand =
  (deps: ReserveStockCommandDeps) =>
  async (event: unknown): Promise<ReserveStockResult> => {
    const input = parseOrThrow(ReserveStockInputSchema, event, 'The ReserveStock payload is not valid.');
    try {
      const result = await reserveStock(deps, input);
      deps.metrics.addMetric('StockReserved', MetricUnit.Count, 1);
      deps.logger.info('Stock reserved', { orderId: input.orderId, lines: result.lines });
      return result;
    } catch (error) {
      if (error instanceof OutOfStockError) {
        deps.metrics.addMetric('StockReservationRefused', MetricUnit.Count, 1);
        deps.logger.info('Stock reservation refused: out of stock', { orderId: input.orderId, skus: error.skus });
      }
      throw error;
    }
  };

// Cold start: configuration and clients are built once per execution environment.
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const documentClient = createDocumentClient({
  client: observability.tracer.captureAWSv3Client(new DynamoDBClient({})),
});

/** Lambda entry point: ReserveStock with the shop's observability (correlation id from the payload). */
export const handler = withObservability(
  createReserveStockCommand({
    reservations: new DynamoReservationRepository(documentClient, tableName),
    clock: systemClock,
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  { observability },
);
