/**
 * Transactions (`TransactWriteItems`): reading a `TransactionCanceledException` and retrying one.
 * DynamoDB lists one cancellation reason per item of the transaction, in request order (`None`
 * for an item that did not fail), so the caller can tell which condition failed and whether the
 * cancellation was only a conflict with another transaction (worth retrying, with
 * {@link TransactionRetryPolicy}).
 */

/** One reason code per transaction item (`None`, `ConditionalCheckFailed`, `TransactionConflict`...). */
export type CancellationCode = string;

/** Codes that mean "nothing was wrong with the request: try again" (concurrency or capacity). */
export const RETRYABLE_CANCELLATION_CODES: ReadonlySet<CancellationCode> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/**
 * The reason code of each item when `error` is a `TransactionCanceledException` (matched by name,
 * so duplicate SDK copies still match); `undefined` for any other error.
 */
export const cancellationCodes = (error: unknown): CancellationCode[] | undefined => {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
};

/** Whether a cancellation is worth retrying: no condition failed, and some item met a conflict or throttling. */
export const isRetryableCancellation = (codes: readonly CancellationCode[]): boolean =>
  !codes.includes('ConditionalCheckFailed') && codes.some((code) => RETRYABLE_CANCELLATION_CODES.has(code));

/** How a repository retries transactions cancelled by conflicts. */
export interface TransactionRetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Waits before attempt `attempt + 1` (attempt counts from 1). */
  delayMs(attempt: number): number;
  /** How to wait (tests pass one that does not). */
  sleep(ms: number): Promise<void>;
}

/**
 * Up to 8 attempts with "full jitter" exponential backoff (a random wait up to 10 ms, 20 ms, 40
 * ms... capped at 500 ms): concurrent reservations of the same sku spread out instead of colliding
 * again in lock step.
 */
export const DEFAULT_TRANSACTION_RETRY: TransactionRetryPolicy = {
  maxAttempts: 8,
  delayMs: (attempt) => Math.random() * Math.min(500, 10 * 2 ** (attempt - 1)),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
