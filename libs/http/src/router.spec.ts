import { NotFoundError } from '@shop/domain';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { requireGroup } from './claims';
import { clientPath, correlationIdOf, createRestRouter, resolveRestRequest, serviceRelativePath } from './router';

// @shop/testing holds the full event builders; a util lib may not depend on it, so a minimal one here.
const event = (
  method: string,
  relative: string,
  options: { basePath?: string; headers?: Record<string, string>; claims?: Record<string, string>; body?: string } = {},
): APIGatewayProxyEvent => {
  const isRoot = relative === '/';
  const basePath = options.basePath ?? '/products';
  const path = isRoot ? basePath || '/' : `${basePath}${relative}`;
  return {
    resource: isRoot ? '/' : '/{proxy+}',
    path,
    httpMethod: method,
    headers: { Host: 'api.example.com', ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: isRoot ? null : { proxy: relative.slice(1) },
    stageVariables: null,
    body: options.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      path,
      requestId: 'req-1',
      authorizer: options.claims ? { claims: options.claims } : null,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
};
const context = {} as Context;
const logger = { debug: jest.fn(), error: jest.fn() };

const router = createRestRouter({ logger });
router.get('/', () => ({ route: 'root' }));
router.get('/:sku', (reqCtx) => ({ sku: reqCtx.params.sku, correlationId: correlationIdOf(reqCtx) }));
router.post('/', [requireGroup('admin')], () => new Response(null, { status: 201 }));
router.get('/missing/:sku', (reqCtx) => {
  throw new NotFoundError(`Product ${reqCtx.params.sku} does not exist.`);
});
router.get('/boom/now', () => {
  throw new Error('secret internals');
});

const bodyOf = (result: { body: string }) => JSON.parse(result.body) as unknown;

describe('serviceRelativePath', () => {
  it('is / for the root resource and /<proxy> under {proxy+}, whatever the base path', () => {
    expect(serviceRelativePath(event('GET', '/'))).toBe('/');
    expect(serviceRelativePath(event('GET', '/MUG-001'))).toBe('/MUG-001');
    expect(serviceRelativePath(event('GET', '/MUG-001', { basePath: '' }))).toBe('/MUG-001');
  });
});

describe('resolveRestRequest', () => {
  it('routes on the service-relative path behind a base path mapping', async () => {
    const result = await resolveRestRequest(router, event('GET', '/MUG-001'), context);
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ sku: 'MUG-001', correlationId: 'req-1' });
  });

  it('routes the root without a base path (raw execute-api URL)', async () => {
    const result = await resolveRestRequest(router, event('GET', '/', { basePath: '' }), context);
    expect(bodyOf(result)).toEqual({ route: 'root' });
  });

  it('keeps the caller correlation id and echoes it in the response', async () => {
    const result = await resolveRestRequest(router, event('GET', '/MUG-001', { headers: { 'X-Correlation-Id': 'from-caller' } }), context);
    expect(bodyOf(result)).toEqual({ sku: 'MUG-001', correlationId: 'from-caller' });
    expect(result.headers?.['x-correlation-id']).toBe('from-caller');
  });

  it('answers a domain error with its problem', async () => {
    const result = await resolveRestRequest(router, event('GET', '/missing/X-1'), context);
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(result)).toEqual({
      type: 'urn:shop:problem:not-found',
      title: 'Not found.',
      status: 404,
      detail: 'Product X-1 does not exist.',
      instance: '/products/missing/X-1',
      correlationId: 'req-1',
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const result = await resolveRestRequest(router, event('GET', '/a/b/c'), context);
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result)).toEqual({
      type: 'about:blank',
      title: 'NotFoundError',
      status: 404,
      detail: 'No such resource.',
      instance: '/products/a/b/c',
      correlationId: 'req-1',
    });
  });

  it('answers a path parameter with malformed percent-encoding with a 400 problem naming the path', async () => {
    const result = await resolveRestRequest(router, event('GET', '/%E0%A4%A'), context);
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({
      type: 'urn:shop:problem:validation-error',
      title: 'The request is not valid.',
      status: 400,
      detail: 'The request path is not valid.',
      instance: '/products/%E0%A4%A',
      correlationId: 'req-1',
      errors: [{ field: 'path', message: 'The path is not valid percent-encoding.' }],
    });
  });

  it('answers an unexpected error with a generic 500 and logs the error', async () => {
    const result = await resolveRestRequest(router, event('GET', '/boom/now'), context);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret');
    expect(result.body).not.toContain('at ');
    expect(bodyOf(result)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      instance: '/products/boom/now',
      correlationId: 'req-1',
    });
    expect(logger.error).toHaveBeenCalledWith('Request failed unexpectedly', new Error('secret internals'));
  });

  it('refuses a write without a caller (401) and from the wrong group (403)', async () => {
    const anonymous = await resolveRestRequest(router, event('POST', '/', { body: '{}' }), context);
    expect(anonymous.statusCode).toBe(401);
    const customer = await resolveRestRequest(
      router,
      event('POST', '/', { body: '{}', claims: { sub: 'u-1', 'cognito:groups': 'customers' } }),
      context,
    );
    expect(customer.statusCode).toBe(403);
    const admin = await resolveRestRequest(
      router,
      event('POST', '/', { body: '{}', claims: { sub: 'u-1', 'cognito:groups': 'admin' } }),
      context,
    );
    expect(admin.statusCode).toBe(201);
  });

  it('ignores a body sent with GET instead of failing', async () => {
    const result = await resolveRestRequest(router, event('GET', '/MUG-001', { body: '{"x":1}' }), context);
    expect(result.statusCode).toBe(200);
  });
});

describe('clientPath', () => {
  const routed = (path: string, fullPath: string) => ({ path, requestContext: { path: fullPath } });

  it('prefixes the custom-domain base path', () => {
    expect(clientPath(routed('/', '/products'), '/MUG-001')).toBe('/products/MUG-001');
    expect(clientPath(routed('/MUG-001', '/products/MUG-001'), '/MUG-002')).toBe('/products/MUG-002');
  });

  it('prefixes the stage on the raw execute-api URL', () => {
    expect(clientPath(routed('/', '/dev/'), '/MUG-001')).toBe('/dev/MUG-001');
  });
});
