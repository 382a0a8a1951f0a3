import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from '../assembly/naming';
import type { IncomingRequest } from './proxy-event';

export interface FunctionUrlEventContext {
  /** The URL's id (`<url-id>.lambda-url.<region>.on.aws`). */
  urlId: string;
  requestId: string;
  /** ms since epoch. */
  now: number;
  /** `requestContext.authorizer.iam` of a request that passed AWS_IAM. */
  iam?: { accessKey: string; accountId: string; callerId: string; userArn: string; userId: string };
}

const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, as `requestContext.time` has it. */
export function requestTime(now: number): string {
  const date = new Date(now);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/**
 * The event a function URL sends its function (payload format 2.0): header names lower-cased and
 * repeated values comma-joined, cookies in `cookies`, repeated query values comma-joined, a body
 * that is not text base64-encoded.
 */
export function buildFunctionUrlEvent(request: IncomingRequest, context: FunctionUrlEventContext): LambdaFunctionURLEvent {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index].toLowerCase();
    const value = request.rawHeaders[index + 1];
    if (name === 'cookie') cookies = [...(cookies ?? []), ...value.split(/;\s*/).filter(Boolean)];
    else headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(request.query))
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const domainName = `${context.urlId}.lambda-url.us-east-1.on.aws`;
  const text = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const path = decodeURIComponent(request.path);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: request.query,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(request.query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: context.iam ? context.iam.accountId : 'anonymous',
      apiId: context.urlId,
      ...(context.iam ? { authorizer: { iam: { ...context.iam, cognitoIdentity: null, principalOrgId: null } } } : {}),
      domainName,
      domainPrefix: context.urlId,
      http: {
        method: request.httpMethod,
        path,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(context.now),
      timeEpoch: context.now,
    },
    ...(request.body.length > 0 ? { body: text ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: request.body.length > 0 && !text,
  } as LambdaFunctionURLEvent;
}

/** The account the local credentials belong to, as `requestContext.authorizer.iam` names it. */
export const localIamIdentity = (accessKey: string) => ({
  accessKey,
  accountId: LOCAL_ACCOUNT_ID,
  callerId: accessKey,
  userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local-cloud`,
  userId: accessKey,
});

export interface FunctionUrlResponse {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
}

/**
 * What a function URL answers for a function's result: an object with `statusCode` is read as
 * the response (`headers`, `cookies` as Set-Cookie, `body`, `isBase64Encoded`); anything else is
 * a 200 with the result as JSON, as Lambda infers it.
 */
export function functionUrlResponse(result: unknown): FunctionUrlResponse {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const response = result as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      cookies?: unknown[];
      body?: unknown;
      isBase64Encoded?: boolean;
    };
    const headers: [string, string][] = Object.entries(response.headers ?? {}).map(([name, value]) => [name, String(value)]);
    for (const cookie of response.cookies ?? []) headers.push(['Set-Cookie', String(cookie)]);
    const body =
      response.body === undefined || response.body === null
        ? ''
        : typeof response.body === 'string'
          ? response.body
          : JSON.stringify(response.body);
    return { statusCode: Number(response.statusCode), headers, body: Buffer.from(body, response.isBase64Encoded ? 'base64' : 'utf8') };
  }
  const body = result === undefined ? '' : typeof result === 'string' ? result : JSON.stringify(result);
  return { statusCode: 200, headers: [['Content-Type', 'application/json']], body: Buffer.from(body) };
}
