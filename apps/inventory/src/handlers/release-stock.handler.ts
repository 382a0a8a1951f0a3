import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseOrThrow } from '@shop/domain';
import { createDocumentClient } from '@shop/dynamodb';
import { ReleaseStockInputSchema, type ReleaseStockResult } from '@shop/inventory-contracts';
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
export const createReleaseStockCommand =
  (deps: ReleaseStockCommandDeps) =>
  async (event: unknown): Promise<ReleaseStockResult> => {
    const input = parseOrThrow(ReleaseStockInputSchema, event, 'The ReleaseStock payload is not valid.');
    const result = await releaseStock(deps, input);
    if (result.released) deps.metrics.addMetric('StockReleased', MetricUnit.Count, 1);
    deps.logger.info(result.released ? 'Stock released' : 'Nothing to release', { orderId: input.orderId, lines: result.lines });
    return result;
  };

// Cold start: configuration and clients are built once per execution environment.
const observability = createObservability();
const tableName = requireEnv('TABLE_NAME');
const documentClient = createDocumentClient({
  client: observability.tracer.captureAWSv3Client(new DynamoDBClient({})),
});

/** Lambda entry point: ReleaseStock with the shop's observability (correlation id from the payload). */
export const handler = withObservability(
  createReleaseStockCommand({
    reservations: new DynamoReservationRepository(documentClient, tableName),
    clock: systemClock,
    logger: observability.logger,
    metrics: observability.metrics,
  }),
  { observability },
);
