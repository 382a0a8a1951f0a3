import { DynamoDbLocalNotConfiguredError } from '../errors';

/**
 * Fake credentials and region for DynamoDB Local. It accepts any credentials; fixed ones keep every
 * worker on the same (non-shared) database, and real ones never leave the machine.
 */
export const DYNAMODB_LOCAL_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/**
 * Points the AWS SDK of this process, and of every process it starts afterwards (Jest workers),
 * at DynamoDB Local: the standard `AWS_ENDPOINT_URL_DYNAMODB` (and `..._DYNAMODB_STREAMS`) variables
 * plus {@link DYNAMODB_LOCAL_ENV}. Any session token or profile is dropped so that real credentials
 * are never used.
 */
export const exportDynamoDbLocalEnv = (endpoint: string, env: NodeJS.ProcessEnv = process.env): void => {
  Object.assign(env, DYNAMODB_LOCAL_ENV, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoint,
  });
  delete env['AWS_SESSION_TOKEN'];
  delete env['AWS_PROFILE'];
};

/**
 * The DynamoDB Local endpoint exported by the integration global setup.
 * @throws DynamoDbLocalNotConfiguredError when it is not set, so a misconfigured test never
 * reaches a real AWS endpoint.
 */
export const dynamoDbLocalEndpoint = (env: NodeJS.ProcessEnv = process.env): string => {
  const endpoint = env['AWS_ENDPOINT_URL_DYNAMODB'];
  if (!endpoint) {
    throw new DynamoDbLocalNotConfiguredError(
      'AWS_ENDPOINT_URL_DYNAMODB is not set: run this test through a jest.integration.config.cjs whose ' +
        'globalSetup is libs/testing/src/dynamodb-local/global-setup.ts.',
    );
  }
  return endpoint;
};
