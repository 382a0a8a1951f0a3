import { randomUUID } from 'node:crypto';
import { delimiter } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Readable } from 'node:stream';
import type { FunctionDef } from '../assembly/model';
import type { FunctionFaults } from '../faults/registry';
import type { Logger } from '../log';
import { missingSdkPackageMessage, providedSdkPackages, unresolvedSdkImports } from './sdk-modules';
import { formatFunctionLog } from '../logs/function-log';
import { randomHex } from '../random';
import { layerNodePath } from './layers';
import type { AwsCallAnswer, AwsCallRequest, LambdaErrorPayload, WorkerInit, WorkerRequest, WorkerResponse } from './protocol';
import type { DirectDynamodbInit } from './dynamodb-direct';

/** How an invocation ended. `kind` says why it failed, as Lambda would tell it apart. */
export interface InvokeOutcome {
  requestId: string;
  ok: boolean;
  /** The function's result (parsed JSON), when ok. */
  payload?: unknown;
  error?: LambdaErrorPayload;
  kind?: 'handled' | 'timeout' | 'crash' | 'init' | 'throttled';
  durationMs: number;
  /** Init duration when this invocation started a new instance. */
  coldStartMs?: number;
}

export interface InvokeOptions {
  requestId?: string;
  /** Shown on the invocation's log line. */
  correlationId?: string;
  /** What triggered it: `http`, `sqs`, `stream`, `sfn`, `lambda`. */
  source?: string;
}

/** `all` readable, `errors` readable warnings and errors only, `json` every line raw, `none` nothing. */
export type FunctionLogMode = 'all' | 'errors' | 'none' | 'json';

export interface FunctionPoolOptions {
  /** Path of the built lambda-worker.mjs. */
  workerScript: string;
  /** Most concurrent instances (Lambda's concurrency); further invocations wait for a free instance. */
  maxConcurrency: number;
  /** An instance idle this long is shut down, keeping one warm instance (Lambda recycles idle environments too). */
  idleTimeoutMs: number;
  /** Environment every instance gets under the template's variables (region, credentials, ...). */
  baseEnvironment: Record<string, string>;
  /** Environment that wins over the template's (emulator endpoints, tracer off). */
  overrideEnvironment: Record<string, string>;
  logger: Logger;
  functionLogs: FunctionLogMode;
  /** Show the functions' EMF metric lines (folded away by default). */
  metricLogs?: boolean;
  /** Where instances keep V8's code cache of the modules they load (none: compile every time). */
  compileCacheDir?: string;
  /** Injected crashes and timeouts (`/_local/faults`). */
  faults?: FunctionFaults;
  /** Gets every line the function prints, whatever `functionLogs` shows (the console's log store). */
  logSink?: (label: string, line: string) => void;
  /**
   * The functions' AWS SDK calls to the local cloud (`/_aws/*` at `origin`), over the worker's port instead of
   * loopback HTTP (aws-port.ts): `serve` answers them on the main thread. None: over HTTP. `dynamodb`: where a
   * worker sends the DynamoDB calls the main thread admitted (dynamodb-direct.ts); none: every call over the port.
   */
  awsCalls?: { origin: string; serve: (call: AwsCallRequest) => Promise<AwsCallAnswer>; dynamodb?: () => DirectDynamodbInit | undefined };
}

interface Instance {
  worker: Worker;
  busy: boolean;
  dead: boolean;
  ready: Promise<number>;
  idleTimer?: NodeJS.Timeout;
  current?: {
    id: number;
    resolve: (response: WorkerResponse & { type: 'result' }) => void;
    fail: (kind: 'crash', error: LambdaErrorPayload) => void;
  };
}

let nextRequestNumber = 1;

/** Young generation of each function instance (see spawn). */
const YOUNG_GENERATION_MB = 32;

/**
 * The instances of one Lambda function: worker threads that each load the bundle once and run
 * one invocation at a time with the function's own `process.env`, up to a concurrency limit.
 * A timeout or crash discards the instance (the next invocation is a cold start), as Lambda does.
 */
export class FunctionPool {
  readonly def: FunctionDef;
  readonly label: string;
  private readonly options: FunctionPoolOptions;
  private readonly instances = new Set<Instance>();
  private readonly waiting: ((instance: Instance, cold: boolean) => void)[] = [];
  private readonly environment: Record<string, string>;
  /** What fault rules match on. */
  private readonly identity: { name: string; label: string };
  private stopped = false;
  private inFlight = 0;
  /** Invocations accepted since the pool started (throttled and stopped ones not counted). */
  private invocations = 0;
  private drained?: () => void;

