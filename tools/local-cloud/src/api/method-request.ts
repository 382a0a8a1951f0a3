import { ProxyHeaders } from '@shop/emulators';
import type { MethodDef, RestApiDef } from '../assembly/model';
import { LOCAL_ACCOUNT_ID } from '../assembly/naming';
import type { MethodRequest } from './non-proxy';
import type { IncomingRequest } from './proxy-event';

export interface MethodRequestContext {
  api: RestApiDef;
  method: MethodDef;
  pathParameters: Record<string, string> | null;
  requestId: string;
  extendedRequestId: string;
  /** `$context.path`: `/<stage>/...` on API Gateway's own endpoint, the full path through a base path mapping. */
  path: string;
  /** ms since epoch. */
  now: number;
}

/**
 * The method request as mapping templates, parameter mappings and Lambda authorizers see it:
 * headers and query string parameters (the last value of each), path parameters, and `$context`
 * (requestId, httpMethod, resourcePath, stage, identity.sourceIp, ...; `authorizer` is added once
 * an authorizer has run).
 */
export function methodRequestOf(request: IncomingRequest, context: MethodRequestContext): MethodRequest {
  const headers = new ProxyHeaders(request.rawHeaders);
  const header: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers.headers)) if (value !== undefined) header[name] = String(value);
  const querystring: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(request.query)) querystring[name] = value;
  const host = headers.get('host') ?? 'localhost';
  return {
    contentType: headers.get('content-type') ?? undefined,
    accept: headers.get('accept') ?? undefined,
    body: request.body.toString('utf8'),
    params: { path: context.pathParameters ?? {}, querystring, header },
    stageVariables: context.api.stageVariables,
    context: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: context.api.id,
      domainName: host.split(':')[0],
      domainPrefix: host.split('.')[0].split(':')[0],
      extendedRequestId: context.extendedRequestId,
      httpMethod: request.httpMethod,
      identity: { sourceIp: request.sourceIp, userAgent: headers.get('user-agent') ?? null, accountId: null, caller: null, user: null },
      path: context.path,
      protocol: request.protocol,
      requestId: context.requestId,
      requestTime: new Date(context.now).toISOString(),
      requestTimeEpoch: context.now,
      resourcePath: context.method.resourcePath,
      stage: context.api.stageName,
      authorizer: {},
    },
  };
}
