/** Base class of every error raised by `@shop/emulators`. */
export class EmulatorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmulatorError';
  }
}

/** Java (17 or newer), which DynamoDB Local needs, is not on the PATH. */
export class JavaNotFoundError extends EmulatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JavaNotFoundError';
  }
}

/**
 * DynamoDB Local did not start: no release in the package, the launcher did not compile, it exited
 * early or did not answer in time, or another live process owns its pid file.
 */
export class DynamoDbLocalStartError extends EmulatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoDbLocalStartError';
  }
}

/** The pid file of a DynamoDB Local belongs to another process that is still running. */
export class PidFileInUseError extends DynamoDbLocalStartError {
  constructor(
    message: string,
    /** Process id of the owner that still runs. */
    readonly ownerPid: number,
  ) {
    super(message);
    this.name = 'PidFileInUseError';
  }
}
