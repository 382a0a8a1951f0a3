import http from 'node:http';
import type { HttpAnswer, LocalHandler } from '../api/gateway';
import { LOCAL_ACCOUNT_ID } from '../assembly/naming';
import { describeAwsCall, readAwsRequest, type ReadAwsRequest } from '../faults/aws-call';
import { accessDeniedAnswer, awsErrorAnswer, type AccessDeniedProtocol } from '../faults/aws-errors';
import type { PartitionKeyOf } from '../iam/dynamodb-actions';
import type { IamGate } from '../iam/gate';
import { frontDoorActions, type FrontDoorService } from '../iam/request-mapping';
import type { FaultRegistry } from '../faults/registry';
import type { FaultService } from '../faults/rules';

export interface FrontDoorOptions {
  /** The emulator behind it (`http://127.0.0.1:<port>`), which serves its protocol on `/`. */
  upstream: string;
  /** For DynamoDB, SQS and SNS: the fault rules the door applies before it forwards. */
  faults?: { service: FaultService; registry: FaultRegistry };
  /**
   * SQS: the door's own URL. Queue URLs in fauxqs's answers are rewritten to sit under it: the
   * SDK sends a call to the origin of its QueueUrl when that differs from its endpoint.
   */
  queueUrlBase?: string;
  /**
   * IAM: the gate asked about each call a function signed (not the control key's), before the
   * fault rules and the emulator; AccessDenied in the service's protocol when it refuses.
   */
  iam?: { service: FrontDoorService; protocol: AccessDeniedProtocol; gate: IamGate; partitionKeyOf?: PartitionKeyOf };
  /**
   * DynamoDB: each answer says whether IAM admits every call of its kind (`admitted`), so that the function's worker may
   * send the next ones to DynamoDB Local itself (lambda/dynamodb-direct.ts).
   */
  admits?: boolean;
  /**
   * S3 (REST: the operation is the method and the path): the door's own path (`/_aws/s3`), taken
   * off the path, which is then forwarded with its query. Without it every call goes to `/`.
   */
  pathPrefix?: string;
  /**
   * DynamoDB on an external DynamoDB Local: the access key the calls are forwarded with, in place of the caller's, so that
   * they reach this local cloud's database (one per access key without `-sharedDb`). The gate reads the caller's first.
   */
  accessKeyId?: string;
  /** Keep-alive connections to the emulator, shared by every caller. */
  agent: http.Agent;
}

/** Hop-by-hop and framing headers: each side of the door sets its own. */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'expect',
  'proxy-connection',
  'te',
  'upgrade',
  'trailer',
]);

/** SQS answers that carry queue URLs. */
const QUEUE_URL_ANSWERS = new Set([
  'AmazonSQS.CreateQueue',
  'AmazonSQS.GetQueueUrl',
  'AmazonSQS.ListQueues',
  'AmazonSQS.ListDeadLetterSourceQueues',
]);

const headerPairs = (raw: string[]): [string, string][] => {
  const pairs: [string, string][] = [];
  for (let index = 0; index < raw.length; index += 2) {
    if (!NOT_FORWARDED.has(raw[index].toLowerCase())) pairs.push([raw[index], raw[index + 1]]);
  }
  return pairs;
};

