import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingRequest } from '../api/proxy-event';
import { issueIdToken, loadOrCreateSigningKey, type SigningKey } from '../auth/tokens';
import type { FunctionPool } from '../lambda/function-pool';
import type { HttpApiDef, HttpAuthorizerDef } from './model';
import { HttpApiServer } from './server';

const POOL = 'us-east-1_AbCdEfGhI';
const jwt: HttpAuthorizerDef = {
  type: 'JWT',
  id: 'j',
  name: 'jwt',
  identitySource: ['$request.header.Authorization'],
  issuer: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
  audience: ['client-1'],
};
const proxy = (payloadFormatVersion: '1.0' | '2.0', functionName = 'echo', timeoutMs = 1000) =>
  ({ type: 'AWS_PROXY', functionName, payloadFormatVersion, timeoutMs }) as const;
const api: HttpApiDef = {
  service: 'app',
  stackName: 'app',
  logicalId: 'Api',
  id: 'abc1234567',
  name: 'api',
  stages: [
    { name: '$default', autoDeploy: true, variables: null },
    { name: 'dev', autoDeploy: true, variables: { v: '1' } },
  ],
  cors: { allowOrigins: ['https://app.test'], allowMethods: ['GET'], allowHeaders: [], exposeHeaders: [], allowCredentials: false },
  routes: [
    { routeKey: 'GET /v2', authorizationType: 'JWT', authorizer: jwt, scopes: [], integration: proxy('2.0') },
    { routeKey: 'GET /v1', authorizationType: 'JWT', authorizer: jwt, scopes: [], integration: proxy('1.0') },
    { routeKey: 'GET /slow', authorizationType: 'NONE', scopes: [], integration: proxy('2.0', 'slow', 50) },
    { routeKey: 'GET /gone', authorizationType: 'NONE', scopes: [], integration: proxy('2.0', 'missing') },
    {
      routeKey: 'GET /ext',
      authorizationType: 'NONE',
      scopes: [],
      integration: { type: 'UNSUPPORTED', description: 'HTTP_PROXY integration' },
    },
    { routeKey: 'GET /iam', authorizationType: 'AWS_IAM', scopes: [], integration: proxy('2.0') },
  ],
};

/** A stand-in function pool: `echo` returns the event it got, `slow` never answers in time. */
const pools = (name: string): FunctionPool | undefined => {
  if (name === 'missing') return undefined;
  return {
    label: name,
    invoke: async (event: unknown) =>
      name === 'slow'
        ? new Promise(() => undefined)
        : {
            requestId: 'r',
            ok: true,
            durationMs: 1,
            payload: (event as { version: string }).version === '1.0' ? { statusCode: 200, body: JSON.stringify(event) } : event,
          },
  } as unknown as FunctionPool;
};

const request = (path: string, headers: Record<string, string> = {}, httpMethod = 'GET'): IncomingRequest => ({
  httpMethod,
  path: `/_api/abc1234567${path}`,
  query: '',
  rawHeaders: Object.entries(headers).flat(),
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
});

describe('HttpApiServer', () => {
  let key: SigningKey;
  let server: HttpApiServer;
  let token: string;
  beforeAll(async () => {
    key = await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'local-cloud-key-')));
    server = new HttpApiServer(api, { pools, publicKey: () => key.publicKey });
    token = await issueIdToken(key, { username: 'alice', groups: ['admin'], userPoolId: POOL, clientId: 'client-1' });
  });
  const send = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const answer = await server.handle(request(path, headers, method), (name) => headers[name]);
    return { ...answer, json: answer.body ? (JSON.parse(String(answer.body)) as Record<string, unknown>) : undefined };
  };

  it('puts the JWT claims where each payload format has them', async () => {
    const v2 = await send('/v2', { authorization: `Bearer ${token}` });
    expect((v2.json?.requestContext as { authorizer: unknown }).authorizer).toEqual({
      jwt: { claims: expect.objectContaining({ 'cognito:username': 'alice', 'cognito:groups': '[admin]' }), scopes: null },
    });
    const v1 = await send('/v1', { authorization: token });
    expect((v1.json?.requestContext as { authorizer: unknown }).authorizer).toEqual({
      claims: expect.objectContaining({ 'cognito:username': 'alice' }),
      scopes: null,
    });
  });

  it('serves a named stage by its first path part, with its variables', async () => {
    const answer = await send('/dev/v2', { authorization: token });
    expect(answer.json).toEqual(expect.objectContaining({ rawPath: '/dev/v2', stageVariables: { v: '1' } }));
    expect((answer.json?.requestContext as { stage: string }).stage).toBe('dev');
  });

  it('answers as API Gateway does: 404 no route, 503 past the timeout, 500 a function that does not run, and names what it cannot serve', async () => {
    expect(await send('/nothing')).toEqual(expect.objectContaining({ statusCode: 404, json: { message: 'Not Found' } }));
    expect(await send('/slow')).toEqual(expect.objectContaining({ statusCode: 503, json: { message: 'Service Unavailable' } }));
    expect(await send('/gone')).toEqual(expect.objectContaining({ statusCode: 500, json: { message: 'Internal Server Error' } }));
    expect(await send('/ext')).toEqual(
      expect.objectContaining({ statusCode: 500, json: { message: 'HTTP_PROXY integration is not emulated by the local cloud' } }),
    );
    expect(await send('/iam')).toEqual(
      expect.objectContaining({ statusCode: 500, json: { message: 'AWS_IAM authorization is not emulated by the local cloud' } }),
    );
  });

  it('puts the CORS headers on refusals too, and answers a preflight before any authorizer', async () => {
    const refused = await send('/v2', { origin: 'https://app.test' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers).toContainEqual(['access-control-allow-origin', 'https://app.test']);
    const preflight = await send('/v2', { origin: 'https://app.test', 'access-control-request-method': 'GET' }, 'OPTIONS');
    expect(preflight.statusCode).toBe(204);
  });
});
