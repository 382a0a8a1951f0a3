import { buildProxyEvent, ProxyHeaders, type ProxyEventInput } from './proxy-event';

const input = (overrides: Partial<ProxyEventInput> = {}): ProxyEventInput => ({
  httpMethod: 'GET',
  path: '/products/MUG-1',
  resourcePath: '/{proxy+}',
  headers: new ProxyHeaders(['Host', 'api.example.com']),
  pathParameters: { proxy: 'MUG-1' },
  stageVariables: null,
  body: null,
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'api.example.com',
    domainPrefix: 'api',
    extendedRequestId: 'e-1',
    path: '/products/MUG-1',
    protocol: 'HTTP/1.1',
    requestId: 'r-1',
    requestTimeEpoch: 1_735_689_600_000,
    resourceId: 'proxy',
    sourceIp: '203.0.113.10',
    stage: 'prod',
    userAgent: null,
  },
  ...overrides,
});

describe('ProxyHeaders', () => {
  it('keeps the last value in headers and all of them in multiValueHeaders, under the first spelling of the name', () => {
    const headers = new ProxyHeaders(['Accept', 'text/plain', 'accept', 'application/json', 'X-Id', '1']);
    headers.add('x-id', '2');

    expect(headers.headers).toEqual({ Accept: 'application/json', 'X-Id': '2' });
    expect(headers.multiValueHeaders).toEqual({ Accept: ['text/plain', 'application/json'], 'X-Id': ['1', '2'] });
    expect(headers.get('accept')).toBe('application/json');
    expect(headers.get('content-type')).toBeUndefined();
  });
});

describe('buildProxyEvent', () => {
  it('leaves the authorizer and the request time out when they are undefined', () => {
    const event = buildProxyEvent(input());

    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event.requestContext).not.toHaveProperty('requestTime');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.resource).toBe('/{proxy+}');
    expect(event.requestContext.resourcePath).toBe('/{proxy+}');
    expect(event.requestContext.httpMethod).toBe('GET');
  });

  it('sends a null authorizer as null, and claims and the request time as given', () => {
    const anonymous = buildProxyEvent(input({ requestContext: { ...input().requestContext, authorizer: null } }));
    const signedIn = buildProxyEvent(
      input({
        requestContext: { ...input().requestContext, authorizer: { claims: { sub: 'u-1' } }, requestTime: '01/Jan/2025:00:00:00 +0000' },
      }),
    );

    expect(anonymous.requestContext.authorizer).toBeNull();
    expect(signedIn.requestContext.authorizer).toEqual({ claims: { sub: 'u-1' } });
    expect(signedIn.requestContext.requestTime).toBe('01/Jan/2025:00:00:00 +0000');
  });

  it('maps query pairs to single (last value) and multi-value maps, and sends null for no pairs', () => {
    const event = buildProxyEvent(input({ query: new URLSearchParams('tag=a&tag=b&limit=5') }));
    const none = buildProxyEvent(input({ query: [] }));

    expect(event.queryStringParameters).toEqual({ tag: 'b', limit: '5' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['a', 'b'], limit: ['5'] });
    expect(none.queryStringParameters).toBeNull();
    expect(none.multiValueQueryStringParameters).toBeNull();
  });
});
