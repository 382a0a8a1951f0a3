import { DynamoDbLocalStartError } from '../errors';
import { isPortTaken } from './start-dynamodb-local';

describe('isPortTaken', () => {
  it.each([
    ['the plain jar', 'DynamoDB Local did not start on port 1: it exited\nCould not start server on port 1: Address in use'],
    [
      'the loopback launcher',
      'DynamoDB Local did not start on port 1: it exited\njava.io.IOException: Failed to bind to /127.0.0.1:1\nCaused by: java.net.BindException: Address already in use',
    ],
  ])('knows the taken port in the words of %s', (_launcher, message) => {
    expect(isPortTaken(new DynamoDbLocalStartError(message))).toBe(true);
  });

  it('leaves every other failure alone', () => {
    expect(isPortTaken(new DynamoDbLocalStartError('DynamoDB Local did not start on port 1: no HTTP answer within 60000 ms\n'))).toBe(
      false,
    );
    expect(isPortTaken(new Error('Address already in use'))).toBe(false);
  });
});
