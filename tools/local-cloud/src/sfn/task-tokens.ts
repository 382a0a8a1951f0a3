import { randomBytes } from 'node:crypto';

/** An error the Step Functions API answers for a callback call (`TaskDoesNotExist`, `TaskTimedOut`, `InvalidOutput`). */
export class TaskTokenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** How a callback task ended other than with SendTaskSuccess: the error and cause its state's Retry and Catch see. */
export class TaskCallbackFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

interface Waiter {
  resolve: (output: unknown) => void;
  reject: (failure: TaskCallbackFailure) => void;
  heartbeatMs?: number;
  timer?: NodeJS.Timeout;
  /** The state machine whose task holds the token (IAM checks callbacks on it). */
  owner?: string;
}

/** One task waiting for its token (`.waitForTaskToken`). */
export interface IssuedToken {
  token: string;
  /** Settles with SendTaskSuccess's output (parsed), or rejects with SendTaskFailure's error or States.HeartbeatTimeout. */
  result: Promise<unknown>;
  /** The task is over another way (the execution stopped, the state timed out): the token is no longer valid, `result` rejects. */
  cancel(reason?: string): void;
}

/** Tokens that are done are remembered (bounded) so that a late call answers TaskTimedOut rather than TaskDoesNotExist. */
const DONE_TOKENS_KEPT = 10_000;

/**
 * The task tokens of Step Functions' callback pattern: a `.waitForTaskToken` task gets a token
 * (`$$.Task.Token`) and waits until SendTaskSuccess or SendTaskFailure names it; with
 * `HeartbeatSeconds`, it fails with `States.HeartbeatTimeout` when no SendTaskHeartbeat (or
 * result) comes within that time, as Step Functions does.
 */
export class TaskTokens {
  private readonly waiting = new Map<string, Waiter>();
  private readonly done = new Set<string>();

  /** The state machine ARN a waiting token was issued for (undefined: unknown or done). */
  ownerOf(token: string): string | undefined {
    return this.waiting.get(token)?.owner;
  }

  issue(options: { heartbeatSeconds?: number; owner?: string } = {}): IssuedToken {
    const token = randomBytes(48).toString('base64url');
    const result = new Promise<unknown>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        heartbeatMs: options.heartbeatSeconds ? options.heartbeatSeconds * 1000 : undefined,
        owner: options.owner,
      };
      this.waiting.set(token, waiter);
      this.arm(token, waiter);
    });
    // A task abandoned with its execution leaves nobody to catch the rejection.
    result.catch(() => undefined);
    return {
      token,
      result,
      cancel: (reason = 'the task is over') => {
        const waiter = this.waiting.get(token);
        this.finish(token);
        waiter?.reject(new TaskCallbackFailure('States.Runtime', reason));
      },
    };
  }

  /** SendTaskSuccess: `output` is JSON text. */
  succeed(token: string, output: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new TaskTokenError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    this.take(token).resolve(parsed);
  }

  /** SendTaskFailure. */
  fail(token: string, error = '', cause = ''): void {
    this.take(token).reject(new TaskCallbackFailure(error, cause));
  }

  /** SendTaskHeartbeat: the heartbeat timeout starts again. */
  heartbeat(token: string): void {
    const waiter = this.lookup(token);
    this.arm(token, waiter);
  }

  private arm(token: string, waiter: Waiter): void {
    clearTimeout(waiter.timer);
    if (waiter.heartbeatMs === undefined) return;
    const heartbeatMs = waiter.heartbeatMs;
    waiter.timer = setTimeout(() => {
      this.finish(token);
      waiter.reject(new TaskCallbackFailure('States.HeartbeatTimeout', `no heartbeat for ${heartbeatMs / 1000} seconds`));
    }, heartbeatMs);
    waiter.timer.unref();
  }

  private lookup(token: string): Waiter {
    const waiter = this.waiting.get(token);
    if (waiter) return waiter;
    if (this.done.has(token)) throw new TaskTokenError('TaskTimedOut', 'Task Timed Out: the task is already over');
    throw new TaskTokenError('TaskDoesNotExist', 'Task Does Not Exist: no task waits for this token');
  }

  private take(token: string): Waiter {
    const waiter = this.lookup(token);
    this.finish(token);
    return waiter;
  }

  private finish(token: string): void {
    const waiter = this.waiting.get(token);
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiting.delete(token);
    this.done.add(token);
    if (this.done.size > DONE_TOKENS_KEPT) this.done.delete(this.done.values().next().value as string);
  }
}
