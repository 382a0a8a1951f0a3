import type { FieldIssue } from '@shop/domain';

/** Base class of every error `@shop/messaging` raises. */
export class MessagingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MessagingError';
  }
}

/** A message body is not JSON (or an SNS notification whose `Message` is not JSON). */
export class MalformedMessageError extends MessagingError {
  constructor(
    /** SQS message id of the offending record. */
    readonly messageId: string,
    options?: ErrorOptions,
  ) {
    super(`Message ${messageId} is not valid JSON.`, options);
    this.name = 'MalformedMessageError';
  }
}

/**
 * A message does not satisfy its contract schema. The record is reported as failed, so it is
 * retried and, after the queue's `maxReceiveCount`, lands in the dead-letter queue.
 */
export class MessageValidationError extends MessagingError {
  constructor(
    /** SQS message id of the offending record. */
    readonly messageId: string,
    /** Every bad field (dotted paths), never the values. */
    readonly issues: readonly FieldIssue[],
    options?: ErrorOptions,
  ) {
    super(`Message ${messageId} does not match its contract: ${issues.map((issue) => issue.field || '(root)').join(', ')}.`, options);
    this.name = 'MessageValidationError';
  }
}
