import { jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import type { HttpAuthorizerDef } from './model';

type JwtAuthorizerDef = Extract<HttpAuthorizerDef, { type: 'JWT' }>;

/** What a JWT authorizer decided: the claims and scopes for the event, or API Gateway's refusal. */
export type JwtResult =
  | { ok: true; claims: Record<string, string>; scopes: string[] | null }
  | { ok: false; statusCode: 401 | 403; message: 'Unauthorized' | 'Forbidden'; reason: string };

const refuse = (statusCode: 401 | 403, reason: string): JwtResult => ({
  ok: false,
  statusCode,
  message: statusCode === 401 ? 'Unauthorized' : 'Forbidden',
  reason,
});

/**
 * Claims as an HTTP API passes them in `requestContext.authorizer.jwt.claims`: every value a
 * string, numbers in decimal, lists as `[a b]` (`cognito:groups`), objects as JSON.
 */
export function toHttpApiClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) claims[key] = `[${value.join(' ')}]`;
    else if (typeof value === 'object') claims[key] = JSON.stringify(value);
    else claims[key] = String(value);
  }
  return claims;
}

/**
 * An HTTP API's JWT authorizer, with the local signing key standing in for the issuer's JWKS: the
 * token comes from the identity source (`Bearer ` optional), its signature (RS256), `exp`, `nbf`
 * and `iat` are checked, its `iss` must be the authorizer's issuer and its `aud` (or, for an access
 * token, `client_id`) one of the audiences; any failure is 401. A route with scopes needs a token
 * whose `scp` (or `scope`) holds one of them, else 403; the event's `scopes` are then the token's,
 * and null on a route without scopes (as measured on API Gateway: a token's `scope` alone gives none).
 */
export async function authorizeJwt(
  authorizer: JwtAuthorizerDef,
  token: string | undefined,
  routeScopes: readonly string[],
  publicKey: CryptoKey | undefined,
  now: number = Date.now(),
): Promise<JwtResult> {
  const raw = token?.replace(/^Bearer\s+/i, '').trim();
  if (!raw) return refuse(401, `no token in ${authorizer.identitySource.join(', ')}`);
  if (!publicKey) return refuse(401, 'no local signing key');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(raw, publicKey, { algorithms: ['RS256'], currentDate: new Date(now) }));
  } catch (error) {
    return refuse(401, `token rejected: ${(error as Error).message}`);
  }
  if (payload.iss !== authorizer.issuer) return refuse(401, `issuer ${String(payload.iss)} is not ${authorizer.issuer}`);
  const audiences = [payload.aud ?? [], typeof payload.client_id === 'string' ? payload.client_id : []].flat();
  if (!audiences.some((audience) => authorizer.audience.includes(audience)))
    return refuse(401, `audience ${audiences.join(',') || '(none)'} is not one of ${authorizer.audience.join(', ')}`);
  const scopes = Array.isArray(payload.scp)
    ? payload.scp.map(String)
    : typeof payload.scope === 'string'
      ? payload.scope.split(' ').filter(Boolean)
      : [];
  if (routeScopes.length === 0) return { ok: true, claims: toHttpApiClaims(payload), scopes: null };
  if (!routeScopes.some((scope) => scopes.includes(scope)))
    return refuse(403, `the token's scopes (${scopes.join(' ') || 'none'}) hold none of the route's (${routeScopes.join(' ')})`);
  return { ok: true, claims: toHttpApiClaims(payload), scopes };
}
