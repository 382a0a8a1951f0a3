import type { IncomingRequest } from '../api/proxy-event';
import { buildHttpApiEventV1, buildHttpApiEventV2, type HttpApiEventContext } from './events';

const request = (overrides: Partial<IncomingRequest> = {}): IncomingRequest => ({
  httpMethod: 'POST',
  path: '/dev/my/path',
  query: 'parameter1=value1&parameter1=value2&parameter2=value',
  rawHeaders: ['Host', '127.0.0.1:3000', 'User-Agent', 'agent', 'Header2', 'value1', 'header2', 'value2', 'Cookie', 'cookie1; cookie2'],
  body: Buffer.from('Hello from Lambda'),
  sourceIp: '192.0.2.1',
  protocol: 'HTTP/1.1',
  ...overrides,
});
const now = Date.UTC(2020, 2, 12, 19, 3, 58, 390);
const context: HttpApiEventContext = {
  apiId: 'api-id',
  stage: 'dev',
  stageVariables: { stageVariable1: 'value1' },
  routeKey: 'POST /my/{part}',
  routePath: '/my/{part}',
  pathParameters: { part: 'path' },
  requestId: 'id',
  traceId: 'Root=1-5e6a8e9e-0123456789abcdef01234567',
  now,
};

describe('HTTP API events', () => {
  it('builds payload format 2.0 as the developer guide shows it (rawPath with the stage, joined headers and queries, cookies)', () => {
    expect(
      buildHttpApiEventV2(request(), { ...context, authorizer: { jwt: { claims: { claim1: 'value1' }, scopes: ['scope1'] } } }),
    ).toEqual({
      version: '2.0',
      routeKey: 'POST /my/{part}',
      rawPath: '/dev/my/path',
      rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
      cookies: ['cookie1', 'cookie2'],
      headers: {
        host: '127.0.0.1:3000',
        'user-agent': 'agent',
        header2: 'value1,value2',
        'x-forwarded-for': '192.0.2.1',
        'x-forwarded-port': '443',
        'x-forwarded-proto': 'https',
        'x-amzn-trace-id': context.traceId,
      },
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'api-id',
        authorizer: { jwt: { claims: { claim1: 'value1' }, scopes: ['scope1'] } },
        domainName: 'api-id.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'api-id',
        http: { method: 'POST', path: '/dev/my/path', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'agent' },
        requestId: 'id',
        routeKey: 'POST /my/{part}',
        stage: 'dev',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: now,
      },
      body: 'Hello from Lambda',
      pathParameters: { part: 'path' },
      isBase64Encoded: false,
      stageVariables: { stageVariable1: 'value1' },
    });
  });

  it('leaves out what a request does not have, and base64-encodes a body that is not text', () => {
    const event = buildHttpApiEventV2(
      request({ query: '', rawHeaders: ['content-type', 'image/png', 'x-forwarded-for', '198.51.100.7'], body: Buffer.from([0, 1, 2]) }),
      { ...context, pathParameters: null, stageVariables: null },
    );
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('stageVariables');
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event.headers['x-forwarded-for']).toBe('198.51.100.7, 192.0.2.1');
    expect(event).toEqual(expect.objectContaining({ body: 'AAEC', isBase64Encoded: true }));
  });

  it('builds payload format 1.0 with multiValue fields, lower-cased header names and the route as resource', () => {
    const event = buildHttpApiEventV1(request(), context);
    expect(event).toEqual(
      expect.objectContaining({
        version: '1.0',
        resource: '/my/{part}',
        path: '/dev/my/path',
        httpMethod: 'POST',
        queryStringParameters: { parameter1: 'value2', parameter2: 'value' },
        multiValueQueryStringParameters: { parameter1: ['value1', 'value2'], parameter2: ['value'] },
        pathParameters: { part: 'path' },
        stageVariables: { stageVariable1: 'value1' },
        body: 'Hello from Lambda',
        isBase64Encoded: false,
      }),
    );
    expect(event.headers).toEqual(expect.objectContaining({ header2: 'value2', cookie: 'cookie1; cookie2' }));
    expect(event.multiValueHeaders).toEqual(expect.objectContaining({ header2: ['value1', 'value2'] }));
    expect(event.requestContext).toEqual(
      expect.objectContaining({
        accountId: '000000000000',
        apiId: 'api-id',
        authorizer: { claims: null, scopes: null },
        domainName: 'api-id.execute-api.us-east-1.amazonaws.com',
        httpMethod: 'POST',
        path: '/dev/my/path',
        requestTime: '12/Mar/2020:19:03:58 +0000',
        requestTimeEpoch: now,
        resourceId: 'POST /my/{part}',
        resourcePath: '/my/{part}',
        stage: 'dev',
      }),
    );
    expect(event.requestContext.identity).toEqual(expect.objectContaining({ sourceIp: '192.0.2.1', userAgent: 'agent' }));
  });
});
