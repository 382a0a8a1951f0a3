/** Base class of every error raised by `@shop/testing`. */
export class TestingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TestingError';
  }
}

/**
 * A test helper that needs DynamoDB Local ran without its endpoint in the environment
 * (the test file is not run by an integration Jest config with the DynamoDB Local global setup).
 * Raised instead of falling through to a real AWS endpoint.
 */
export class DynamoDbLocalNotConfiguredError extends TestingError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoDbLocalNotConfiguredError';
  }
}
