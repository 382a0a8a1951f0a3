import { buildProxyEvent as buildRestShapedEvent, ProxyHeaders } from '@shop/emulators';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { buildFunctionUrlEvent, requestTime } from '../api/function-url-event';
import type { IncomingRequest } from '../api/proxy-event';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../assembly/naming';

/** What the HTTP API knows of a request once a route is chosen. */
export interface HttpApiEventContext {
  apiId: string;
  stage: string;
  stageVariables: Record<string, string> | null;
  routeKey: string;
  /** The route's path (`/items/{id}`), or `$default`. */
  routePath: string;
  pathParameters: Record<string, string> | null;
  requestId: string;
  traceId: string;
  /** ms since epoch. */
  now: number;
  /** What the authorizer passed on (`{ jwt: { claims, scopes } }`, `{ lambda: {...} }`). */
  authorizer?: Record<string, unknown>;
}

/** `<api id>.execute-api.us-east-1.amazonaws.com`: the domain API Gateway serves an API on. */
export const apiDomain = (apiId: string) => `${apiId}.execute-api.${LOCAL_REGION}.amazonaws.com`;

/** The headers API Gateway adds before the integration sees a request (X-Forwarded-*, the trace id). */
function withGatewayHeaders(request: IncomingRequest, traceId: string): IncomingRequest {
  const rawHeaders: string[] = [];
  let forwardedFor: string | undefined;
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index].toLowerCase();
    if (name === 'x-forwarded-for') forwardedFor = request.rawHeaders[index + 1];
    else if (!['x-forwarded-proto', 'x-forwarded-port', 'x-amzn-trace-id'].includes(name))
      rawHeaders.push(name, request.rawHeaders[index + 1]);
  }
  rawHeaders.push('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp);
  rawHeaders.push('x-forwarded-port', '443', 'x-forwarded-proto', 'https', 'x-amzn-trace-id', traceId);
  return { ...request, rawHeaders };
}

/**
 * The event of payload format 2.0, as an HTTP API builds it (the function URL event, which is the
 * same format, with the API's route, stage, domain and authorizer): header names lower-cased and
 * repeated values comma-joined, `cookies`, repeated query values comma-joined, `rawPath` the path as
 * requested (with the stage on a named stage), a body that is not text base64-encoded.
 * `request.path` is that raw path.
 */
export function buildHttpApiEventV2(request: IncomingRequest, context: HttpApiEventContext): APIGatewayProxyEventV2 {
  const base = buildFunctionUrlEvent(withGatewayHeaders(request, context.traceId), {
    urlId: context.apiId,
    requestId: context.requestId,
    now: context.now,
  });
  const { body, isBase64Encoded, ...head } = base;
  return {
    ...head,
    routeKey: context.routeKey,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: context.apiId,
      ...(context.authorizer ? { authorizer: context.authorizer } : {}),
      domainName: apiDomain(context.apiId),
      domainPrefix: context.apiId,
      http: base.requestContext.http,
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: context.stage,
      time: base.requestContext.time,
      timeEpoch: context.now,
    },
    ...(body === undefined ? {} : { body }),
    ...(context.pathParameters ? { pathParameters: context.pathParameters } : {}),
    isBase64Encoded,
    ...(context.stageVariables ? { stageVariables: context.stageVariables } : {}),
  } as APIGatewayProxyEventV2;
}

/**
 * The event of payload format 1.0, as an HTTP API builds it: the REST proxy event's shape
 * (`multiValueHeaders`, `multiValueQueryStringParameters`) with `version: "1.0"`, header names
 * lower-cased, `path` the full requested path, `resource` the route's path, and
 * `requestContext.authorizer` `{ claims, scopes }` (null without a JWT authorizer).
 */
export function buildHttpApiEventV1(request: IncomingRequest, context: HttpApiEventContext): APIGatewayProxyEvent & { version: '1.0' } {
  const forwarded = withGatewayHeaders(request, context.traceId);
  const headers = new ProxyHeaders(forwarded.rawHeaders);
  const text = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|[^;]*\+(json|xml))/i.test(
    headers.get('content-type') ?? 'text/plain',
  );
  const path = decodeURIComponent(request.path);
  const event = buildRestShapedEvent({
    httpMethod: request.httpMethod,
    path,
    resourcePath: context.routePath,
    headers,
    query: request.query ? new URLSearchParams(request.query) : undefined,
    pathParameters: context.pathParameters,
    stageVariables: context.stageVariables,
    body: request.body.length === 0 ? null : text ? request.body.toString('utf8') : request.body.toString('base64'),
    isBase64Encoded: request.body.length > 0 && !text,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: context.apiId,
      authorizer: (context.authorizer ?? { claims: null, scopes: null }) as APIGatewayProxyEvent['requestContext']['authorizer'],
      domainName: apiDomain(context.apiId),
      domainPrefix: context.apiId,
      extendedRequestId: context.requestId,
      path,
      protocol: request.protocol,
      requestId: context.requestId,
      requestTime: requestTime(context.now),
      requestTimeEpoch: context.now,
      resourceId: context.routeKey,
      sourceIp: request.sourceIp,
      stage: context.stage,
      userAgent: headers.get('user-agent') ?? null,
    },
  });
  return { version: '1.0', ...event };
}
