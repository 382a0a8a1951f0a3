import { SNSClient } from '@aws-sdk/client-sns';
import { parseOperatorPayload } from '@shop/domain';
import { documentClient } from '@shop/dynamodb';
import {
  awsClient,
  coldStart,
  createOperatorReplay,
  withObservability,
  type OperatorReplayHandler,
  type LogSink,
  type MetricSink,
} from '@shop/observability';
import type { ProductChanged } from '@shop/product-contracts';
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
  /** @default REPLAY_PAGE_SIZE (of `@shop/domain`) */
  readonly pageSize?: number;
  /** @default REPLAY_TIME_RESERVE_MS (of `@shop/domain`) */
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
export const createCatalogRepublisher = (deps: CatalogRepublisherDeps): OperatorReplayHandler<RepublishCatalogOutput> =>
  createOperatorReplay(
    {
      parse: parseInput,
      starting: ['Republishing the catalog', (input) => ({ cursor: input.cursor, maxItems: input.maxItems })],
      eventFields: (event: ProductChanged) => ({ sku: event.data.product.sku, productVersion: event.data.product.version }),
      run: (input, { publish, correlationId, remainingTimeMs }) =>
        republishCatalog(
          { products: deps.products, publisher: { publish }, remainingTimeMs, pageSize: deps.pageSize, timeReserveMs: deps.timeReserveMs },
          { cursor: input.cursor, maxItems: input.maxItems, correlationId },
        ),
      finished: ['Republished the catalog to its end', 'Republished part of the catalog: re-invoke with the cursor'],
      details: () => ({ log: {}, output: {} }),
    },
    (event) => deps.publisher.publish(event),
    deps,
  );

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
