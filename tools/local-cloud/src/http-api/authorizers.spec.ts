import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { issueIdToken, loadOrCreateSigningKey, type SigningKey } from '../auth/tokens';
import { authorizeJwt, toHttpApiClaims } from './jwt-authorizer';
import { AuthorizerCache, identityValues, readAuthorizerResponse } from './lambda-authorizer';
import type { HttpAuthorizerDef } from './model';

const POOL = 'us-east-1_AbCdEfGhI';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const jwtAuthorizer: Extract<HttpAuthorizerDef, { type: 'JWT' }> = {
  type: 'JWT',
  id: 'a1',
  name: 'jwt',
  identitySource: ['$request.header.Authorization'],
  issuer: ISSUER,
  audience: ['client-1'],
};

describe('JWT authorizer', () => {
  let key: SigningKey;
  let otherKey: SigningKey;
  const now = 1_750_000_000;
  beforeAll(async () => {
    key = await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'local-cloud-key-')));
    otherKey = await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'local-cloud-key-')));
  });
  const idToken = (overrides: Partial<Parameters<typeof issueIdToken>[1]> = {}, signer = key) =>
    issueIdToken(signer, { username: 'alice', groups: ['admin', 'editors'], userPoolId: POOL, clientId: 'client-1', now, ...overrides });
  const accessToken = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key.privateKey);
  const check = (token: string | undefined, scopes: string[] = [], at = now + 60) =>
    authorizeJwt(jwtAuthorizer, token, scopes, key.publicKey, at * 1000);

  it('passes a user pool ID token (Bearer or raw) with its claims as HTTP APIs render them', async () => {
    const token = await idToken();
    const result = await check(`Bearer ${token}`);
    expect(result).toEqual({
      ok: true,
      claims: expect.objectContaining({ 'cognito:groups': '[admin editors]', aud: 'client-1', iss: ISSUER, exp: String(now + 3600) }),
      scopes: null,
    });
    expect((await check(token)).ok).toBe(true);
  });

  it('refuses with 401: no token, another key, expired, another issuer, another audience', async () => {
    const refused = async (token: string | undefined, at?: number) => {
      const result = await check(token, [], at);
      return result.ok ? 'passed' : `${result.statusCode} ${result.message}`;
    };
    expect(await refused(undefined)).toBe('401 Unauthorized');
    expect(await refused(await idToken({}, otherKey))).toBe('401 Unauthorized');
    expect(await refused(await idToken(), now + 7200)).toBe('401 Unauthorized');
    expect(await refused(await idToken({ userPoolId: 'us-east-1_Other1234' }))).toBe('401 Unauthorized');
    expect(await refused(await idToken({ clientId: 'client-2' }))).toBe('401 Unauthorized');
  });

  it("reads an access token's client_id and scope; a route's scopes need one of them (403 otherwise)", async () => {
    const token = await accessToken({ client_id: 'client-1', token_use: 'access', scope: 'shop/read openid' });
    expect(await check(token, ['shop/read'])).toEqual(expect.objectContaining({ ok: true, scopes: ['shop/read', 'openid'] }));
    expect(await check(token, ['shop/write'])).toEqual(expect.objectContaining({ ok: false, statusCode: 403, message: 'Forbidden' }));
    expect(await check(token)).toEqual(expect.objectContaining({ ok: true, scopes: null }));
    expect(await check(await accessToken({ client_id: 'client-1', scp: ['a', 'b'] }), ['b'])).toEqual(
      expect.objectContaining({ ok: true, scopes: ['a', 'b'] }),
    );
    expect(await check(await idToken(), ['shop/read'])).toEqual(expect.objectContaining({ ok: false, statusCode: 403 }));
  });

  it('renders claims as strings', () => {
    expect(toHttpApiClaims({ a: ['x', 'y'], n: 5, b: true, o: { k: 1 }, z: undefined })).toEqual({
      a: '[x y]',
      n: '5',
      b: 'true',
      o: '{"k":1}',
    });
  });
});