  constructor(def: FunctionDef, options: FunctionPoolOptions) {
    this.def = def;
    this.options = options;
    this.label = functionLabel(def);
    this.identity = { name: def.name, label: this.label };
    this.environment = {
      ...options.baseEnvironment,
      ...lambdaEnvironment(def),
      ...def.environment,
      ...options.overrideEnvironment,
    };
    if (def.optDir) {
      // Lambda's NODE_PATH puts /opt's module folders before its runtime's: here before the workspace's.
      const nodePath = [...layerNodePath(def.optDir, def.runtime), options.baseEnvironment.NODE_PATH].filter(Boolean).join(delimiter);
      Object.assign(this.environment, { NODE_PATH: nodePath, LOCAL_CLOUD_OPT_DIR: def.optDir });
    }
    if (!def.notServed) this.warnUnresolvedSdkImports();
  }

  /** Names at start-up (not only at the cold start) the AWS SDK packages the handler imports and nothing here provides. */
  private warnUnresolvedSdkImports(): void {
    const folders = (this.environment.NODE_PATH ?? '').split(delimiter).filter(Boolean);
    for (const name of unresolvedSdkImports(this.def.codeDir, this.def.handler, folders)) {
      this.options.logger.warn(
        `${this.label}: ${missingSdkPackageMessage(name, providedSdkPackages(folders))} Its cold start will fail until then.`,
      );
    }
  }

  get concurrencyLimit(): number {
    return Math.min(this.options.maxConcurrency, this.def.reservedConcurrency ?? Number.POSITIVE_INFINITY);
  }

  stats() {
    return {
      instances: this.instances.size,
      busy: [...this.instances].filter((instance) => instance.busy).length,
      waiting: this.waiting.length,
      invocations: this.invocations,
    };
  }

  /** Starts one instance ahead of the first invocation (provisioned-concurrency style warm-up). */
  async prewarm(): Promise<void> {
    if (this.def.notServed) return;
    if (this.instances.size > 0 || this.concurrencyLimit < 1) return;
    const instance = this.spawn();
    try {
      await instance.ready;
      this.release(instance);
    } catch {
      // The first real invocation reports the init error.
    }
  }

