import { buildProxyEvent, ProxyHeaders } from '@shop/emulators';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** Cognito ID-token claims as API Gateway's COGNITO_USER_POOLS authorizer passes them (strings). */
export type AuthorizerClaims = Record<string, string>;

/** Claims of a caller in the `admin` group. */
export const adminClaims = (overrides: AuthorizerClaims = {}): AuthorizerClaims => ({
  sub: '11111111-1111-4111-8111-111111111111',
  'cognito:username': 'admin',
  'cognito:groups': 'admin',
  email: 'admin@example.com',
  ...overrides,
});

/** Claims of a signed-in customer (no groups). */
export const customerClaims = (overrides: AuthorizerClaims = {}): AuthorizerClaims => ({
  sub: '22222222-2222-4222-8222-222222222222',
  'cognito:username': 'customer',
  email: 'customer@example.com',
  ...overrides,
});

/** What a test says about a request; everything else gets realistic defaults. */
export interface ApiRequest {
  /** @default 'GET' */
  readonly method?: string;
  /** Path relative to the service's API root, e.g. `/` or `/MUG-001`. @default '/' */
  readonly path?: string;
  /**
   * How the API is reached: through a custom domain with this base path mapping (`/products`),
   * or on the raw execute-api URL when `undefined` (the stage is then in `requestContext.path`).
   * @default '/products'
   */
  readonly basePath?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is (e.g. malformed JSON); anything else is JSON-encoded. */
  readonly body?: unknown;
  /** Authorizer claims; omit for an anonymous (public route) request. */
  readonly claims?: AuthorizerClaims;
  /** @default 'req-0001' */
  readonly requestId?: string;
  /** @default 'dev' */
  readonly stage?: string;
}

/**
 * An API Gateway REST (v1) proxy event as a `{proxy+}` resource receives it: `/` hits the root
 * resource, anything else `/{proxy+}` with `pathParameters.proxy`. With a base path mapping,
 * `event.path` includes the base path, as in AWS. Built by the local cloud's builder
 * (`@shop/emulators`), so a test's event has the shape the local cloud and AWS send.
 */
export const apiGatewayProxyEvent = (request: ApiRequest = {}): APIGatewayProxyEvent => {
  const method = request.method ?? 'GET';
  const relative = request.path ?? '/';
  const basePath = 'basePath' in request ? request.basePath : '/products';
  const stage = request.stage ?? 'dev';
  const isRoot = relative === '/' || relative === '';
  const proxy = isRoot ? undefined : relative.replace(/^\//, '');
  const fullPath = `${basePath ?? ''}${isRoot ? (basePath ? '' : '/') : relative}` || '/';
  const host = basePath ? 'api.shop.example.com' : 'abc123.execute-api.eu-west-1.amazonaws.com';
  const headers = new ProxyHeaders(
    Object.entries({
      Accept: 'application/json',
      Host: host,
      'X-Forwarded-Proto': 'https',
      ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...request.headers,
    }).flat(),
  );
  const requestId = request.requestId ?? 'req-0001';

  return buildProxyEvent({
    httpMethod: method,
    path: fullPath,
    resourcePath: isRoot ? '/' : '/{proxy+}',
    headers,
    query: Object.entries(request.query ?? {}),
    pathParameters: proxy === undefined ? null : { proxy },
    stageVariables: null,
    body: request.body === undefined ? null : typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: request.claims ? { claims: { ...request.claims } } : null,
      domainName: headers.headers['Host'] ?? 'localhost',
      domainPrefix: 'api',
      extendedRequestId: `${requestId}-ext`,
      path: basePath ? fullPath : `/${stage}${fullPath === '/' ? '/' : fullPath}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: 1_735_689_600_000,
      resourceId: isRoot ? 'root' : 'proxy',
      sourceIp: '203.0.113.10',
      stage,
      userAgent: 'jest',
    },
  });
};
