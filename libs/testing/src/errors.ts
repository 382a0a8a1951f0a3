/** Base class of every error raised by `@shop/testing`. */
export class TestingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TestingError';
  }
}

/** Java (17 or newer), which DynamoDB Local needs, is not on the PATH. */
export class JavaNotFoundError extends TestingError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JavaNotFoundError';
  }
}

/** DynamoDB Local did not start (exited early, or did not answer in time). */
export class DynamoDbLocalStartError extends TestingError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoDbLocalStartError';
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