  async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const requestId = options.requestId ?? randomUUID();
    const started = performance.now();
    if (this.stopped) {
      return {
        requestId,
        ok: false,
        kind: 'crash',
        error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${this.def.name}` },
        durationMs: 0,
      };
    }
    if (this.def.notServed) {
      const outcome: InvokeOutcome = {
        requestId,
        ok: false,
        kind: 'init',
        error: {
          errorType: 'Runtime.NotServedLocally',
          errorMessage: `${this.def.name} is not served by the local cloud: ${this.def.notServed}`,
        },
        durationMs: 0,
      };
      this.logInvocation(outcome, options);
      return outcome;
    }
    if (this.concurrencyLimit < 1) {
      return {
        requestId,
        ok: false,
        kind: 'throttled',
        error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
        durationMs: 0,
      };
    }
    if (this.options.faults?.crashBefore(this.identity)) {
      const outcome: InvokeOutcome = { requestId, ok: false, kind: 'crash', error: exitError(requestId), durationMs: 0 };
      this.logInvocation(outcome, options);
      return outcome;
    }
    this.inFlight += 1;
    this.invocations += 1;
    try {
      const { instance, cold } = await this.acquire();
      let coldStartMs: number | undefined;
      try {
        const initMs = await instance.ready;
        if (cold) coldStartMs = initMs;
      } catch (error) {
        const outcome: InvokeOutcome = {
          requestId,
          ok: false,
          kind: 'init',
          error: error as LambdaErrorPayload,
          durationMs: performance.now() - started,
        };
        this.logInvocation(outcome, options);
        this.discard(instance);
        return outcome;
      }
      const outcome = await this.run(instance, event, requestId);
      outcome.durationMs = performance.now() - started;
      outcome.coldStartMs = coldStartMs;
      this.logInvocation(outcome, options);
      return outcome;
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  private run(instance: Instance, event: unknown, requestId: string): Promise<InvokeOutcome> {
    const id = nextRequestNumber++;
    const timeoutMs = this.def.timeoutSeconds * 1000;
    const request: WorkerRequest = {
      id,
      requestId,
      traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomHex(12)};Parent=${randomHex(8)};Sampled=0`,
      deadline: Date.now() + timeoutMs,
      event: JSON.stringify(event ?? null),
    };
    const timedOut = (): InvokeOutcome => ({
      requestId,
      ok: false,
      kind: 'timeout',
      error: {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${requestId} Error: Task timed out after ${this.def.timeoutSeconds.toFixed(2)} seconds`,
      },
      durationMs: 0,
    });
    return new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        instance.current = undefined;
        this.discard(instance);
        resolve(timedOut());
      }, timeoutMs);
      instance.current = {
        id,
        resolve: (response) => {
          clearTimeout(timer);
          instance.current = undefined;
          // An injected crash or timeout after the handler ran: its effects stay, its answer is lost, the instance goes.
          const injected = this.options.faults?.afterHandler(this.identity);
          if (injected) {
            this.discard(instance);
            resolve(
              injected === 'timeout' ? timedOut() : { requestId, ok: false, kind: 'crash', error: exitError(requestId), durationMs: 0 },
            );
            return;
          }
          this.release(instance);
          if (response.error) resolve({ requestId, ok: false, kind: 'handled', error: response.error, durationMs: 0 });
          else resolve({ requestId, ok: true, payload: JSON.parse(response.payload ?? 'null'), durationMs: 0 });
        },
        fail: (kind, error) => {
          clearTimeout(timer);
          instance.current = undefined;
          resolve({ requestId, ok: false, kind, error, durationMs: 0 });
        },
      };
      instance.worker.postMessage(request);
    });
  }

  private acquire(): Promise<{ instance: Instance; cold: boolean }> {
    for (const instance of this.instances) {
      if (!instance.busy && !instance.dead) {
        instance.busy = true;
        clearTimeout(instance.idleTimer);
        return Promise.resolve({ instance, cold: false });
      }
    }
    if (this.instances.size < this.concurrencyLimit) {
      const instance = this.spawn();
      instance.busy = true;
      return Promise.resolve({ instance, cold: true });
    }
    return new Promise((resolve) => this.waiting.push((instance, cold) => resolve({ instance, cold })));
  }

  private release(instance: Instance): void {
    if (instance.dead) return;
    const next = this.waiting.shift();
    if (next) {
      instance.busy = true;
      next(instance, false);
      return;
    }
    instance.busy = false;
    clearTimeout(instance.idleTimer);
    // Idle instances are recycled (as Lambda does), down to one warm instance per function.
    instance.idleTimer = setTimeout(() => {
      if (!instance.busy && this.instances.size > 1) this.discard(instance);
    }, this.options.idleTimeoutMs);
    instance.idleTimer.unref();
  }

  /** A discarded instance frees its slot: a waiting invocation then gets a fresh (cold) instance. */
  private discard(instance: Instance): void {
    if (instance.dead) return;
    instance.dead = true;
    clearTimeout(instance.idleTimer);
    this.instances.delete(instance);
    void instance.worker.terminate();
    const next = this.waiting.shift();
    if (next && !this.stopped) {
      const fresh = this.spawn();
      fresh.busy = true;
      next(fresh, true);
    }
  }

  private spawn(): Instance {
    const init: WorkerInit = {
      codeDir: this.def.codeDir,
      handler: this.def.handler,
      functionName: this.def.name,
      functionArn: this.def.arn,
      memorySize: this.def.memorySize,
      logGroupName: this.environment.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomHex(16)}`,
      functionLogs: this.options.functionLogs,
      compileCacheDir: this.options.compileCacheDir,
      optDir: this.def.optDir,
      awsOrigin: this.options.awsCalls?.origin,
      dynamodbDirect: this.options.awsCalls?.dynamodb?.(),
    };
    const spawnedAt = performance.now();
    const worker = new Worker(this.options.workerScript, {
      workerData: init,
      env: { ...this.environment, AWS_LAMBDA_LOG_STREAM_NAME: init.logStreamName },
      stdout: true,
      stderr: true,
      // V8 sizes a worker's young generation from its old generation: a few MB for a 128 MB function,
      // scavenged so often under load that GC took ~15% of the CPU of a GET (`local-cloud:bench`).
      resourceLimits: { maxOldGenerationSizeMb: Math.max(128, this.def.memorySize), maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      // the thread's name (`top -H`, /proc/<pid>/task/*/comm) tells which function it runs
      name: this.label,
    });
    let markReady!: (initMs: number) => void;
    let markFailed!: (error: LambdaErrorPayload) => void;
    const ready = new Promise<number>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => undefined);
    const instance: Instance = { worker, busy: false, dead: false, ready };
    this.instances.add(instance);

    const { awsCalls } = this.options;
    worker.on('message', (message: WorkerResponse) => {
      if (message.type === 'aws') {
        if (awsCalls) void awsCalls.serve(message).then((answer) => instance.dead || worker.postMessage(answer));
        return;
      }
      // Init duration as Lambda reports it: from creating the environment to the handler being loaded.
      if (message.type === 'ready') markReady(performance.now() - spawnedAt);
      else if (message.type === 'init-error') markFailed(message.error);
      else if (message.type === 'result' && instance.current?.id === message.id) instance.current.resolve(message);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const payload: LambdaErrorPayload =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { errorType: 'Runtime.OutOfMemory', errorMessage: `Runtime exited: out of memory (limit ${this.def.memorySize} MB)` }
          : { errorType: error.name || 'Error', errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
      markFailed(payload);
      instance.current?.fail('crash', payload);
      this.discard(instance);
    });
    worker.on('exit', (code) => {
      const payload: LambdaErrorPayload = {
        errorType: 'Runtime.ExitError',
        errorMessage: `Runtime exited with error: exit status ${code}`,
      };
      markFailed(payload);
      instance.current?.fail('crash', payload);
      this.discard(instance);
    });
    this.pipeLogs(worker.stdout, false);
    this.pipeLogs(worker.stderr, true);
    return instance;
  }

  private pipeLogs(stream: Readable, isStderr: boolean): void {
    const mode = this.options.functionLogs;
    const format = { raw: mode === 'json', metrics: this.options.metricLogs === true };
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.trim()) this.options.logSink?.(this.label, line);
        const shown = shouldShow(mode, line, isStderr) ? formatFunctionLog(line, format) : undefined;
        if (shown !== undefined) this.options.logger.line(`  ${this.label}`, shown);
        newline = buffer.indexOf('\n');
      }
    });
  }

  private logInvocation(outcome: InvokeOutcome, options: InvokeOptions): void {
    const status = outcome.ok
      ? 'ok'
      : outcome.kind === 'handled'
        ? `error ${outcome.error?.errorType}`
        : `${outcome.kind} ${outcome.error?.errorType}`;
    const cold = outcome.coldStartMs !== undefined ? ` cold ${outcome.coldStartMs.toFixed(0)}ms` : '';
    const detail = outcome.ok ? '' : ` — ${outcome.error?.errorMessage ?? ''}`;
    this.options.logger.line(
      'λ',
      `${this.label} ${status} ${outcome.durationMs.toFixed(1)}ms${cold} ${options.source ?? 'invoke'} cid=${options.correlationId ?? '-'} req=${outcome.requestId}${detail}`,
    );
  }

  /** Waits for in-flight invocations (a redeploy), then shuts every instance down. */
  async stop(options: { drain?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (options.drain && this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        setTimeout(resolve, this.def.timeoutSeconds * 1000 + 100).unref();
      });
    }
    await Promise.all([...this.instances].map((instance) => instance.worker.terminate()));
    this.instances.clear();
  }
}

/** What Lambda reports when the runtime process exits in the middle of an invocation. */
const exitError = (requestId: string): LambdaErrorPayload => ({
  errorType: 'Runtime.ExitError',
  errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status 1`,
});

/** The variables Lambda sets in every execution environment. */
export function lambdaEnvironment(def: FunctionDef): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: def.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(def.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${def.name}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${def.runtime}`,
    LAMBDA_TASK_ROOT: def.codeDir,
    LAMBDA_RUNTIME_DIR: def.codeDir,
    _HANDLER: def.handler,
  };
}

/** `product:RouterFunction` out of the stack's CDK-style logical id (hash suffix dropped). */
export function functionLabel(def: Pick<FunctionDef, 'service' | 'logicalId'>): string {
  return `${def.service}:${def.logicalId.replace(/[0-9A-F]{8}$/, '')}`;
}

function shouldShow(mode: FunctionLogMode, line: string, isStderr: boolean): boolean {
  if (mode === 'all' || mode === 'json') return true;
  if (mode === 'none') return false;
  if (isStderr) return true;
  return /"level"\s*:\s*"(ERROR|WARN|CRITICAL)"/i.test(line) || /\t(ERROR|WARN)\t/.test(line);
}
