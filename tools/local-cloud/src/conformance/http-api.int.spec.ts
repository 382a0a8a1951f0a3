/**
 * Conformance: an HTTP API (API Gateway v2) written with CDK's `aws-apigatewayv2` constructs,
 * synthesized in the test run and served by the built local cloud: Lambda proxy routes with a path
 * parameter, a greedy path and the `$default` route, payload format 1.0 on one route, a Cognito
 * user pool's JWT authorizer, a Lambda authorizer with simple responses, and CORS preflights.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration, HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { connect } from 'node:net';
import { readControlSecret, CONTROL_SECRET_HEADER } from '../control-plane/secret';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

const ECHO = `
exports.handler = async (event) => {
  if ((event.rawPath ?? event.path).endsWith('/cookies')) return { statusCode: 201, cookies: ['a=1; Path=/', 'b=2'], body: 'made' };
  if ((event.rawPath ?? event.path).endsWith('/broken')) throw new Error('broken on purpose');
  const ctx = event.requestContext;
  const out = {
    version: event.version,
    routeKey: event.routeKey ?? null,
    rawPath: event.rawPath ?? null,
    path: event.path ?? null,
    resource: event.resource ?? null,
    rawQueryString: event.rawQueryString ?? null,
    query: event.queryStringParameters ?? null,
    multiQuery: event.multiValueQueryStringParameters ?? null,
    multiHeader: event.multiValueHeaders?.['x-multi'] ?? null,
    header: event.headers['x-multi'] ?? null,
    cookies: event.cookies ?? null,
    pathParameters: event.pathParameters ?? null,
    method: ctx.http?.method ?? event.httpMethod,
    stage: ctx.stage,
    authorizer: ctx.authorizer ?? null,
    body: event.body ?? null,
  };
  // Payload 1.0 needs a statusCode (format 2.0 infers a 200 JSON answer).
  return event.version === '1.0' ? { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out) } : out;
};`;

const GATE = `
exports.handler = async (event) => ({
  isAuthorized: event.headers.authorization === 'let-me-in',
  context: { who: 'gate', route: event.routeKey, identity: event.identitySource.join('|') },
});`;

const POLICY = `
exports.handler = async (event) => ({
  principalId: 'user-1',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: event.headers.authorization === 'allow' ? 'Allow' : 'Deny', Resource: event.methodArn }],
  },
  context: { plan: 'gold', version: event.version },
});`;

let cloud: BuiltCloud;
let api: string;

interface RouteTable {
  service: string;
  basePath: string;
  methods: { httpMethod: string; resourcePath: string; authorizationType: string }[];
}

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-http'), 'hello', (app) => {
    const stack = new Stack(app, 'HttpStack', { stackName: 'hello-http' });
    const code = (source: string) => ({
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(source),
    });
    const echo = new lambda.Function(stack, 'Echo', code(ECHO));
    const gate = new lambda.Function(stack, 'Gate', code(GATE));
    const policy = new lambda.Function(stack, 'Policy', code(POLICY));
    const pool = new cognito.UserPool(stack, 'Users');
    const client = pool.addClient('Web');
    const httpApi = new apigwv2.HttpApi(stack, 'Api', {
      defaultIntegration: new HttpLambdaIntegration('Fallback', echo),
      corsPreflight: {
        allowOrigins: ['https://app.example.com'],
        allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST],
        allowHeaders: ['authorization', 'content-type'],
        exposeHeaders: ['x-request-id'],
        maxAge: Duration.hours(1),
      },
    });
    const integration = new HttpLambdaIntegration('Echo', echo);
    httpApi.addRoutes({ path: '/items/{id}', methods: [apigwv2.HttpMethod.GET], integration });
    httpApi.addRoutes({ path: '/{proxy+}', methods: [apigwv2.HttpMethod.ANY], integration });
    httpApi.addRoutes({
      path: '/v1/{id}',
      methods: [apigwv2.HttpMethod.GET],
      integration: new HttpLambdaIntegration('EchoV1', echo, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_1_0 }),
    });
    httpApi.addRoutes({
      path: '/me',
      methods: [apigwv2.HttpMethod.GET],
      integration,
      authorizer: new HttpUserPoolAuthorizer('Jwt', pool, { userPoolClients: [client] }),
    });
    httpApi.addRoutes({
      path: '/gated',
      methods: [apigwv2.HttpMethod.GET],
      integration,
      authorizer: new HttpLambdaAuthorizer('Gate', gate, { responseTypes: [HttpLambdaResponseType.SIMPLE] }),
    });
    httpApi.addRoutes({
      path: '/policy',
      methods: [apigwv2.HttpMethod.GET],
      integration,
      // IAM policy responses (CDK's default), payload 1.0
      authorizer: new HttpLambdaAuthorizer('PolicyGate', policy),
    });
    // Not emulated: named at start-up and answered with an error that says so.
    httpApi.addRoutes({
      path: '/ext',
      methods: [apigwv2.HttpMethod.GET],
      integration: new HttpUrlIntegration('Ext', 'https://example.com'),
    });
    httpApi.addStage('Beta', { stageName: 'beta', autoDeploy: true });
  });
  cloud = await startBuiltCloud({ assemblies: root });
  const [table] = await cloud.local<RouteTable[]>('/_local/routes');
  api = `${cloud.base}/${table.basePath}`;
}, 90_000);

afterAll(async () => {
  keepOutput(cloud);
  await cloud?.stop();
});

const get = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${api}${path}`, init);
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
};

/** A GET with repeated header lines, written on a socket (fetch and node:http would join them into one). */
const getRaw = (path: string, rawHeaders: string[]) =>
  new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const url = new URL(`${api}${path}`);
    const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, 'connection: close'];
    for (let index = 0; index < rawHeaders.length; index += 2) lines.push(`${rawHeaders[index]}: ${rawHeaders[index + 1]}`);
    const socket = connect(Number(url.port), url.hostname, () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head, ...body] = text.split('\r\n\r\n');
      const chunked = /transfer-encoding: chunked/i.test(head);
      const payload = body.join('\r\n\r\n');
      resolve({
        status: Number(head.split(' ')[1]),
        json: JSON.parse(
          chunked
            ? payload
                .split('\r\n')
                .filter((_line, index) => index % 2 === 1)
                .join('')
            : payload,
        ) as Record<string, unknown>,
      });
    });
  });

