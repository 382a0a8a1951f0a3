import { buildProxyEvent as buildEvent, ProxyHeaders } from '@shop/emulators';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { MethodDef, RestApiDef } from '../assembly/model';
import { LOCAL_ACCOUNT_ID } from '../assembly/naming';

/** What the HTTP server knows about a request. */
export interface IncomingRequest {
  httpMethod: string;
  /** The path as the client sent it, without the query string (still percent-encoded). */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Header names as sent (case kept) and values, in order: Node's `rawHeaders`. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
}

/** A header's value from Node's `rawHeaders` by lower-case name (the last one, when repeated). */
export function headerOf(rawHeaders: string[], name: string): string | undefined {
  let value: string | undefined;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2)
    if (rawHeaders[index].toLowerCase() === name) value = rawHeaders[index + 1];
  return value;
}

export interface ProxyEventContext {
  api: RestApiDef;
  method: MethodDef;
  pathParameters: Record<string, string> | null;
  requestId: string;
  extendedRequestId: string;
  traceId: string;
  /** ms since epoch. */
  now: number;
  claims?: Record<string, string>;
  /** What a Lambda TOKEN/REQUEST authorizer passed on (its context, principalId, integrationLatency). */
  authorizer?: Record<string, string | number | boolean>;
  /** `requestContext.path` when it differs from `path` (API Gateway's own endpoint: `/<stage><path>`). */
  requestContextPath?: string;
}

/**
 * The event API Gateway sends a Lambda proxy integration of a REST API (payload format 1.0). Through
 * a custom domain's base path mapping, `path` and `requestContext.path` hold the full path
 * (`/products/ABC-1`); through API Gateway's own endpoint, `path` is the path after the stage and
 * `requestContext.path` `/<stage>` plus it (the gateway passes both). `resource` and
 * `requestContext.resourcePath` are the API's resource (`/{proxy+}`). What the gateway adds is decided here (X-Forwarded-*, the trace header,
 * binary bodies, the resource id); the event's shape is `@shop/emulators`' builder.
 */
export function buildProxyEvent(request: IncomingRequest, context: ProxyEventContext): APIGatewayProxyEvent {
  const headers = new ProxyHeaders(request.rawHeaders);
  const forwardedFor = headers.headers['X-Forwarded-For'] ?? headers.headers['x-forwarded-for'];
  headers.add('X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp);
  headers.add('X-Forwarded-Proto', 'http');
  headers.add('X-Amzn-Trace-Id', context.traceId);
  const host = headers.get('host') ?? 'localhost';
  const contentType = headers.get('content-type') ?? '';
  const binary = request.body.length > 0 && isBinary(contentType, context.api.binaryMediaTypes);

  return buildEvent({
    httpMethod: request.httpMethod,
    path: request.path,
    resourcePath: context.method.resourcePath,
    headers,
    query: request.query ? new URLSearchParams(request.query) : undefined,
    pathParameters: context.pathParameters,
    stageVariables: context.api.stageVariables,
    body: request.body.length === 0 ? null : binary ? request.body.toString('base64') : request.body.toString('utf8'),
    isBase64Encoded: binary,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: context.api.id,
      authorizer: context.claims ? { claims: context.claims } : context.authorizer,
      domainName: host.split(':')[0],
      domainPrefix: host.split('.')[0].split(':')[0],
      extendedRequestId: context.extendedRequestId,
      path: context.requestContextPath ?? request.path,
      protocol: request.protocol,
      requestId: context.requestId,
      requestTime: clfTime(context.now),
      requestTimeEpoch: context.now,
      resourceId: resourceIdOf(context),
      sourceIp: request.sourceIp,
      stage: context.api.stageName,
      userAgent: headers.get('user-agent') ?? null,
    },
  });
}

function isBinary(contentType: string, binaryMediaTypes: string[]): boolean {
  const type = contentType.split(';')[0].trim().toLowerCase();
  return binaryMediaTypes.some((pattern) => {
    const wanted = pattern.toLowerCase().replace('~1', '/');
    if (wanted === '*/*') return true;
    if (wanted.endsWith('/*')) return type.startsWith(wanted.slice(0, -1));
    return type === wanted;
  });
}

function resourceIdOf(context: ProxyEventContext): string {
  // Stable per resource path within the API, like API Gateway's resource ids.
  let hash = 0;
  for (const char of `${context.api.id}${context.method.resourcePath}`) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(36).padStart(6, '0').slice(-6);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `04/Mar/2020:19:15:17 +0000` (the access-log time format API Gateway uses). */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** A proxy integration response, checked the way API Gateway checks it. */
export type ProxyResponse =
  { ok: true; statusCode: number; headers: [string, string][]; body: string | Buffer } | { ok: false; reason: string };

export function parseProxyResponse(result: unknown): ProxyResponse {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return { ok: false, reason: 'Malformed Lambda proxy response: not an object' };
  }
  const response = result as Record<string, unknown>;
  const statusCode =
    typeof response.statusCode === 'string' && /^\d+$/.test(response.statusCode) ? Number(response.statusCode) : response.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { ok: false, reason: 'Malformed Lambda proxy response: statusCode missing or not an integer' };
  }
  const allowed = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
  const unknown = Object.keys(response).filter((key) => !allowed.has(key));
  if (unknown.length) return { ok: false, reason: `Malformed Lambda proxy response: unexpected field(s) ${unknown.join(', ')}` };
  if (response.body !== undefined && response.body !== null && typeof response.body !== 'string') {
    return { ok: false, reason: 'Malformed Lambda proxy response: body is not a string' };
  }
  const headers: [string, string][] = [];
  for (const [name, values] of Object.entries((response.multiValueHeaders ?? {}) as Record<string, unknown>)) {
    for (const value of Array.isArray(values) ? values : [values]) headers.push([name, String(value)]);
  }
  for (const [name, value] of Object.entries((response.headers ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) headers.push([name, String(value)]);
  }
  const text = (response.body as string | undefined) ?? '';
  return {
    ok: true,
    statusCode,
    headers,
    // A string body goes out in one write with the headers (node:http joins them; a Buffer takes a writev).
    body: response.isBase64Encoded === true ? Buffer.from(text, 'base64') : text,
  };
}
