import { randomUUID } from 'node:crypto';
import { lambdaArn } from '../assembly/naming';
import type { Logger } from '../log';
import type { InvokeOptions, InvokeOutcome } from './function-pool';

/** How Lambda retries a function's asynchronous invocations and where their outcome goes. */
export interface AsyncInvokeConfig {
  /** Retries after the first attempt (0-2; Lambda's default 2). */
  maximumRetryAttempts: number;
  /** An event older than this is not tried again (60-21600 s; default 21600). */
  maximumEventAgeSeconds: number;
  /** Destinations (SQS, SNS, Lambda or EventBridge ARNs) for the invocation record. */
  onSuccess?: string;
  onFailure?: string;
  /** The function's dead-letter queue or topic (`DeadLetterConfig`), used when there is no OnFailure destination. */
  deadLetterArn?: string;
}

export const LAMBDA_ASYNC_DEFAULTS = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 };

export interface AsyncInvokerDeps {
  /** Runs one invocation; undefined when the function does not exist. */
  invoke: (functionName: string, payload: unknown, options: InvokeOptions) => Promise<InvokeOutcome | undefined>;
  exists: (functionName: string) => boolean;
  configOf: (functionName: string) => AsyncInvokeConfig;
  /** Sends a record (JSON) to a destination ARN; message attributes for a dead-letter queue. */
  sendToDestination: (arn: string, payload: unknown, attributes?: Record<string, string>) => Promise<void>;
  logger: Logger;
  /** Delay before retry `attempt` (1-based): Lambda waits about 1 minute, then 2 (scaled down by tests). */
  retryDelayMs?: (attempt: number) => number;
  /** Delay before trying a throttled event again (Lambda keeps it until its maximum age). */
  throttleDelayMs?: number;
}

/** Lambda refuses an asynchronous invocation of a function that does not exist. */
export class FunctionNotFoundError extends Error {
  constructor(functionName: string) {
    super(`Function not found: ${lambdaArn(functionName)}`);
    this.name = 'ResourceNotFoundException';
  }
}

/**
 * Lambda's asynchronous invocation (`InvocationType: Event`, EventBridge, SNS... targets): the
 * event is accepted at once, then run; a failed attempt (error, crash, timeout) is tried again up
 * to MaximumRetryAttempts times with Lambda's delays, a throttled one until its maximum age; then
 * the OnFailure destination gets an invocation record, or else the dead-letter queue the event,
 * or else it is dropped with a warning, as Lambda does. OnSuccess gets the record of a success.
 */
export class AsyncInvoker {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: AsyncInvokerDeps) {}

  /** Accepts an event (Lambda's 202); throws {@link FunctionNotFoundError} when there is no such function. */
  accept(functionName: string, payload: unknown, source: string): { requestId: string } {
    if (!this.deps.exists(functionName)) throw new FunctionNotFoundError(functionName);
    const requestId = randomUUID();
    this.attempt({ functionName, payload, source, requestId, acceptedAt: Date.now(), attempts: 0 });
    return { requestId };
  }

  /** Waits until nothing is running or waiting for a retry (tests). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Drops pending retries (the local cloud is stopping). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private attempt(event: PendingEvent): void {
    if (this.stopped) return;
    const run = this.run(event).catch((error: Error) => this.deps.logger.warn(`async ${event.functionName}: ${error.message}`));
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private later(delayMs: number, event: PendingEvent): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(event);
    }, delayMs);
    this.timers.add(timer);
  }

  private async run(event: PendingEvent): Promise<void> {
    const config = this.deps.configOf(event.functionName);
    const outcome = await this.deps.invoke(event.functionName, event.payload, { requestId: event.requestId, source: event.source });
    const ageSeconds = (Date.now() - event.acceptedAt) / 1000;
    if (outcome?.ok) {
      if (config.onSuccess) await this.deps.sendToDestination(config.onSuccess, this.record(event, outcome, 'Success', event.attempts + 1));
      return;
    }
    const throttled = outcome?.kind === 'throttled';
    if (!throttled) event.attempts += 1;
    const failure = outcome?.error ?? {
      errorType: 'ResourceNotFoundException',
      errorMessage: `Function not found: ${lambdaArn(event.functionName)}`,
    };
    const ageLeft = ageSeconds < config.maximumEventAgeSeconds;
    if (outcome && ageLeft && (throttled || event.attempts <= config.maximumRetryAttempts)) {
      const delay = throttled
        ? (this.deps.throttleDelayMs ?? 1000)
        : (this.deps.retryDelayMs ?? ((attempt) => attempt * 60_000))(event.attempts);
      this.deps.logger.line(
        'λ',
        `${event.functionName}: async invocation failed (${failure.errorType}); retry ${throttled ? '(throttled)' : `${event.attempts}/${config.maximumRetryAttempts}`} in ${delay} ms`,
      );
      this.later(delay, event);
      return;
    }
    const condition = ageLeft ? 'RetriesExhausted' : 'EventAgeExceeded';
    if (config.onFailure) {
      await this.deps.sendToDestination(config.onFailure, this.record(event, outcome, condition, event.attempts));
    } else if (config.deadLetterArn) {
      await this.deps.sendToDestination(config.deadLetterArn, event.payload, {
        RequestID: event.requestId,
        ErrorCode: '200',
        ErrorMessage: failure.errorMessage,
      });
    } else {
      this.deps.logger.warn(
        `async ${event.functionName}: event ${event.requestId} dropped after ${event.attempts} attempt(s) (${condition}; the function has no OnFailure destination or dead-letter queue)`,
      );
      return;
    }
    this.deps.logger.line(
      'λ',
      `${event.functionName}: async event ${event.requestId} sent to ${config.onFailure ?? config.deadLetterArn} (${condition})`,
    );
  }

  /** The invocation record Lambda sends to a destination. */
  private record(event: PendingEvent, outcome: InvokeOutcome | undefined, condition: string, invokeCount: number) {
    return {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: event.requestId,
        functionArn: `${lambdaArn(event.functionName)}:$LATEST`,
        condition,
        approximateInvokeCount: invokeCount,
      },
      requestPayload: event.payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(outcome?.ok ? {} : { functionError: 'Unhandled' }) },
      responsePayload: outcome?.ok ? outcome.payload : outcome?.error,
    };
  }
}

interface PendingEvent {
  functionName: string;
  payload: unknown;
  source: string;
  requestId: string;
  acceptedAt: number;
  /** Attempts that failed (throttles do not count). */
  attempts: number;
}
