/**
 * The Lambda execution environment, one per worker thread: loads the function's bundle once
 * (the cold start), then runs one invocation at a time with a Lambda context object. Built into
 * dist/tools/local-cloud/lambda-worker.mjs; the pool starts it with the function's environment.
 */
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { awsPort } from './aws-port';
import type { AwsCallAnswer, WorkerInit, WorkerRequest, WorkerResponse, LambdaErrorPayload } from './protocol';
import { resolveFromNodePath } from './sdk-modules';

const init = workerData as WorkerInit;
if (!parentPort) throw new Error('lambda-worker runs inside a worker thread');
const port = parentPort;
// Lambda's runtime puts the AWS SDK on NODE_PATH for bundles that leave it out; this worker's
// NODE_PATH (its own process.env) points at the local cloud's node_modules (the workspace's, in the
// shop) for the same reason, and at the app's own. ES module imports are resolved from it too, and an
// @aws-sdk/* package found nowhere fails naming itself.
(Module as unknown as { _initPaths(): void })._initPaths();
resolveFromNodePath((process.env.NODE_PATH ?? '').split(delimiter).filter(Boolean));
if (init.optDir) mapOpt(init.optDir);
filterOutput(init.functionLogs);
// V8's code cache on disk: every instance of every function loads the same bundle and AWS SDK, and
// parsing and compiling them again was most of a cold start. The cold start still happens (the
// module is loaded and its init code runs), only the compile is skipped once it is cached.
if (init.compileCacheDir) Module.enableCompileCache?.(init.compileCacheDir);

/**
 * Lambda extracts a function's layers under `/opt`; a worker thread cannot mount a folder, so a
 * module specifier under `/opt` (path or `file:` URL, `require` or `import`) is read from the
 * function's merged layers folder instead. Files the code opens by an `/opt` path are not mapped
 * (`LOCAL_CLOUD_OPT_DIR` names the folder).
 */
function mapOpt(optDir: string): void {
  const optUrl = pathToFileURL(optDir).href;
  Module.registerHooks({
    resolve: (specifier, context, next) => {
      if (specifier === '/opt' || specifier.startsWith('/opt/')) return next(optDir + specifier.slice('/opt'.length), context);
      if (specifier.startsWith('file:///opt/')) return next(optUrl + specifier.slice('file:///opt'.length), context);
      return next(specifier, context);
    },
  });
}

/**
 * Drops function output the local cloud would not show anyway, inside the worker: every line
 * written to a worker's stdout otherwise crosses to the main thread.
 */
function filterOutput(mode: WorkerInit['functionLogs']): void {
  if (mode === 'all' || mode === 'json') return;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (mode === 'none') return true;
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (/"level"\s*:\s*"(ERROR|WARN|CRITICAL)"/i.test(text) || /\t(ERROR|WARN)\t/.test(text)) return write(chunk, ...(rest as []));
    return true;
  }) as typeof process.stdout.write;
  if (mode === 'none') process.stderr.write = (() => true) as typeof process.stderr.write;
}
const requireFromCode = createRequire(join(init.codeDir, 'index.js'));

type Handler = (event: unknown, context: Record<string, unknown>) => unknown;

function toLambdaError(error: unknown): LambdaErrorPayload {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

async function loadHandler(): Promise<Handler> {
  const dot = init.handler.lastIndexOf('.');
  if (dot < 0)
    throw Object.assign(new Error(`Bad handler ${init.handler}: expected <module>.<export>`), { name: 'Runtime.MalformedHandlerName' });
  const modulePath = init.handler.slice(0, dot);
  const exportName = init.handler.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs']
    .map((extension) => join(init.codeDir, modulePath + extension))
    .find((candidate) => existsSync(candidate));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${modulePath}' in ${init.codeDir}`), { name: 'Runtime.ImportModuleError' });
  }
  const loaded = (file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : requireFromCode(file)) as Record<string, unknown>;
  const handler = exportName.split('.').reduce<unknown>((target, key) => (target as Record<string, unknown> | undefined)?.[key], loaded);
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${modulePath}.${exportName} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

async function main() {
  if (process.env.NODE_OPTIONS?.includes('--enable-source-maps')) process.setSourceMapsEnabled(true);
  const started = performance.now();
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    port.postMessage({ type: 'init-error', error: toLambdaError(error) } satisfies WorkerResponse);
    return;
  }
  // The SDK clients the bundle loaded at its init are in the module cache now: their calls to the local cloud go over the port.
  const aws = init.awsOrigin
    ? awsPort(init.awsOrigin, (call) => port.postMessage(call satisfies WorkerResponse), init.dynamodbDirect)
    : undefined;
  aws?.wrapLoadedHandlers(requireFromCode.cache);
  port.postMessage({ type: 'ready', initDurationMs: performance.now() - started } satisfies WorkerResponse);

  port.on('message', async (message: WorkerRequest | AwsCallAnswer) => {
    if ('type' in message) {
      aws?.settle(message);
      return;
    }
    const request = message;
    process.env._X_AMZN_TRACE_ID = request.traceId;
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: init.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: init.functionArn,
      memoryLimitInMB: String(init.memorySize),
      awsRequestId: request.requestId,
      logGroupName: init.logGroupName,
      logStreamName: init.logStreamName,
      getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let response: WorkerResponse;
    try {
      const result = await handler(JSON.parse(request.event), context);
      response = { type: 'result', id: request.id, payload: result === undefined ? 'null' : JSON.stringify(result) };
    } catch (error) {
      response = { type: 'result', id: request.id, error: toLambdaError(error) };
    }
    port.postMessage(response);
  });
}

void main();
