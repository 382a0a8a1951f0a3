/**
 * @shop/messaging/idempotency: consumers made idempotent in the service's own table (Powertools
 * idempotency). A secondary entry point of `@shop/messaging`, not re-exported by its barrel: Powertools
 * idempotency (and its JMESPath engine) then ends up only in the bundles of functions that import
 * this, not in every function that publishes an event or sends a command with `@shop/messaging`.
 *
 * @example
 * import { createSqsConsumer } from '@shop/messaging';
 * import { createMessageIdempotency, ServiceTableIdempotencyStore } from '@shop/messaging/idempotency';
 *
 * createSqsConsumer({
 *   schema: OrderConfirmedSchema,
 *   handle,
 *   logger,
 *   idempotency: createMessageIdempotency({
 *     store: new ServiceTableIdempotencyStore({ tableName, client }),
 *     consumer: 'basket.order-confirmed',
 *     keyPath: 'data.orderId',
 *   }),
 * });
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';

/** Prefix of the partition key of idempotency records in a service table. */
export const IDEMPOTENCY_KEY_PREFIX = 'IDEMPOTENCY#';

/** Sort key of idempotency records in a service table. */
export const IDEMPOTENCY_SORT_KEY = 'IDEMPOTENCY';

/** How long a processed message is remembered: 7 days, longer than any queue's retention (4 days). */
export const DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

/** Options of {@link ServiceTableIdempotencyStore}. */
export interface ServiceTableIdempotencyStoreOptions {
  /** The service's own single table (`pk`/`sk`, TTL on `expiresAt`). */
  readonly tableName: string;
  /**
   * A low-level DynamoDB client (optionally tracer-wrapped), built once per module.
   * @default a new `DynamoDBClient` (endpoint and region from the standard AWS environment)
   */
  readonly client?: DynamoDBClient;
}

/**
 * Powertools idempotency records kept in the service's own single table, one item per key:
 * `pk` = `IDEMPOTENCY#<consumer>#<hash of the key>`, `sk` = `IDEMPOTENCY`, expiry in `expiresAt`
 * (the table's TTL attribute, epoch seconds). Every write is a conditional put, so two deliveries
 * of one message can never both run. No second table, and no hot static partition.
 */
export class ServiceTableIdempotencyStore extends DynamoDBPersistenceLayer {
  constructor(options: ServiceTableIdempotencyStoreOptions) {
    super({
      tableName: options.tableName,
      keyAttr: 'pk',
      expiryAttr: 'expiresAt',
      ...(options.client && { awsSdkV3Client: options.client }),
    });
  }

  protected override getKey(idempotencyKey: string): Record<string, AttributeValue> {
    return { pk: { S: `${IDEMPOTENCY_KEY_PREFIX}${idempotencyKey}` }, sk: { S: IDEMPOTENCY_SORT_KEY } };
  }
}

/** Options of {@link makeIdempotentMessageHandler}. */
export interface MessageIdempotencyOptions {
  /** Where records live: usually a {@link ServiceTableIdempotencyStore} on the service table. One per handler. */
  readonly store: DynamoDBPersistenceLayer;
  /**
   * Stable name of the consumer, e.g. `shipping.order-confirmed`. Prefixes every key, so two
   * consumers of one message stay independent and renaming the Lambda function changes nothing.
   */
  readonly consumer: string;
  /**
   * JMESPath into the parsed message that gives the key: `id` for the envelope id, or a business
   * key such as `data.orderId` (then a second message about the same order is a duplicate too).
   * @default 'id'
   */
  readonly keyPath?: string;
  /** @default {@link DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS} */
  readonly expiresAfterSeconds?: number;
}

/** A message handler made idempotent; see {@link makeIdempotentMessageHandler}. */
export interface IdempotentMessageHandler<M, A extends unknown[], R> {
  /** Runs the handler once per key: a duplicate returns the first result without running it. */
  readonly handle: (message: M, ...rest: A) => Promise<R>;
  /**
   * Gives the idempotency layer the invocation's context, so a record left `INPROGRESS` by a
   * timed-out invocation expires with it instead of blocking retries. Call once per invocation.
   */
  readonly registerLambdaContext: (context: Context) => void;
}

/**
 * Wraps a message handler with Powertools idempotency: the first delivery of a key writes an
 * `INPROGRESS` record (conditional put), runs the handler and stores its JSON result `COMPLETED`;
 * later deliveries return that result without running it. A handler that throws deletes its
 * record, so the retry runs again. A concurrent duplicate fails with
 * `IdempotencyAlreadyInProgressError` (the batch then retries that record later).
 */
export const makeIdempotentMessageHandler = <M, A extends unknown[], R>(
  handler: (message: M, ...rest: A) => Promise<R>,
  options: MessageIdempotencyOptions,
): IdempotentMessageHandler<M, A, R> => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: options.keyPath ?? 'id',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS,
  });
  // Typed loosely for makeIdempotent, whose option type depends on whether argument 2 is a Lambda Context.
  const loose = handler as unknown as (message: unknown, ...rest: unknown[]) => Promise<unknown>;
  const handle = makeIdempotent(loose, {
    persistenceStore: options.store,
    config,
    keyPrefix: options.consumer,
    dataIndexArgument: 0,
  }) as unknown as (message: M, ...rest: A) => Promise<R>;
  return { handle, registerLambdaContext: (context) => config.registerLambdaContext(context) };
};

/**
 * A consumer's idempotency layer: built by {@link createMessageIdempotency} and given to
 * `createSqsConsumer` (option `idempotency`), which wraps its `handle` with it. The consumer only
 * sees this interface, so `@shop/messaging` itself never imports Powertools idempotency.
 */
export interface MessageIdempotency {
  /** Makes `handler` idempotent with this layer's options: {@link makeIdempotentMessageHandler}. */
  readonly wrap: <M, A extends unknown[], R>(handler: (message: M, ...rest: A) => Promise<R>) => IdempotentMessageHandler<M, A, R>;
}

/**
 * The idempotency layer of one consumer, for `createSqsConsumer`'s `idempotency` option: keyed by
 * the envelope id (`keyPath: 'id'`) or a business key (`keyPath: 'data.orderId'`), recorded with a
 * conditional put in the service table (see {@link makeIdempotentMessageHandler}).
 */
export const createMessageIdempotency = (options: MessageIdempotencyOptions): MessageIdempotency => ({
  wrap: (handler) => makeIdempotentMessageHandler(handler, options),
});
