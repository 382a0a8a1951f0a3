import type { InvokeOutcome } from '../lambda/function-pool';

/**
 * Which records of a batch failed, as Lambda reads a partial batch response
 * (`{ batchItemFailures: [{ itemIdentifier }] }`) when the mapping has
 * `FunctionResponseTypes: [ReportBatchItemFailures]`:
 * - the invocation failed -> every record failed;
 * - no report, an empty or null list -> every record succeeded;
 * - an identifier that is null, empty or not in the batch -> every record failed.
 */
export function failedIdentifiers(outcome: InvokeOutcome, identifiers: string[], reportBatchItemFailures: boolean): Set<string> {
  if (!outcome.ok) return new Set(identifiers);
  if (!reportBatchItemFailures) return new Set();
  const payload = outcome.payload as { batchItemFailures?: unknown } | null;
  const failures = payload?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return new Set(identifiers);
  const known = new Set(identifiers);
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !id || !known.has(id)) return new Set(identifiers);
    failed.add(id);
  }
  return failed;
}

/** The correlation id of a message or record, for the log line: `correlationId` in the body or the SNS envelope. */
export function correlationIdOf(text: string | undefined): string | undefined {
  if (!text || !text.includes('correlationId')) return undefined;
  try {
    const parsed = JSON.parse(text) as { correlationId?: unknown; Message?: unknown };
    if (typeof parsed.correlationId === 'string') return parsed.correlationId;
    if (typeof parsed.Message === 'string') return correlationIdOf(parsed.Message);
  } catch {
    // Not JSON: no correlation id to show.
  }
  return undefined;
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    // the listener goes with the timer: a poller sleeps thousands of times on one signal
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
