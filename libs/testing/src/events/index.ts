export * from './api-gateway';
export * from './sqs';
export * from './sns';
export * from './dynamodb-stream';
