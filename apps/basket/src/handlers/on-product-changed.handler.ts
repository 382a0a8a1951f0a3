import { documentClient } from '@shop/dynamodb';
import { createSqsConsumer, type MessageLogger } from '@shop/messaging';
import { coldStart, MetricUnit, pickEnv, withObservability, type LogSink, type MetricSink } from '@shop/observability';
import { ProductChangedSchema } from '@shop/product-contracts';
import { DynamoPriceCatalog } from '../adapters/price-catalog.repository';
import { BASKET_ENV } from '../config/env';
import { applyProductChange } from '../domain/apply-product-change.use-case';
import type { PriceCatalog } from '../domain/ports';

/** What the ProductChanged consumer needs; tests pass fakes. */
export interface ProductChangedConsumerDeps {
  readonly catalog: Pick<PriceCatalog, 'apply'>;
  readonly logger: MessageLogger & Pick<LogSink, 'info'>;
  readonly metrics: MetricSink;
}

/**
 * Keeps the price read model in step with the catalog: each `ProductChanged` from the product
 * topic (through basket's own queue, filter `type = ProductChanged`) is applied when it is newer
 * than what is stored and ignored otherwise, so redeliveries and out-of-order events are harmless
 * without an idempotency record. A message that does not match the contract fails (retried, then
 * dead-lettered); the rest of the batch goes on.
 */
export const createProductChangedConsumer = (deps: ProductChangedConsumerDeps) =>
  createSqsConsumer({
    schema: ProductChangedSchema,
    logger: deps.logger,
    metrics: deps.metrics,
    handle: async (event) => {
      const outcome = await applyProductChange({ catalog: deps.catalog }, event);
      deps.metrics.addMetric(outcome === 'applied' ? 'PriceModelUpdated' : 'StaleProductChangeIgnored', MetricUnit.Count, 1);
      deps.logger.info(outcome === 'applied' ? 'Price read model updated' : 'Ignored an older or duplicate ProductChanged', {
        eventId: event.id,
        sku: event.data.product.sku,
        change: event.data.change,
        productVersion: event.data.product.version,
      });
    },
  });

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: pickEnv(BASKET_ENV, 'tableName'),
  clients: { db: documentClient },
});

/** Lambda entry point: the ProductChanged consumer with the shop's observability. */
export const handler = withObservability(
  createProductChangedConsumer({ catalog: new DynamoPriceCatalog(clients.db, env.tableName), logger, metrics }),
  // A batch has no single correlation id: the consumer sets each event's own.
  { observability, correlationId: () => undefined },
);
