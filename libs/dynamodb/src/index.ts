/**
 * @shop/dynamodb: the DynamoDB document client factory and the repository helpers every service
 * uses: composite keys, conditional create, optimistic locking on `version`, opaque page cursors,
 * transaction cancellation reasons and the retry policy for transactions cancelled by conflicts.
 * Errors are typed ({@link DynamoDbError} and subclasses); adapters translate them into domain errors.
 */
export * from './errors';
export * from './client';
export * from './keys';
export * from './cursor';
export * from './conditional-writes';
export * from './query-page';
export * from './transactions';
