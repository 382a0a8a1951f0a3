import { createLogger } from '../log';
import { DynamoDbLocal, OWN_DYNAMODB_ACCESS_KEY_ID } from './dynamodb-local';

describe('DynamoDbLocal.external', () => {
  const logger = createLogger({ level: 'error' });

  it('takes a DynamoDB Local on this machine, with an access key of its own for each start', () => {
    const first = DynamoDbLocal.external('http://localhost:8123', logger);
    const second = DynamoDbLocal.external('http://127.0.0.1:8123/', logger);
    expect([first.endpoint, first.port, first.external, first.pid]).toEqual(['http://127.0.0.1:8123', 8123, true, undefined]);
    expect(second.endpoint).toBe('http://127.0.0.1:8123');
    expect(first.accessKeyId).toMatch(/^LOCAL[0-9A-F]{16}$/);
    expect(first.accessKeyId).not.toBe(second.accessKeyId);
    expect(first.accessKeyId).not.toBe(OWN_DYNAMODB_ACCESS_KEY_ID);
  });

  it.each(['https://127.0.0.1:8000', 'http://10.0.0.5:8000', 'http://127.0.0.1', 'not a url'])(
    'refuses %s, naming the variable',
    (endpoint) => {
      expect(() => DynamoDbLocal.external(endpoint, logger)).toThrow(/LOCAL_CLOUD_DYNAMODB_ENDPOINT/);
    },
  );

  it('says so when nothing answers as DynamoDB Local there by the deadline', async () => {
    await expect(DynamoDbLocal.external('http://127.0.0.1:1', logger).ready(300)).rejects.toThrow(
      /no DynamoDB Local answers at http:\/\/127.0.0.1:1/,
    );
  });
});
