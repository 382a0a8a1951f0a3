import { buildFunctionUrlEvent, functionUrlResponse, localIamIdentity } from './function-url-event';
import type { IncomingRequest } from './proxy-event';

const request = (overrides: Partial<IncomingRequest> = {}): IncomingRequest => ({
  httpMethod: 'GET',
  path: '/a%20b/c',
  query: '',
  rawHeaders: ['Host', '127.0.0.1:4000', 'User-Agent', 'test'],
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
  ...overrides,
});
const context = { urlId: 'abc123', requestId: 'req-1', now: Date.UTC(2026, 2, 4, 5, 6, 7) };

describe('buildFunctionUrlEvent', () => {
  it('builds a payload format 2.0 event with the decoded path and the request context', () => {
    const event = buildFunctionUrlEvent(request(), context);
    expect(event).toEqual({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/a b/c',
      rawQueryString: '',
      headers: { host: '127.0.0.1:4000', 'user-agent': 'test' },
      requestContext: {
        accountId: 'anonymous',
        apiId: 'abc123',
        domainName: 'abc123.lambda-url.us-east-1.on.aws',
        domainPrefix: 'abc123',
        http: { method: 'GET', path: '/a b/c', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
        requestId: 'req-1',
        routeKey: '$default',
        stage: '$default',
        time: '04/Mar/2026:05:06:07 +0000',
        timeEpoch: context.now,
      },
      isBase64Encoded: false,
    });
  });

  it('lower-cases header names, joins repeated headers and query values with commas and moves cookies to their own list', () => {
    const event = buildFunctionUrlEvent(
      request({ query: 'a=1&a=2&b=x', rawHeaders: ['X-Multi', 'one', 'x-multi', 'two', 'Cookie', 'c1=v1; c2=v2'] }),
      context,
    );
    expect(event.headers).toEqual({ 'x-multi': 'one,two' });
    expect(event.cookies).toEqual(['c1=v1', 'c2=v2']);
    expect(event.queryStringParameters).toEqual({ a: '1,2', b: 'x' });
    expect(event.rawQueryString).toBe('a=1&a=2&b=x');
  });

  it('passes a text body as is and base64-encodes any other', () => {
    const json = buildFunctionUrlEvent(
      request({ httpMethod: 'POST', rawHeaders: ['Content-Type', 'application/json'], body: Buffer.from('{"a":1}') }),
      context,
    );
    expect([json.body, json.isBase64Encoded]).toEqual(['{"a":1}', false]);
    const binary = buildFunctionUrlEvent(
      request({ httpMethod: 'POST', rawHeaders: ['Content-Type', 'image/png'], body: Buffer.from([1, 2, 3]) }),
      context,
    );
    expect([binary.body, binary.isBase64Encoded]).toEqual(['AQID', true]);
  });

  it("carries the caller's IAM identity when the URL's AuthType is AWS_IAM", () => {
    const event = buildFunctionUrlEvent(request(), { ...context, iam: localIamIdentity('LOCALCLOUDCONTROL') });
    expect(event.requestContext.accountId).toBe('000000000000');
    expect((event.requestContext as { authorizer?: unknown }).authorizer).toEqual({
      iam: {
        accessKey: 'LOCALCLOUDCONTROL',
        accountId: '000000000000',
        callerId: 'LOCALCLOUDCONTROL',
        cognitoIdentity: null,
        principalOrgId: null,
        userArn: 'arn:aws:iam::000000000000:user/local-cloud',
        userId: 'LOCALCLOUDCONTROL',
      },
    });
  });
});

describe('functionUrlResponse', () => {
  it('reads a result with statusCode as the response, cookies as Set-Cookie and a base64 body decoded', () => {
    expect(
      functionUrlResponse({ statusCode: 201, headers: { 'x-a': 'b' }, cookies: ['k=v'], body: 'AQID', isBase64Encoded: true }),
    ).toEqual({
      statusCode: 201,
      headers: [
        ['x-a', 'b'],
        ['Set-Cookie', 'k=v'],
      ],
      body: Buffer.from([1, 2, 3]),
    });
  });

  it('answers any other result as a 200 with the result as JSON, as Lambda infers it', () => {
    expect(functionUrlResponse({ ok: true })).toEqual({
      statusCode: 200,
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from('{"ok":true}'),
    });
    expect(functionUrlResponse('hello')).toEqual({
      statusCode: 200,
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from('hello'),
    });
  });
});
