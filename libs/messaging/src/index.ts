/**
 * @shop/messaging: how the shop's services talk asynchronously. Events go to the producer's SNS
 * topic ({@link SnsEventPublisher}, or a table-stream {@link createOutboxRelay}); commands go to the
 * owner's SQS queue ({@link SqsCommandSender}); consumers read their own queue in batches with
 * partial failures ({@link createSqsConsumer}), parse every message with its contract schema,
 * carry the envelope's correlation id into their logs and can be made idempotent in the service
 * table ({@link makeIdempotentMessageHandler}). Every message carries the `type` attribute that
 * subscription filter policies match on.
 */
export * from './errors';
export * from './message-attributes';
export * from './message-body';
export * from './sns-event-publisher';
export * from './sqs-command-sender';
export * from './idempotency';
export * from './sqs-consumer';
export * from './outbox-relay';
