import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { HttpAnswer, RequestGuard } from '../api/gateway';
import { headerOf } from '../api/proxy-event';
import { CONTROL_SECRET_HEADER, LOCAL_ACCESS_KEY_ID } from './secret';
import { SigV4Verifier, type SignatureFailure, type SignedRequest } from './sigv4';

/** The paths the guard covers: the local cloud's own endpoints (`/_local/*`) and AWS APIs (`/_aws/*`). */
export const isControlPlanePath = (path: string): boolean =>
  path === '/_local' || path.startsWith('/_local/') || path === '/_aws' || path.startsWith('/_aws/');

/** Methods that change nothing: a `/_local/*` route answers them without the secret. */
const READ_METHODS = new Set(['GET', 'HEAD']);

export interface ControlPlaneGuardOptions {
  /** The port the local cloud listens on (127.0.0.1 only): the one Host and Origin accepted. */
  port: number;
  /** The secret of this start; undefined until it is made. */
  secret: () => string | undefined;
  /** Where the secret is kept, named in refusals so a caller knows where to read it. */
  secretFile: string;
  now?: () => number;
  /** Access keys accepted on `/_aws/*` besides the control key: the functions' own (signed with the same secret). */
  acceptsAccessKeyId?: (accessKeyId: string) => boolean;
}

const json = (statusCode: number, message: string): HttpAnswer => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ message }),
});

/**
 * The control plane's gate, applied by the gateway to every request under `/_local/` and `/_aws/`
 * before any handler (so a handler registered there by anyone is covered):
 * - Host must be `127.0.0.1:<port>` or `localhost:<port>` (421 otherwise: DNS rebinding), an Origin
 *   header must be exactly `http://127.0.0.1:<port>` or `http://localhost:<port>` and Sec-Fetch-Site,
 *   when sent, `same-origin` or `none` (403 otherwise: a page of another site);
 * - the path must percent-decode and hold no `.` or `..` segment (400);
 * - `/_aws/*`: a SigV4 signature made with the secret as the secret access key, under the control
 *   key or a function's own (the AWS error of the protocol the request speaks, 403, otherwise);
 * - `/_local/*` with a method other than GET or HEAD: header `x-local-cloud-secret` equal to the
 *   secret (401 without, 403 wrong).
 * Returns the refusal, or undefined to let the request through.
 */
export class ControlPlaneGuard implements RequestGuard {
  private verifier?: { secret: string; verifier: SigV4Verifier };
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(private readonly options: ControlPlaneGuardOptions) {
    const loopback = [`127.0.0.1:${options.port}`, `localhost:${options.port}`];
    this.hosts = new Set(options.port === 80 ? [...loopback, '127.0.0.1', 'localhost'] : loopback);
    this.origins = new Set(loopback.map((host) => `http://${host}`));
  }

  covers(path: string): boolean {
    return isControlPlanePath(path);
  }

  /** `inProcess`: a function's call over its worker's port (the signature itself is not checked, see SigV4Verifier). */
  async check(request: SignedRequest, { inProcess = false }: { inProcess?: boolean } = {}): Promise<HttpAnswer | undefined> {
    const header = (name: string) => headerOf(request.rawHeaders, name);
    const host = header('host')?.toLowerCase();
    if (!host || !this.hosts.has(host)) {
      return json(
        421,
        `the local cloud's control plane answers only Host 127.0.0.1:${this.options.port} or localhost:${this.options.port} (got ${host ?? 'none'})`,
      );
    }
    const origin = header('origin');
    if (origin !== undefined && !this.origins.has(origin)) {
      return json(403, `the local cloud's control plane refuses requests from another origin (${origin}); it serves only its own tools`);
    }
    const fetchSite = header('sec-fetch-site');
    if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
      return json(403, `the local cloud's control plane refuses ${fetchSite} requests from a browser page`);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(request.path);
    } catch {
      return json(400, `malformed percent-encoding in the path: ${request.path}`);
    }
    if (decoded.split('/').some((segment) => segment === '.' || segment === '..') || decoded.includes('\0')) {
      return json(400, `the path may not hold . or .. segments or NUL: ${request.path}`);
    }

    const aws = request.path.startsWith('/_aws');
    if (!aws && READ_METHODS.has(request.httpMethod)) return undefined;
    const secret = this.options.secret();
    if (secret === undefined) return json(503, 'the local cloud is starting: try again in a moment');
    if (aws) {
      const verification = await this.verifierFor(secret).verify(request, { signature: !inProcess });
      return verification.ok ? undefined : awsError(request, verification);
    }
    const sent = header(CONTROL_SECRET_HEADER);
    if (sent === undefined) {
      return json(
        401,
        `${request.httpMethod} ${request.path} changes the local cloud: send header ${CONTROL_SECRET_HEADER} with the content of ${this.options.secretFile} (written at each start)`,
      );
    }
    if (!sameSecret(sent, secret)) {
      return json(403, `${CONTROL_SECRET_HEADER} does not match ${this.options.secretFile}; it changes at each start: read it again`);
    }
    return undefined;
  }

  private verifierFor(secret: string): SigV4Verifier {
    if (this.verifier?.secret !== secret) {
      this.verifier = {
        secret,
        verifier: new SigV4Verifier({
          accessKeyId: LOCAL_ACCESS_KEY_ID,
          acceptsAccessKeyId: this.options.acceptsAccessKeyId,
          secretAccessKey: secret,
          now: this.options.now,
        }),
      };
    }
    return this.verifier.verifier;
  }
}

/** Compares in constant time, whatever the lengths (both sides hashed first). */
function sameSecret(sent: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(secret));
}

const JSON_CODES: Record<SignatureFailure['code'], string> = {
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  UnrecognizedClient: 'UnrecognizedClientException',
  InvalidSignature: 'InvalidSignatureException',
  IncompleteSignature: 'IncompleteSignatureException',
};
const QUERY_CODES: Record<SignatureFailure['code'], string> = {
  MissingAuthenticationToken: 'MissingAuthenticationToken',
  UnrecognizedClient: 'InvalidClientTokenId',
  InvalidSignature: 'SignatureDoesNotMatch',
  IncompleteSignature: 'IncompleteSignature',
};
const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * A refused signature in the shape of the protocol the request speaks, so an SDK surfaces it as
 * AWS would: the JSON protocol (`X-Amz-Target`, `application/x-amz-json-1.x`: `__type`), the query
 * protocol (form body: an XML ErrorResponse) or REST-JSON (`x-amzn-ErrorType`, Lambda's).
 */
export function awsError(request: SignedRequest, failure: SignatureFailure): HttpAnswer {
  const requestId = randomUUID();
  const contentType = headerOf(request.rawHeaders, 'content-type') ?? '';
  if (headerOf(request.rawHeaders, 'x-amz-target') !== undefined || contentType.startsWith('application/x-amz-json-')) {
    const code = JSON_CODES[failure.code];
    return {
      statusCode: 403,
      headers: {
        'Content-Type': contentType.startsWith('application/x-amz-json-') ? contentType : 'application/x-amz-json-1.0',
        'x-amzn-RequestId': requestId,
        'x-amzn-ErrorType': code,
      },
      body: JSON.stringify({ __type: code, message: failure.message }),
    };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return {
      statusCode: 403,
      headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
      body: `<ErrorResponse><Error><Type>Sender</Type><Code>${QUERY_CODES[failure.code]}</Code><Message>${xmlEscape(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  return {
    statusCode: 403,
    headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': JSON_CODES[failure.code] },
    body: JSON.stringify({ Type: 'User', message: failure.message }),
  };
}
