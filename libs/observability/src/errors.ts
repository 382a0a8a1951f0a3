/** Base class of the errors `@shop/observability` raises (all of them configuration problems at cold start). */
export class ObservabilityError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ObservabilityError';
  }
}

/** A required environment variable is missing or empty: the function cannot start. */
export class MissingEnvironmentVariableError extends ObservabilityError {
  constructor(
    readonly variable: string,
    options?: ErrorOptions,
  ) {
    super(`Environment variable ${variable} is required but not set.`, options);
    this.name = 'MissingEnvironmentVariableError';
  }
}

/** A required environment variable is set, but its value is not what the function needs: the function cannot start. */
export class InvalidEnvironmentVariableError extends ObservabilityError {
  constructor(
    readonly variable: string,
    expected: string,
    options?: ErrorOptions,
  ) {
    super(`Environment variable ${variable} must be ${expected}.`, options);
    this.name = 'InvalidEnvironmentVariableError';
  }
}
