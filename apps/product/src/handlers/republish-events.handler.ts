import { SNSClient } from '@aws-sdk/client-sns';
import { parseOperatorPayload } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import {
  awsClient,
  coldStart,
  MetricUnit,
  resolveCorrelationId,
  withObservability,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import type { ProductChanged } from '@shop/product-contracts';
import type { Context } from 'aws-lambda';
import { createProductChangedPublisher } from '../adapters/product-changed.publisher';
import { DynamoProductRepository } from '../adapters/product.repository';
import { PRODUCT_ENV } from '../config/env';
import type { ProductChangedPublisher, ProductRepository } from '../domain/ports';
import { republishCatalog, RepublishCatalogInputSchema } from '../domain/republish-catalog.use-case';

/** What the catalog replay needs; tests pass fakes. */
export interface CatalogRepublisherDeps {
  readonly products: Pick<ProductRepository, 'listAll'>;
  readonly publisher: ProductChangedPublisher;
  readonly logger: Pick<LogSink, 'info' | 'debug'>;
  readonly metrics: MetricSink;
  /** @default REPUBLISH_PAGE_SIZE */
  readonly pageSize?: number;
  /** @default REPUBLISH_TIME_RESERVE_MS */
  readonly timeReserveMs?: number;
}

/** What an invocation answers: resume with `{ "cursor": nextCursor, "correlationId": correlationId }` while `nextCursor` is there. */
export interface RepublishCatalogOutput {
  readonly published: number;
  readonly nextCursor?: string;
  readonly correlationId: string;
}

const parseInput = (event: unknown) =>
  parseOperatorPayload(RepublishCatalogInputSchema, event, {
    name: 'republish-catalog',
    expected: '{ "cursor"?, "maxItems"?, "correlationId"? }',
  });

/**
 * The operator's catalog replay (`aws lambda invoke`, not behind the API): publishes a
 * `ProductChanged` (`updated`, current state) for every product of the table through the same
 * publisher as the outbox relay, one run per invocation, and answers
 * `{ published, nextCursor?, correlationId }`; the operator re-invokes with the cursor until
 * none is returned. See `republishCatalog` and the README's "Republishing the catalog".
 * The run's correlation id is the payload's `correlationId`, else a new one (the one on every log line).
 * @throws ValidationError when the payload is not `{ cursor?, maxItems?, correlationId? }`.
 */
export const createCatalogRepublisher =
  (deps: CatalogRepublisherDeps) =>
  async (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<RepublishCatalogOutput> => {
    const input = parseInput(event);
    // Same id as the observability middleware put on the logs (resolved once per event object).
    const correlationId = input.correlationId ?? resolveCorrelationId(event);
    deps.logger.info('Republishing the catalog', { cursor: input.cursor, maxItems: input.maxItems });

    const publisher: ProductChangedPublisher = {
      publish: async (event: ProductChanged) => {
        await deps.publisher.publish(event);
        deps.metrics.addMetric('ProductChangedRepublished', MetricUnit.Count, 1);
        deps.logger.debug('Republished ProductChanged', {
          eventId: event.id,
          sku: event.data.product.sku,
          productVersion: event.data.product.version,
        });
      },
    };
    const result = await republishCatalog(
      {
        products: deps.products,
        publisher,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        pageSize: deps.pageSize,
        timeReserveMs: deps.timeReserveMs,
      },
      { cursor: input.cursor, maxItems: input.maxItems, correlationId },
    );

    deps.logger.info(
      result.nextCursor === undefined ? 'Republished the catalog to its end' : 'Republished part of the catalog: re-invoke with the cursor',
      {
        published: result.published,
        stoppedBy: result.stoppedBy,
        nextCursor: result.nextCursor,
      },
    );
    return result.nextCursor === undefined
      ? { published: result.published, correlationId }
      : { published: result.published, nextCursor: result.nextCursor, correlationId };
  };

// Cold start: configuration and clients are built once per execution environment.
const { observability, logger, metrics, env, clients } = coldStart({
  env: PRODUCT_ENV,
  clients: { db: documentClient, sns: awsClient(SNSClient) },
});

/** Lambda entry point: the catalog replay with the shop's observability (correlation id from the payload, else new). */
export const handler = withObservability(
  createCatalogRepublisher({
    products: new DynamoProductRepository(clients.db, env.tableName),
    publisher: createProductChangedPublisher(clients.sns, env.topicArn),
    logger,
    metrics,
  }),
  { observability },
);
