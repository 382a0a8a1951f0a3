import type { MethodDef, RestApiDef } from '../assembly/model';
import { buildProxyEvent, parseProxyResponse, type IncomingRequest } from './proxy-event';

const method: MethodDef = {
  httpMethod: 'ANY',
  resourcePath: '/{proxy+}',
  authorizationType: 'COGNITO_USER_POOLS',
  authorizationScopes: [],
  apiKeyRequired: false,
  integration: { type: 'AWS_PROXY', functionName: 'router', timeoutMs: 29_000 },
};

const api: RestApiDef = {
  service: 'product',
  stackName: 'shop-local-product',
  logicalId: 'Api',
  id: 'a1b2c3d4e5',
  name: 'product-api',
  stageName: 'prod',
  stageVariables: null,
  basePaths: ['products'],
  binaryMediaTypes: ['image/png'],
  methods: [method],
};

const request = (overrides: Partial<IncomingRequest> = {}): IncomingRequest => ({
  httpMethod: 'PUT',
  path: '/products/ABC-1',
  query: 'tag=a&tag=b&limit=5',
  rawHeaders: [
    'Host',
    '127.0.0.1:3000',
    'User-Agent',
    'curl/8.5.0',
    'If-Match',
    '3',
    'Accept',
    'text/plain',
    'accept',
    'application/json',
    'Content-Type',
    'application/json',
  ],
  body: Buffer.from('{"name":"Mug"}'),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
  ...overrides,
});

const NOW = Date.UTC(2025, 2, 4, 19, 15, 17, 135);

describe('buildProxyEvent', () => {
  it('builds the REST API proxy event (payload format 1.0), field by field', () => {
    const event = buildProxyEvent(request(), {
      api,
      method,
      pathParameters: { proxy: 'ABC-1' },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      extendedRequestId: 'abcdefgh',
      traceId: 'Root=1-67c75215-0123456789abcdef01234567',
      now: NOW,
      claims: { sub: 'u-1', 'cognito:groups': 'admin', token_use: 'id' },
    });

    // The documented shape: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
    expect(event).toEqual({
      resource: '/{proxy+}',
      path: '/products/ABC-1',
      httpMethod: 'PUT',
      headers: {
        Host: '127.0.0.1:3000',
        'User-Agent': 'curl/8.5.0',
        'If-Match': '3',
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'X-Forwarded-For': '127.0.0.1',
        'X-Forwarded-Proto': 'http',
        'X-Amzn-Trace-Id': 'Root=1-67c75215-0123456789abcdef01234567',
      },
      multiValueHeaders: {
        Host: ['127.0.0.1:3000'],
        'User-Agent': ['curl/8.5.0'],
        'If-Match': ['3'],
        Accept: ['text/plain', 'application/json'],
        'Content-Type': ['application/json'],
        'X-Forwarded-For': ['127.0.0.1'],
        'X-Forwarded-Proto': ['http'],
        'X-Amzn-Trace-Id': ['Root=1-67c75215-0123456789abcdef01234567'],
      },
      queryStringParameters: { tag: 'b', limit: '5' },
      multiValueQueryStringParameters: { tag: ['a', 'b'], limit: ['5'] },
      pathParameters: { proxy: 'ABC-1' },
      stageVariables: null,
      requestContext: {
        accountId: '000000000000',
        apiId: 'a1b2c3d4e5',
        authorizer: { claims: { sub: 'u-1', 'cognito:groups': 'admin', token_use: 'id' } },
        domainName: '127.0.0.1',
        domainPrefix: '127',
        extendedRequestId: 'abcdefgh',
        httpMethod: 'PUT',
        identity: {
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: '127.0.0.1',
          user: null,
          userAgent: 'curl/8.5.0',
          userArn: null,
        },
        path: '/products/ABC-1',
        protocol: 'HTTP/1.1',
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        requestTime: '04/Mar/2025:19:15:17 +0000',
        requestTimeEpoch: NOW,
        resourceId: expect.stringMatching(/^[0-9a-z]{6}$/),
        resourcePath: '/{proxy+}',
        stage: 'prod',
      },
      body: '{"name":"Mug"}',
      isBase64Encoded: false,
    });
  });

  it('sends null query maps, path parameters and body when there are none, and no authorizer for a public method', () => {
    const event = buildProxyEvent(request({ httpMethod: 'GET', query: '', body: Buffer.alloc(0) }), {
      api: { ...api, stageVariables: { flavour: 'local' } },
      method: { ...method, resourcePath: '/', authorizationType: 'NONE' },
      pathParameters: null,
      requestId: 'r',
      extendedRequestId: 'e',
      traceId: 't',
      now: NOW,
    });
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.body).toBeNull();
    expect(event.stageVariables).toEqual({ flavour: 'local' });
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('decodes the query string and appends to an X-Forwarded-For the client sent', () => {
    const event = buildProxyEvent(request({ query: 'q=caf%C3%A9+mug&cursor=abc%3D%3D', rawHeaders: ['X-Forwarded-For', '10.0.0.1'] }), {
      api,
      method,
      pathParameters: { proxy: 'x' },
      requestId: 'r',
      extendedRequestId: 'e',
      traceId: 't',
      now: NOW,
    });
    expect(event.queryStringParameters).toEqual({ q: 'café mug', cursor: 'abc==' });
    expect(event.headers['X-Forwarded-For']).toBe('10.0.0.1, 127.0.0.1');
  });

  it('base64-encodes a body whose content type is one of the API binary media types', () => {
    const body = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]);
    const event = buildProxyEvent(request({ rawHeaders: ['Content-Type', 'image/png'], body }), {
      api,
      method,
      pathParameters: null,
      requestId: 'r',
      extendedRequestId: 'e',
      traceId: 't',
      now: NOW,
    });
    expect(event).toEqual(expect.objectContaining({ body: body.toString('base64'), isBase64Encoded: true }));
  });
});

describe('parseProxyResponse', () => {
  it('accepts a proxy response, merging multi-value and single headers, and decodes base64 bodies', () => {
    expect(
      parseProxyResponse({
        statusCode: 201,
        headers: { 'content-type': 'application/json', ETag: 1 },
        multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
        body: 'eyJvayI6dHJ1ZX0=',
        isBase64Encoded: true,
      }),
    ).toEqual({
      ok: true,
      statusCode: 201,
      headers: [
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
        ['content-type', 'application/json'],
        ['ETag', '1'],
      ],
      body: Buffer.from('{"ok":true}'),
    });
  });

  it('accepts a response without a body', () => {
    expect(parseProxyResponse({ statusCode: 204 })).toEqual({ ok: true, statusCode: 204, headers: [], body: '' });
  });

  it('keeps a text body as text', () => {
    expect(parseProxyResponse({ statusCode: 200, body: '{"name":"Mug ☕"}' })).toEqual({
      ok: true,
      statusCode: 200,
      headers: [],
      body: '{"name":"Mug ☕"}',
    });
  });

  it.each([
    ['not an object', 'hello'],
    ['no status code', { body: '{}' }],
    ['a fractional status code', { statusCode: 200.5 }],
    ['an unknown field', { statusCode: 200, hello: 'world' }],
    ['a body that is not a string', { statusCode: 200, body: { a: 1 } }],
  ])('rejects %s as API Gateway does (502 Malformed Lambda proxy response)', (_case, result) => {
    expect(parseProxyResponse(result)).toEqual({ ok: false, reason: expect.stringMatching(/^Malformed Lambda proxy response/) });
  });
});