const lambdaAuthorizer = (simpleResponses: boolean, ttlSeconds = 0): Extract<HttpAuthorizerDef, { type: 'REQUEST' }> => ({
  type: 'REQUEST',
  id: 'a2',
  name: 'gate',
  identitySource: ['$request.header.Authorization', '$request.querystring.q'],
  functionName: 'gate',
  payloadFormatVersion: simpleResponses ? '2.0' : '1.0',
  simpleResponses,
  ttlSeconds,
});
const ROUTE_ARN = 'arn:aws:execute-api:us-east-1:000000000000:api1/$default/GET/pets/1';

describe('Lambda authorizer', () => {
  it('reads the identity sources; a missing or empty one is undefined', () => {
    const inputs = (header?: string, query?: string) => ({
      header: (name: string) => (name === 'authorization' ? header : undefined),
      query: (name: string) => (name === 'q' ? query : undefined),
      context: () => undefined,
      stageVariable: () => undefined,
    });
    const sources = lambdaAuthorizer(true).identitySource;
    expect(identityValues(sources, inputs('token', 'x'))).toEqual(['token', 'x']);
    expect(identityValues(sources, inputs('token'))).toBeUndefined();
    expect(identityValues(sources, inputs('', 'x'))).toBeUndefined();
    expect(identityValues([], inputs())).toEqual([]);
  });

  it('reads simple responses', () => {
    expect(readAuthorizerResponse(lambdaAuthorizer(true), { isAuthorized: true, context: { user: 'u1' } }, ROUTE_ARN)).toEqual({
      kind: 'allow',
      context: { user: 'u1' },
    });
    expect(readAuthorizerResponse(lambdaAuthorizer(true), { isAuthorized: false }, ROUTE_ARN).kind).toBe('deny');
    expect(readAuthorizerResponse(lambdaAuthorizer(true), 'yes', ROUTE_ARN).kind).toBe('error');
    expect(readAuthorizerResponse(lambdaAuthorizer(false), { isAuthorized: true }, ROUTE_ARN).kind).toBe('error');
  });

  // The IAM policy response of API Gateway's developer guide, on the route's ARN.
  const policy = (effect: string, resource: string | string[], action: string | string[] = 'execute-api:Invoke') => ({
    principalId: 'abcdef',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: action, Effect: effect, Resource: resource }] },
    context: { exampleKey: 'exampleValue' },
  });

  it('evaluates IAM policy responses: an Allow on a matching resource, wildcards, an explicit Deny', () => {
    const read = (response: unknown) => readAuthorizerResponse(lambdaAuthorizer(false), response, ROUTE_ARN);
    expect(read(policy('Allow', ROUTE_ARN))).toEqual({ kind: 'allow', context: { exampleKey: 'exampleValue' }, principalId: 'abcdef' });
    expect(read(policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:api1/*/GET/*')).kind).toBe('allow');
    expect(read(policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:api1/*/POST/*')).kind).toBe('deny');
    expect(read(policy('Allow', ROUTE_ARN, 's3:GetObject')).kind).toBe('deny');
    expect(read(policy('Deny', ROUTE_ARN)).kind).toBe('deny');
    const both = policy('Allow', '*');
    both.policyDocument.Statement.push({ Action: '*', Effect: 'Deny', Resource: ROUTE_ARN });
    expect(read(both).kind).toBe('deny');
    expect(read({ principalId: 'x' }).kind).toBe('error');
  });

  it('caches a verdict by identity values for the TTL, never an error', () => {
    const cache = new AuthorizerCache();
    const cached = lambdaAuthorizer(true, 300);
    cache.set(cached, ['t'], { kind: 'allow', context: {} }, 1000);
    expect(cache.get(cached, ['t'], 2000)).toEqual({ kind: 'allow', context: {} });
    expect(cache.get(cached, ['u'], 2000)).toBeUndefined();
    expect(cache.get(cached, ['t'], 1000 + 300_000)).toBeUndefined();
    cache.set(cached, ['e'], { kind: 'error', reason: 'x' }, 1000);
    expect(cache.get(cached, ['e'], 2000)).toBeUndefined();
    const fresh = new AuthorizerCache();
    const uncached = lambdaAuthorizer(true, 0);
    fresh.set(uncached, ['t'], { kind: 'allow', context: {} }, 1000);
    expect(fresh.get(uncached, ['t'], 2000)).toBeUndefined();
  });
});