const token = async (username: string): Promise<string> => {
  const response = await fetch(`${cloud.base}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CONTROL_SECRET_HEADER]: readControlSecret(cloud.stateDir) },
    body: JSON.stringify({ username, groups: ['admin', 'editors'] }),
  });
  return ((await response.json()) as { token: string }).token;
};

describe('conformance: HTTP API (aws-apigatewayv2) with Lambda integrations and authorizers', () => {
  it('lists the $default stage and the beta stage with their routes in /_local/routes, and the banner', async () => {
    const methods = [
      { httpMethod: '$default', resourcePath: '/', authorizationType: 'NONE' },
      { httpMethod: 'ANY', resourcePath: '/{proxy+}', authorizationType: 'NONE' },
      { httpMethod: 'GET', resourcePath: '/ext', authorizationType: 'NONE' },
      { httpMethod: 'GET', resourcePath: '/gated', authorizationType: 'CUSTOM' },
      { httpMethod: 'GET', resourcePath: '/items/{id}', authorizationType: 'NONE' },
      { httpMethod: 'GET', resourcePath: '/me', authorizationType: 'JWT' },
      { httpMethod: 'GET', resourcePath: '/policy', authorizationType: 'CUSTOM' },
      { httpMethod: 'GET', resourcePath: '/v1/{id}', authorizationType: 'NONE' },
    ];
    const routes = await cloud.local<RouteTable[]>('/_local/routes');
    expect(routes).toEqual([
      { service: 'hello', basePath: expect.stringMatching(/^_api\/[a-z0-9]{10}$/), methods },
      { service: 'hello', basePath: `${routes[0].basePath}/beta`, methods },
    ]);
    expect(cloud.output()).toContain(`hello      ${api}\n`);
    expect(cloud.output()).toMatch(new RegExp(`/${routes[0].basePath}/items/\\{id\\} +public: GET`));
  });

  it('serves a named stage under its name: rawPath with the stage, stage in the context', async () => {
    const answer = await get('/beta/items/5');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(
      expect.objectContaining({ routeKey: 'GET /items/{id}', rawPath: '/beta/items/5', stage: 'beta', pathParameters: { id: '5' } }),
    );
  });

  it('routes a path parameter with payload 2.0 and answers a result without statusCode as 200 JSON', async () => {
    const answer = await getRaw('/items/42?a=1&a=2&b=x', ['x-multi', 'one', 'x-multi', 'two', 'cookie', 'c1=v1; c2=v2']);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      version: '2.0',
      routeKey: 'GET /items/{id}',
      rawPath: '/items/42',
      path: null,
      resource: null,
      rawQueryString: 'a=1&a=2&b=x',
      query: { a: '1,2', b: 'x' },
      multiQuery: null,
      multiHeader: null,
      header: 'one,two',
      cookies: ['c1=v1', 'c2=v2'],
      pathParameters: { id: '42' },
      method: 'GET',
      stage: '$default',
      authorizer: null,
      body: null,
    });
  });

  it('sends another method to the greedy ANY route, the root to $default, and cookies back as Set-Cookie', async () => {
    const greedy = await get('/items/42', { method: 'POST', body: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(greedy.json).toEqual(
      expect.objectContaining({ routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'items/42' }, method: 'POST', body: 'hi' }),
    );
    expect(greedy.headers.get('content-type')).toBe('application/json');
    expect(greedy.headers.get('apigw-requestid')).toBeTruthy();
    const root = await get('/');
    expect(root.json).toEqual(expect.objectContaining({ routeKey: '$default', rawPath: '/', pathParameters: null }));
    const cookies = await get('/x/cookies');
    expect(cookies.status).toBe(201);
    expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(cookies.text).toBe('made');
    const broken = await get('/x/broken');
    expect(broken.status).toBe(500);
    expect(broken.json).toEqual({ message: 'Internal Server Error' });
  });

  it('builds payload 1.0 on the route that asks for it (multiValue fields, resource, path)', async () => {
    const answer = await getRaw('/v1/7?a=1&a=2', ['x-multi', 'one', 'x-multi', 'two']);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      version: '1.0',
      routeKey: null,
      rawPath: null,
      path: '/v1/7',
      resource: '/v1/{id}',
      rawQueryString: null,
      query: { a: '2' },
      multiQuery: { a: ['1', '2'] },
      multiHeader: ['one', 'two'],
      header: 'two',
      cookies: null,
      pathParameters: { id: '7' },
      method: 'GET',
      stage: '$default',
      authorizer: { claims: null, scopes: null },
      body: null,
    });
  });

  it('checks the user pool JWT: 401 without or with a bad token, claims in requestContext.authorizer.jwt', async () => {
    expect((await get('/me')).status).toBe(401);
    expect((await get('/me')).json).toEqual({ message: 'Unauthorized' });
    expect((await get('/me', { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
    const answer = await get('/me', { headers: { authorization: `Bearer ${await token('alice')}` } });
    expect(answer.status).toBe(200);
    const jwt = (answer.json?.authorizer as { jwt: { claims: Record<string, string>; scopes: unknown } }).jwt;
    expect(jwt.claims).toEqual(
      expect.objectContaining({ 'cognito:username': 'alice', 'cognito:groups': '[admin editors]', token_use: 'id' }),
    );
    expect(jwt.claims.iss).toMatch(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_\w+$/);
    expect(jwt.scopes).toBeNull();
  });

  it('runs the Lambda authorizer (simple responses): 401 without the identity source, 403 refused, its context to the function', async () => {
    expect((await get('/gated')).status).toBe(401);
    const refused = await get('/gated', { headers: { authorization: 'nope' } });
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ message: 'Forbidden' });
    const allowed = await get('/gated', { headers: { authorization: 'let-me-in' } });
    expect(allowed.status).toBe(200);
    expect(allowed.json?.authorizer).toEqual({ lambda: { who: 'gate', route: 'GET /gated', identity: 'let-me-in' } });
  });

  it("evaluates a Lambda authorizer's IAM policy (payload 1.0): Deny 403, Allow with its context", async () => {
    expect((await get('/policy')).status).toBe(401);
    expect((await get('/policy', { headers: { authorization: 'deny' } })).status).toBe(403);
    const allowed = await get('/policy', { headers: { authorization: 'allow' } });
    expect(allowed.status).toBe(200);
    expect(allowed.json?.authorizer).toEqual({ lambda: { plan: 'gold', version: '1.0' } });
  });

  it('names a route it cannot serve at start-up and answers it with an error that says so', async () => {
    expect(cloud.output()).toContain('route GET /ext: HTTP_PROXY integration https://example.com is not emulated (answers 500)');
    const answer = await get('/ext');
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ message: 'HTTP_PROXY integration https://example.com is not emulated by the local cloud' });
  });

  it('answers CORS preflights itself and adds the CORS headers to answers for an allowed origin', async () => {
    const preflight = await fetch(`${api}/me`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(Object.fromEntries([...preflight.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'authorization,content-type',
      'access-control-max-age': '3600',
    });
    const foreign = await fetch(`${api}/me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await get('/items/1', { headers: { origin: 'https://app.example.com' } });
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(answer.headers.get('access-control-expose-headers')).toBe('x-request-id');
  });

  it('describes the API in /_local/resources', async () => {
    const resources = await cloud.local<{ httpApis: { name: string; stages: { name: string; url: string }[]; routes: unknown[] }[] }>(
      '/_local/resources',
    );
    expect(resources.httpApis).toEqual([
      expect.objectContaining({
        name: 'Api',
        stages: [
          { name: '$default', url: api },
          { name: 'beta', url: `${api}/beta` },
        ],
        cors: true,
      }),
    ]);
    expect(resources.httpApis[0].routes).toHaveLength(8);
    expect(resources.httpApis[0].routes).toContainEqual(
      expect.objectContaining({ routeKey: 'GET /ext', emulated: false, notEmulated: 'HTTP_PROXY integration https://example.com' }),
    );
  });
});
