/**
 * @shop/messaging: how the shop's services talk asynchronously. Events go to the producer's SNS
 * topic ({@link SnsEventPublisher}, or a table-stream {@link createOutboxRelay}); commands go to the
 * owner's SQS queue ({@link SqsCommandSender}); consumers read their own queue in batches with
 * partial failures ({@link createSqsConsumer}), parse every message with its contract schema and
 * carry the envelope's correlation id into their logs. Every message carries the `type` attribute
 * that subscription filter policies match on.
 *
 * A consumer is made idempotent in the service table (`createSqsConsumer`'s `idempotency` option)
 * with `createMessageIdempotency`, `ServiceTableIdempotencyStore` and `makeIdempotentMessageHandler`,
 * imported from the secondary entry point `@shop/messaging/idempotency` (`src/idempotency.ts`), not
 * from this barrel: the libs are not marked side-effect free, so anything re-exported here lands in
 * every bundle that imports `@shop/messaging`, and Powertools idempotency (with its JMESPath engine)
 * belongs only in the bundles of the consumers that use it.
 */
export * from './errors';
export * from './message-attributes';
export * from './message-body';
export * from './sns-event-publisher';
export * from './sqs-command-sender';
export * from './sqs-consumer';
export * from './outbox-relay';
