import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { AuthorizerDef } from '../assembly/model';
import { issueIdToken, loadOrCreateSigningKey, localSub, type SigningKey } from '../auth/tokens';
import { CognitoAuthorizer, toApiGatewayClaims } from './authorizer';

const POOL = 'us-east-1_AbCdEfGhI';
const authorizer: AuthorizerDef = {
  id: 'auth1',
  name: 'cognito',
  type: 'COGNITO_USER_POOLS',
  providerArns: [`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL}`],
  identityHeader: 'Authorization',
};

describe('CognitoAuthorizer', () => {
  let key: SigningKey;
  let otherKey: SigningKey;
  const now = 1_750_000_000;

  beforeAll(async () => {
    key = await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'local-cloud-key-')));
    otherKey = await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'local-cloud-key-')));
  });

  const check = (token: string | undefined, at = now + 60, def = authorizer) =>
    new CognitoAuthorizer(key.publicKey, () => at * 1000).authorize(def, token);
  const token = (overrides: Partial<Parameters<typeof issueIdToken>[1]> = {}, signer = key) =>
    issueIdToken(signer, { username: 'admin', groups: ['admin'], userPoolId: POOL, clientId: 'client1', now, ...overrides });

  it('accepts a local ID token, raw or after "Bearer ", and passes the claims as API Gateway does', async () => {
    const raw = await token();
    const result = await check(`Bearer ${raw}`);
    expect(result).toEqual({
      ok: true,
      claims: expect.objectContaining({
        sub: localSub('admin'),
        'cognito:groups': 'admin',
        'cognito:username': 'admin',
        token_use: 'id',
        email_verified: 'true',
        aud: 'client1',
        iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
        exp: 'Sun Jun 15 16:06:40 UTC 2025',
        iat: 'Sun Jun 15 15:06:40 UTC 2025',
        auth_time: String(now),
      }),
    });
    expect((await check(raw)).ok).toBe(true);
  });

  it('joins several groups with commas', () => {
    expect(toApiGatewayClaims({ 'cognito:groups': ['admin', 'support'] })).toEqual({ 'cognito:groups': 'admin,support' });
  });

  it('gives the same sub to the same user name every time', () => {
    expect(localSub('alice')).toBe(localSub('alice'));
    expect(localSub('alice')).not.toBe(localSub('bob'));
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a malformed token', 'Bearer not.a.jwt'],
  ])('answers 401 Unauthorized for %s', async (_case, header) => {
    expect(await check(header)).toEqual(expect.objectContaining({ ok: false, statusCode: 401, message: 'Unauthorized' }));
  });

  it('answers 401 for a token signed with another key', async () => {
    expect(await check(await token({}, otherKey))).toEqual(
      expect.objectContaining({ ok: false, statusCode: 401, message: 'Unauthorized' }),
    );
  });

  it('answers 401 for an expired token, also after it was accepted once', async () => {
    const raw = await token({ ttlSeconds: 60 });
    const authorizerAt = (at: number) => new CognitoAuthorizer(key.publicKey, () => at * 1000);
    expect((await authorizerAt(now + 120).authorize(authorizer, raw)).ok).toBe(false);
    const shared = new CognitoAuthorizer(
      key.publicKey,
      (() => {
        let calls = 0;
        return () => (calls++ < 2 ? now + 30 : now + 120) * 1000;
      })(),
    );
    expect((await shared.authorize(authorizer, raw)).ok).toBe(true);
    expect(await shared.authorize(authorizer, raw)).toEqual(
      expect.objectContaining({ ok: false, statusCode: 401, reason: 'token expired' }),
    );
  });

  it('answers 401 for an access token (the authorizer has no scopes, so it wants an ID token)', async () => {
    const access = await new SignJWT({ token_use: 'access', scope: 'aws.cognito.signin.user.admin' })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(`https://cognito-idp.us-east-1.amazonaws.com/${POOL}`)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key.privateKey);
    expect(await check(access)).toEqual(expect.objectContaining({ ok: false, statusCode: 401 }));
  });

  it('answers 401 for a token of another user pool', async () => {
    expect(await check(await token({ userPoolId: 'us-east-1_Other' }))).toEqual(expect.objectContaining({ ok: false, statusCode: 401 }));
  });

  it('accepts any local pool when the authorizer pool could not be resolved', async () => {
    const unresolved = { ...authorizer, providerArns: ['<unresolved: SSM parameter /x is published by no loaded stack>'] };
    expect((await check(await token({ userPoolId: 'us-east-1_Other' }), now + 60, unresolved)).ok).toBe(true);
  });

  it('reads the token from the header the identity source names', async () => {
    const custom = new CognitoAuthorizer(key.publicKey, () => (now + 60) * 1000);
    expect((await custom.authorize({ ...authorizer, identityHeader: 'X-Id-Token' }, await token())).ok).toBe(true);
  });
});
