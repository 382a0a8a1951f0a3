/** Messages between a function pool (main thread) and a Lambda worker thread. */

export interface WorkerInit {
  codeDir: string;
  handler: string;
  functionName: string;
  functionArn: string;
  memorySize: number;
  logGroupName: string;
  logStreamName: string;
  /** What of the function's own output reaches the local cloud's log (filtered here, before it crosses threads). */
  functionLogs: 'all' | 'errors' | 'none' | 'json';
  /** Where V8's code cache of loaded modules is kept between instances and runs (none: no cache). */
  compileCacheDir?: string;
  /** The function's layers merged (what Lambda has under `/opt`): `/opt/...` module paths are read from here. */
  optDir?: string;
}

/** The error payload Lambda returns for a failed invocation. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export interface WorkerRequest {
  id: number;
  requestId: string;
  traceId: string;
  /** Absolute time (ms since epoch) the invocation times out. */
  deadline: number;
  /** The event as JSON text: Lambda events are JSON, and so are results. */
  event: string;
}

export type WorkerResponse =
  | { type: 'ready'; initDurationMs: number }
  | { type: 'init-error'; error: LambdaErrorPayload }
  | { type: 'result'; id: number; payload?: string; error?: LambdaErrorPayload };
