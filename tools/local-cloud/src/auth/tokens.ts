import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { cognitoIssuer, stableUuid } from '../assembly/naming';

/** The key pair that stands in for a Cognito user pool's signing key (RS256, like Cognito). */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

const KEY_FILE = 'signing-key.json';

/**
 * Loads the local signing key from `dir` (git-ignored `.local-cloud/`), creating it on first use.
 * The token command and the running local cloud share it, so a token printed before or after a
 * restart is accepted.
 */
export async function loadOrCreateSigningKey(dir: string): Promise<SigningKey> {
  const file = join(dir, KEY_FILE);
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const jwk = { ...(await exportJWK(privateKey)), kid: `local-${Date.now().toString(36)}`, alg: 'RS256', use: 'sig' };
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, JSON.stringify(jwk, null, 2), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK & { kid: string };
  const publicJwk: JWK = { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, alg: jwk.alg, use: jwk.use };
  return {
    kid: jwk.kid,
    privateKey: (await importJWK(jwk, 'RS256')) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'RS256')) as CryptoKey,
  };
}

export interface IdTokenRequest {
  username: string;
  groups: string[];
  userPoolId: string;
  clientId: string;
  /** Lifetime in seconds (Cognito's default for ID tokens is one hour). */
  ttlSeconds?: number;
  /** Seconds since epoch; default now. */
  now?: number;
  email?: string;
}

/** The `sub` a local user always gets: stable per user name, so a customer keeps their data between tokens. */
export const localSub = (username: string) => stableUuid(`local-user/${username}`);

/** Issues an ID token with the claims Cognito puts in one. */
export async function issueIdToken(key: SigningKey, request: IdTokenRequest): Promise<string> {
  const now = request.now ?? Math.floor(Date.now() / 1000);
  const ttl = request.ttlSeconds ?? 3600;
  const claims: Record<string, unknown> = {
    sub: localSub(request.username),
    email_verified: true,
    'cognito:username': request.username,
    origin_jti: crypto.randomUUID(),
    event_id: crypto.randomUUID(),
    token_use: 'id',
    auth_time: now,
    email: request.email ?? `${request.username}@example.com`,
  };
  if (request.groups.length > 0) claims['cognito:groups'] = request.groups;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(cognitoIssuer(request.userPoolId))
    .setAudience(request.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);
}
