import { createHash, createHmac, createSecretKey, timingSafeEqual, type Hash, type Hmac, type KeyObject } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** What the verifier needs of a received request. */
export interface SignedRequest {
  httpMethod: string;
  /** The path as sent (still percent-encoded): the SDK signs the path it sends. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Node's `rawHeaders`: names as sent, values in order. */
  rawHeaders: string[];
  body: Buffer;
}

/** Why a signature is refused, in the words of AWS's error codes. */
export type SignatureFailure =
  | { code: 'MissingAuthenticationToken'; message: string }
  | { code: 'UnrecognizedClient'; message: string }
  | { code: 'InvalidSignature'; message: string }
  | { code: 'IncompleteSignature'; message: string };

export type Verification = { ok: true } | ({ ok: false } & SignatureFailure);

export interface SigV4VerifierOptions {
  /** The access key id signatures are verified with (the secret is what proves them; the key only names the signer). */
  accessKeyId: string;
  /** Other access key ids accepted with the same secret (the functions' own, see iam/access-keys.ts). */
  acceptsAccessKeyId?: (accessKeyId: string) => boolean;
  /** The secret access key signatures must be made with. */
  secretAccessKey: string;
  /** How far the request's `x-amz-date` may be from now (AWS: 5 minutes). */
  maxSkewMs?: number;
  now?: () => number;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/**
 * HMAC keys as KeyObjects, by their bytes. SignatureV4 hashes with a handful of keys (the signing
 * key of each day, region and service, and the steps that derive it); a raw key costs node:crypto a
 * new KeyObject on every HMAC, which was the largest part of verifying a signature.
 */
const hmacKeys = new Map<string, KeyObject>();
const MAX_HMAC_KEYS = 64;

const hmacKey = (secret: SourceData): KeyObject => {
  const raw = bytes(secret);
  const id = typeof raw === 'string' ? `s:${raw}` : `b:${Buffer.from(raw).toString('base64')}`;
  let key = hmacKeys.get(id);
  if (!key) {
    if (hmacKeys.size >= MAX_HMAC_KEYS) hmacKeys.clear();
    key = createSecretKey(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
    hmacKeys.set(id, key);
  }
  return key;
};

/** SHA-256 and HMAC-SHA256 from node:crypto in the shape SignatureV4 asks for (what the SDK gives it in Node). */
export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', hmacKey(this.secret));
  }
}

/**
 * `x-amz-content-sha256` values that leave the body out of the signature, as S3 allows (the SDK's
 * streaming uploads send the second, with a checksum trailer S3 checks instead).
 */
const UNSIGNED_PAYLOADS = new Set(['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']);

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const fail = (code: SignatureFailure['code'], message: string): Verification => ({ ok: false, code, message }) as Verification;

/**
 * Verifies AWS Signature Version 4 (header form, `AWS4-HMAC-SHA256`) on a received request by
 * signing it again with @smithy/signature-v4 (the SDK's own signer) and the one secret, over
 * exactly the headers the client says it signed, at the client's `x-amz-date`, and comparing the
 * two signatures in constant time. The date must be within the skew window of now, and a signed
 * `x-amz-content-sha256` must be the hash of the body received.
 */