/** The headers with the access key of a SigV4 `Authorization` replaced by `accessKeyId` (the signature is not checked past the door). */
export const withAccessKey = (pairs: [string, string][], accessKeyId: string): [string, string][] =>
  pairs.map(([name, value]): [string, string] =>
    name.toLowerCase() === 'authorization' ? [name, value.replace(/Credential=[^/,\s]*\//, `Credential=${accessKeyId}/`)] : [name, value],
  );

/**
 * The local cloud's AWS endpoint for functions (`AWS_ENDPOINT_URL_DYNAMODB` = `<base>/_aws/dynamodb`,
 * `_SQS`, `_SNS`, ...): each call is forwarded as it came to the emulator and its answer streamed
 * back. While a fault rule for the service is active, the call's operation and resources are read
 * and a matching rule answers in AWS's place; with none (and `--iam off`), the body is not even
 * parsed. With IAM on, a function's call is first checked against its role (see iam/gate.ts). Registered as
 * a gateway local handler, so what guards `/_aws/*` guards it too; a function's call reaches it over its worker's
 * port (lambda/aws-port.ts, gateway.ts `serveAwsCall`) rather than HTTP.
 */
export function awsFrontDoor(options: FrontDoorOptions): LocalHandler {
  const upstream = new URL(options.upstream);
  const queueUrls = options.queueUrlBase ? new RegExp(`https?://[^/"]+/${LOCAL_ACCOUNT_ID}/`, 'g') : undefined;
  const unavailable = () =>
    options.faults
      ? awsErrorAnswer(options.faults.service, 'unavailable')
      : {
          statusCode: 503,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ message: `${upstream.origin} is not answering` }),
          quiet: true,
        };

  const { iam } = options;
  return (request) => {
    const target = request.headerOf('x-amz-target');
    // The body is read only when IAM is on (`--iam enforce|warn`) or a fault rule watches the service, and then once.
    let read: ReadAwsRequest | undefined;
    const readOnce = () => (read ??= readAwsRequest(iam?.service === 'sns' || options.faults?.service === 'sns', target, request.body));
    let admitted = options.admits === true && !iam?.gate.active;
    if (iam?.gate.active) {
      const requested = () => frontDoorActions(iam.service, readOnce(), iam.partitionKeyOf);
      const authorization = request.headerOf('authorization');
      const checked = options.admits
        ? iam.gate.admitRequest(authorization, requested)
        : { refusal: iam.gate.checkRequest(authorization, requested) };
      if (checked.refusal) return Promise.resolve(accessDeniedAnswer(iam.protocol, checked.refusal.message));
      admitted = 'admitted' in checked && checked.admitted;
    }
    if (options.faults?.registry.watches(options.faults.service)) {
      const rule = options.faults.registry.awsFault(describeAwsCall(options.faults.service, target, request.body, readOnce()));
      if (rule) return Promise.resolve(awsErrorAnswer(options.faults.service, rule.error));
    }
    const rewrite = queueUrls && target !== undefined && QUEUE_URL_ANSWERS.has(target);
    const forwardedHeaders = options.accessKeyId
      ? withAccessKey(headerPairs(request.rawHeaders), options.accessKeyId)
      : headerPairs(request.rawHeaders);
    const headers = [...forwardedHeaders, ['host', upstream.host], ['content-length', String(request.body.length)]].flat();
    const send = (resolve: (answer: HttpAnswer) => void, retry: boolean) => {
      let answered = false;
      const forwarded = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: options.pathPrefix
            ? `${request.path.slice(options.pathPrefix.length) || '/'}${request.query ? `?${request.query}` : ''}`
            : '/',
          method: request.httpMethod,
          agent: options.agent,
          headers,
        },
        (response) => {
          answered = true;
          const answerHeaders = headerPairs(response.rawHeaders);
          // The answer is read whole and sent in one write: AWS answers are small, and each socket
          // write is a system call on the main thread.
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', () => resolve(unavailable()));
          response.on('end', () => {
            const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
            const body = rewrite
              ? Buffer.from(whole.toString('utf8').replace(queueUrls, `${options.queueUrlBase}/${LOCAL_ACCOUNT_ID}/`))
              : whole;
            // A HEAD answer's length is the object's (S3's HeadObject), not the empty body's.
            const length = request.httpMethod === 'HEAD' ? (response.headers['content-length'] ?? '0') : String(body.length);
            resolve({
              statusCode: response.statusCode ?? 502,
              headers: [...answerHeaders, ['content-length', length]],
              body,
              quiet: true,
              ...(admitted ? { admitted } : {}),
            });
          });
        },
      );
      forwarded.on('error', (error: NodeJS.ErrnoException) => {
        // A reset on a reused keep-alive connection before any answer is the emulator closing it while idle, as it was
        // picked up: send once more (Node's documented remedy). Once the emulator has answered, the call was run: never again.
        if (answered) return;
        if (retry && forwarded.reusedSocket && error.code === 'ECONNRESET') send(resolve, false);
        else resolve(unavailable());
      });
      forwarded.end(request.body);
    };
    return new Promise<HttpAnswer>((resolve) => send(resolve, true));
  };
}
