/**
 * A function's DynamoDB calls sent by its own worker thread straight to DynamoDB Local, once the main thread has
 * admitted their kind.
 *
 * Over the worker's port (aws-port.ts), every DynamoDB call still cost the main thread its guard, IAM check and a
 * forward to DynamoDB Local over HTTP: of a GET through the local cloud, that was the largest share the local cloud
 * added to the function's own work. Here, the first call of each kind goes over the port as before (AWS's answer,
 * IAM's refusal or a fault rule's error decide it there), and the main thread's answer says whether IAM admits every
 * call of that kind: the same actions on the same tables, by a role whose policies (and the resource policies) test
 * no condition key, so that nothing else in a call can change the decision. The worker then sends the next calls of
 * that kind itself, as a function in AWS does, with the access key of the local cloud's database.
 *
 * What the main thread decides stays with it, through flags shared with every worker (a SharedArrayBuffer, read at
 * each call): while a fault rule for DynamoDB is listed, every call goes over the port, where the rules are applied;
 * when the templates' IAM changes (a redeploy), every worker forgets what was admitted. A call IAM refuses, or only
 * warns about, is never admitted: it keeps going over the port, and is refused or logged each time.
 */
import http from 'node:http';
import { readAwsRequest } from '../faults/aws-call';
import { dynamodbActions } from '../iam/dynamodb-actions';

/** Where each flag sits in the shared Int32Array. */
const WATCHED = 0;
const GENERATION = 1;
const DIRECT_CALLS = 2;
const SLOTS = 3;

/** The endpoint the workers send DynamoDB calls to, and the flags they read (in WorkerInit). */
export interface DirectDynamodbInit {
  /** DynamoDB Local (`http://127.0.0.1:<port>`). */
  endpoint: string;
  /** The access key of the local cloud's database there (an external DynamoDB Local); none: the caller's own key. */
  accessKeyId?: string;
  flags: SharedArrayBuffer;
}

/** The main thread's side: the flags the workers read. */
export class DirectDynamodbFlags {
  readonly buffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
  private readonly slots = new Int32Array(this.buffer);

  /** While true, every DynamoDB call goes over the port (a fault rule for DynamoDB is listed). */
  setWatched(watched: boolean): void {
    Atomics.store(this.slots, WATCHED, watched ? 1 : 0);
  }

  /** Every worker forgets what was admitted (IAM's policies changed). */
  forgetAdmissions(): void {
    Atomics.add(this.slots, GENERATION, 1);
  }

  /** The DynamoDB calls the workers sent themselves, since the start. */
  get directCalls(): number {
    return Atomics.load(this.slots, DIRECT_CALLS);
  }
}

/** What the SDK's HTTP handler is given (`@smithy/protocol-http`'s HttpRequest): the fields read here. */
export interface DirectRequest {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** DynamoDB Local's answer, read whole. */
export interface DirectAnswer {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
}

/** The worker's side. */
export interface DirectDynamodb {
  /** The kind of a DynamoDB call (its actions and resources), or undefined when it is not to be admitted ever. */
  kindOf(request: DirectRequest): string | undefined;
  /**
   * DynamoDB Local's answer to the call, sent by this thread, when its kind is admitted and no fault rule watches
   * DynamoDB; undefined otherwise (the call is for the main thread).
   */
  send(request: DirectRequest, kind: string, abortSignal?: AbortSignal): Promise<DirectAnswer> | undefined;
  /** The admissions' generation now: an admission is kept only if it is still the same when the answer comes. */
  generation(): number;
  admit(kind: string, generation: number): void;
}

const CREDENTIAL = /Credential=[^/,\s]*\//;

export function directDynamodb(init: DirectDynamodbInit): DirectDynamodb {
  const slots = new Int32Array(init.flags);
  const { hostname, port } = new URL(init.endpoint);
  // One keep-alive connection per call in flight, kept for the next; a plain request, read whole (as the front door
  // forwards): the SDK's own HTTP handler costs the worker about as much again per call.
  const agent = new http.Agent({ keepAlive: true });
  const admitted = new Set<string>();
  let admittedGeneration = Atomics.load(slots, GENERATION);

  const header = (headers: Record<string, string>, name: string) => {
    if (headers[name] !== undefined) return headers[name];
    for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
    return undefined;
  };

  return {
    kindOf(request) {
      const target = header(request.headers, 'x-amz-target');
      if (!target || request.method !== 'POST') return undefined;
      const body = typeof request.body === 'string' ? Buffer.from(request.body) : (request.body as Uint8Array | undefined);
      const read = readAwsRequest(false, target, body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : Buffer.alloc(0));
      const actions = dynamodbActions(read.operation, read.input);
      if (actions.length === 0 || actions.some(({ resource }) => resource === '*' || resource.endsWith('/'))) return undefined;
      return actions.map(({ action, resource }) => `${action} ${resource}`).join('\n');
    },
    send(request, kind, abortSignal) {
      if (Atomics.load(slots, WATCHED) !== 0) return undefined;
      const generation = Atomics.load(slots, GENERATION);
      if (generation !== admittedGeneration) {
        admitted.clear();
        admittedGeneration = generation;
      }
      if (!admitted.has(kind)) return undefined;
      Atomics.add(slots, DIRECT_CALLS, 1);
      const headers: [string, string][] = [['host', `${hostname}:${port}`]];
      for (const [name, value] of Object.entries(request.headers)) {
        const lower = name.toLowerCase();
        if (lower === 'host' || lower === 'content-length') continue;
        headers.push([
          name,
          lower === 'authorization' && init.accessKeyId ? value.replace(CREDENTIAL, `Credential=${init.accessKeyId}/`) : value,
        ]);
      }
      const body = request.body === undefined ? Buffer.alloc(0) : (request.body as string | Uint8Array);
      headers.push(['content-length', String(Buffer.byteLength(body))]);
      return new Promise<DirectAnswer>((resolve, reject) => {
        const attempt = (retry: boolean) => {
          let answered = false;
          const sent = http.request(
            { hostname, port, path: '/', method: 'POST', agent, headers: headers.flat(), signal: abortSignal },
            (response) => {
              answered = true;
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.on('error', reject);
              response.on('end', () => {
                const pairs: [string, string][] = [];
                for (let index = 0; index < response.rawHeaders.length; index += 2)
                  pairs.push([response.rawHeaders[index], response.rawHeaders[index + 1]]);
                resolve({
                  statusCode: response.statusCode ?? 502,
                  headers: pairs,
                  body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
                });
              });
            },
          );
          sent.on('error', (error: NodeJS.ErrnoException) => {
            // DynamoDB Local closing an idle keep-alive connection as it was picked up: send once more (never after an answer).
            if (!answered && retry && sent.reusedSocket && error.code === 'ECONNRESET') attempt(false);
            // The SDK's abort, as the SDK's own handler gives it.
            else reject(error.name === 'AbortError' ? Object.assign(new Error('Request aborted'), { name: 'AbortError' }) : error);
          });
          sent.end(body);
        };
        attempt(true);
      });
    },
    generation: () => Atomics.load(slots, GENERATION),
    admit(kind, generation) {
      if (generation !== Atomics.load(slots, GENERATION)) return;
      if (generation !== admittedGeneration) {
        admitted.clear();
        admittedGeneration = generation;
      }
      admitted.add(kind);
    },
  };
}