export class SigV4Verifier {
  private readonly signers = new Map<string, SignatureV4>();
  private readonly maxSkewMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SigV4VerifierOptions) {
    this.maxSkewMs = options.maxSkewMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * `signature: false` checks all but the signature itself (and the body's hash): the header's form, a known key, the
   * signed headers, the date. For a call whose signer is known otherwise (a function of this process, over its
   * worker's port, signing with the secret the local cloud gave it), where re-signing was the main thread's largest
   * single cost per call and would prove only that the function read its own environment.
   */
  async verify(request: SignedRequest, { signature: checkSignature = true }: { signature?: boolean } = {}): Promise<Verification> {
    const headers = canonicalHeaderValues(request.rawHeaders);
    const authorization = headers.get('authorization');
    if (!authorization) return fail('MissingAuthenticationToken', 'Request is missing Authentication Token');
    const parsed = AUTHORIZATION.exec(authorization);
    if (!parsed)
      return fail('IncompleteSignature', 'Authorization header requires AWS4-HMAC-SHA256 with Credential, SignedHeaders and Signature');
    const [, credential, signedHeaderList, signature] = parsed;
    const scope = credential.split('/');
    if (scope.length !== 5 || scope[4] !== 'aws4_request')
      return fail('IncompleteSignature', `Credential ${credential} is not <key>/<date>/<region>/<service>/aws4_request`);
    const [accessKeyId, shortDate, region, service] = scope;
    if (accessKeyId !== this.options.accessKeyId && !this.options.acceptsAccessKeyId?.(accessKeyId))
      return fail('UnrecognizedClient', 'The security token included in the request is invalid.');

    const signedHeaders = signedHeaderList.split(';');
    if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
      return fail('IncompleteSignature', 'SignedHeaders must include host and x-amz-date');
    }
    const toSign: Record<string, string> = Object.create(null);
    for (const name of signedHeaders) {
      const value = headers.get(name);
      if (value === undefined) return fail('IncompleteSignature', `signed header ${name} is missing from the request`);
      toSign[name] = value;
    }
    const amzDate = toSign['x-amz-date'];
    const date = AMZ_DATE.exec(amzDate);
    if (!date || !amzDate.startsWith(shortDate))
      return fail('IncompleteSignature', `x-amz-date ${amzDate} is not a date of the credential scope ${shortDate}`);
    const signingDate = new Date(Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]));
    const now = this.now();
    const skew = signingDate.getTime() - now;
    if (Math.abs(skew) > this.maxSkewMs) {
      const minutes = this.maxSkewMs / 60_000;
      const edge = amzDateOf(skew < 0 ? now - this.maxSkewMs : now + this.maxSkewMs);
      return fail(
        'InvalidSignature',
        `Signature expired: ${amzDate} is now ${skew < 0 ? 'earlier' : 'later'} than ${edge} (${amzDateOf(now)} ${skew < 0 ? '-' : '+'} ${minutes} min.)`,
      );
    }
    if (!checkSignature) return { ok: true };
    const contentHash = toSign['x-amz-content-sha256'];
    if (
      contentHash !== undefined &&
      !UNSIGNED_PAYLOADS.has(contentHash) &&
      contentHash !== createHash('sha256').update(request.body).digest('hex')
    ) {
      return fail('InvalidSignature', 'x-amz-content-sha256 is not the SHA-256 of the body received');
    }

    let query: Record<string, string | string[]>;
    try {
      query = parseQuery(request.query);
    } catch {
      return fail('InvalidSignature', 'malformed percent-encoding in the query string');
    }
    const [hostname, port] = (toSign.host ?? '').split(':');
    const signed = await this.signer(region, service).sign(
      {
        method: request.httpMethod,
        protocol: 'http:',
        hostname,
        port: port ? Number(port) : undefined,
        path: request.path,
        query,
        headers: toSign,
        body: request.body,
      },
      { signingDate, signableHeaders: new Set(signedHeaders) },
    );
    const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1];
    if (!expected) throw new Error(`SignatureV4 made no signature: ${String(signed.headers.authorization)}`);
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
      return fail(
        'InvalidSignature',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      );
    }
    return { ok: true };
  }

  private signer(region: string, service: string): SignatureV4 {
    const key = `${region}/${service}`;
    let signer = this.signers.get(key);
    if (!signer) {
      // Scopes are few (one per region and service) but come from the request: keep the cache bounded.
      if (this.signers.size >= 64) this.signers.clear();
      signer = new SignatureV4({
        credentials: { accessKeyId: this.options.accessKeyId, secretAccessKey: this.options.secretAccessKey },
        region,
        service,
        sha256: NodeSha256,
        // S3 signs the path as sent; every other service escapes it once more.
        uriEscapePath: service !== 's3',
        applyChecksum: false,
      });
      this.signers.set(key, signer);
    }
    return signer;
  }
}

/** `20250102T030405Z`: SigV4's long date. */
const amzDateOf = (epochMs: number) => new Date(epochMs).toISOString().replace(/[-:]|\.\d{3}/g, '');

/** Header values by lower-case name; a repeated header's values joined with `,` (SigV4's canonical form). */
function canonicalHeaderValues(rawHeaders: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index].toLowerCase();
    const existing = headers.get(name);
    headers.set(name, existing === undefined ? rawHeaders[index + 1] : `${existing},${rawHeaders[index + 1]}`);
  }
  return headers;
}

/** The query as SignatureV4 takes it: decoded keys and values, repeated keys as arrays. Throws on bad percent-encoding. */
function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  if (!raw) return query;
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    const key = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1));
    const existing = query[key];
    query[key] = existing === undefined ? value : ([] as string[]).concat(existing, value);
  }
  return query;
}
