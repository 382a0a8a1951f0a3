/**
 * @shop/testing: shared test fixtures. DynamoDB Local for Jest integration runs (global setup and
 * teardown, per-file tables), a fake Lambda context and sample API Gateway, SQS, SNS and DynamoDB
 * stream events, a queue subscribed to a topic on fauxqs, and unsetting an environment variable for a cold-start test. Test code only:
 * never imported by Lambda code.
 */
export * from './errors';
export * from './lambda-context';
export * from './process-env';
export * from './events';
export * from './dynamodb-local/environment';
export * from './dynamodb-local/test-table';
export * from './fauxqs/environment';
export * from './fauxqs/topic-subscriber';
