/**
 * A function's AWS SDK calls to the local cloud, over its worker thread's port instead of loopback HTTP (worker side).
 *
 * Every call a function makes to `AWS_ENDPOINT_URL_*` reaches the local cloud's `/_aws/*` endpoints, on the main thread.
 * Over HTTP, each call cost the main thread a request parse, a signature check, a forward to the emulator and the
 * socket writes. Here, once the function's bundle is loaded, the AWS SDK's HTTP handler
 * (`@smithy/node-http-handler`, which the SDK clients the local cloud provides load) is wrapped: a call to the local
 * cloud's own origin under `/_aws/` is posted to the main thread as it was signed, where the same guard, IAM gate and
 * fault rules as over HTTP decide (gateway.ts `serveAwsCall`), and the front doors forward it to the emulator. The
 * answer comes back as the SDK's HTTP response.
 *
 * Measured with the checkout bench against HTTP (`LOCAL_CLOUD_AWS_OVER_HTTP=true`), the port costs less on both sides:
 * the worker posts a message instead of making an HTTP request, the main thread reads one instead of parsing it. A
 * variant where the main thread only admitted the call and the worker sent it to the emulator itself took the least
 * of the main thread, but more in all, and the orders were slower: each call then woke the worker twice.
 *
 * Calls this does not cover keep to HTTP, and behave the same: an SDK bundled into the function (its own handler
 * module is not seen), a client loaded after the cold start, S3 (streamed bodies), a body that is a stream.
 */
import { directDynamodb, type DirectDynamodbInit } from './dynamodb-direct';
import type { AwsCallAnswer, AwsCallRequest } from './protocol';

/** What the SDK hands its HTTP handler (`@smithy/protocol-http`'s HttpRequest): the fields read here. */
interface SdkHttpRequest {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

interface SdkHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

type Handle = (this: unknown, request: SdkHttpRequest, options?: { abortSignal?: AbortSignal }) => Promise<{ response: unknown }>;

/** Where `@smithy/node-http-handler` sits in a module cache key (one per copy the SDK clients loaded). */
const HANDLER_MODULE = /[\\/]@smithy[\\/]node-http-handler[\\/]dist-cjs[\\/]index\.js$/;

const PATCHED = Symbol.for('local-cloud.aws-port');

export interface AwsPort {
  /** Wraps every copy of the SDK's HTTP handler the module cache holds; returns how many. */
  wrapLoadedHandlers(cache: Record<string, { exports?: unknown } | undefined>): number;
  /** An answer from the main thread. */
  settle(answer: AwsCallAnswer): void;
}

/**
 * `origin`: the local cloud's (`http://127.0.0.1:<port>`); `send` posts a call to the main thread; `dynamodb`: where
 * admitted DynamoDB calls go without the main thread (dynamodb-direct.ts).
 */
export function awsPort(origin: string, send: (call: AwsCallRequest) => void, dynamodb?: DirectDynamodbInit): AwsPort {
  const { hostname, port } = new URL(origin);
  const direct = dynamodb && directDynamodb(dynamodb);
  /** The calls waiting for the main thread's answer, by id. */
  const pending = new Map<number, (answer: AwsCallAnswer) => void>();
  let nextId = 1;

  const covers = (request: SdkHttpRequest) =>
    request.hostname === hostname &&
    String(request.port ?? '') === port &&
    request.protocol === 'http:' &&
    request.path.startsWith('/_aws/') &&
    !request.path.startsWith('/_aws/s3') &&
    (request.body === undefined || typeof request.body === 'string' || request.body instanceof Uint8Array);

  const ask = (request: SdkHttpRequest, abortSignal?: AbortSignal) =>
    new Promise<AwsCallAnswer>((resolve, reject) => {
      if (abortSignal?.aborted) return reject(abortError());
      const id = nextId++;
      const onAbort = () => {
        pending.delete(id);
        reject(abortError());
      };
      abortSignal?.addEventListener('abort', onAbort, { once: true });
      pending.set(id, (answer) => {
        abortSignal?.removeEventListener('abort', onAbort);
        resolve(answer);
      });
      send({
        type: 'aws',
        id,
        method: request.method,
        path: request.path,
        query: queryString(request.query),
        headers: Object.entries(request.headers),
        body: (request.body as string | Uint8Array | undefined) ?? '',
      });
    });

  const wrap = (original: Handle): Handle =>
    async function (this: unknown, request, options) {
      if (!covers(request)) return original.call(this, request, options);
      const kind = direct && (request.path === '/_aws/dynamodb' || request.path === '/_aws/dynamodb/') ? direct.kindOf(request) : undefined;
      const straight = kind === undefined ? undefined : direct?.send(request, kind, options?.abortSignal);
      if (straight) return { response: responseOf(await straight) };
      const generation = direct?.generation() ?? 0;
      const answer = await ask(request, options?.abortSignal);
      if (kind !== undefined && answer.admitted) direct?.admit(kind, generation);
      return { response: responseOf(answer) };
    };

  return {
    wrapLoadedHandlers(cache) {
      let wrapped = 0;
      for (const [key, loaded] of Object.entries(cache)) {
        if (!HANDLER_MODULE.test(key)) continue;
        const handlerClass = (loaded?.exports as { NodeHttpHandler?: { prototype: Record<string | symbol, unknown> } } | undefined)
          ?.NodeHttpHandler;
        const prototype = handlerClass?.prototype;
        if (!prototype || typeof prototype.handle !== 'function' || prototype[PATCHED]) continue;
        prototype.handle = wrap(prototype.handle as Handle);
        prototype[PATCHED] = true;
        wrapped++;
      }
      return wrapped;
    },
    settle(answer) {
      const waiting = pending.get(answer.id);
      if (!waiting) return;
      pending.delete(answer.id);
      waiting(answer);
    },
  };
}

/** An answer as the SDK's HTTP handler gives it: headers by lower-case name (repeated ones joined). */
function responseOf(answer: { statusCode: number; headers: [string, string][]; body: string | Uint8Array }): SdkHttpResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of answer.headers) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  return { statusCode: answer.statusCode, headers, body: typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body };
}

function queryString(query: SdkHttpRequest['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined) parts.push(encodeURIComponent(key));
    else for (const one of Array.isArray(value) ? value : [value]) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(one)}`);
  }
  return parts.join('&');
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}
