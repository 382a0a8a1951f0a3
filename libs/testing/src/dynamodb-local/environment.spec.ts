import { DynamoDbLocalNotConfiguredError } from '../errors';
import { dynamoDbLocalEndpoint, exportDynamoDbLocalEnv } from './environment';

describe('exportDynamoDbLocalEnv', () => {
  it('points the SDK at the endpoint with fake credentials and drops real session settings', () => {
    const env: NodeJS.ProcessEnv = { AWS_SESSION_TOKEN: 'real', AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: 'AKIAREAL', KEEP: 'x' };

    exportDynamoDbLocalEnv('http://127.0.0.1:4567', env);

    expect(env).toEqual({
      KEEP: 'x',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567',
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: 'http://127.0.0.1:4567',
    });
  });
});

describe('dynamoDbLocalEndpoint', () => {
  it('returns the exported endpoint', () => {
    expect(dynamoDbLocalEndpoint({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1' })).toBe('http://127.0.0.1:1');
  });

  it('refuses to go on without one, so tests never reach real AWS', () => {
    expect(() => dynamoDbLocalEndpoint({})).toThrow(DynamoDbLocalNotConfiguredError);
  });
});
