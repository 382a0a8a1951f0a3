import { ValidationError, type FieldIssue } from '@shop/domain';

/**
 * The request body is not JSON. Like every error of `@shop/http` it is a `@shop/domain` error
 * (here a {@link ValidationError}), so the one problem mapper turns it into a 400.
 */
export class MalformedJsonError extends ValidationError {
  constructor(options?: ErrorOptions) {
    const issues: FieldIssue[] = [{ field: 'body', message: 'The body must be valid JSON.' }];
    super(issues, 'The request body is not valid JSON.', options);
    this.name = 'MalformedJsonError';
  }
}
