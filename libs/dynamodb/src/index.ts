/**
 * @shop/dynamodb: the DynamoDB document client factory and the repository helpers every service
 * uses: composite keys, conditional create, optimistic locking on `version`, opaque page cursors.
 * Errors are typed ({@link DynamoDbError} and subclasses); adapters translate them into domain errors.
 */
export * from './errors';
export * from './client';
export * from './keys';
export * from './cursor';
export * from './conditional-writes';
export * from './query-page';
