import { jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import type { AuthorizerDef } from '../assembly/model';
import { cognitoIssuer, userPoolIdOf } from '../assembly/naming';

export type AuthorizerResult =
  { ok: true; claims: Record<string, string> } | { ok: false; statusCode: 401 | 403; message: string; reason: string };

const UNAUTHORIZED = (reason: string): AuthorizerResult => ({ ok: false, statusCode: 401, message: 'Unauthorized', reason });

/**
 * API Gateway's COGNITO_USER_POOLS authorizer, checking tokens signed with the local key:
 * the token comes from the identity-source header (raw, or after `Bearer `), must carry a valid
 * signature, not be expired, be an ID token and come from one of the authorizer's user pools.
 * Any failure is a 401 `{"message":"Unauthorized"}`, as API Gateway answers; the claims reach the
 * function as strings in `requestContext.authorizer.claims`.
 */
export class CognitoAuthorizer {
  private readonly cache = new Map<string, { claims: Record<string, string>; exp: number; issuer: string }>();

  constructor(
    private readonly publicKey: CryptoKey,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async authorize(authorizer: AuthorizerDef, headerValue: string | undefined): Promise<AuthorizerResult> {
    const token = headerValue?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return UNAUTHORIZED('no token in the ' + authorizer.identityHeader + ' header');

    let entry = this.cache.get(token);
    if (!entry) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, this.publicKey, { algorithms: ['RS256'], currentDate: new Date(this.now()) }));
      } catch (error) {
        return UNAUTHORIZED(`token rejected: ${(error as Error).message}`);
      }
      if (payload.token_use !== 'id') return UNAUTHORIZED(`token_use is ${String(payload.token_use)}, the authorizer wants an ID token`);
      entry = { claims: toApiGatewayClaims(payload), exp: Number(payload.exp ?? 0), issuer: String(payload.iss ?? '') };
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(token, entry);
    }
    if (entry.exp * 1000 <= this.now()) return UNAUTHORIZED('token expired');

    const pools = authorizer.providerArns.map(userPoolIdOf);
    // A pool ARN that could not be resolved (its stack not loaded) accepts any local issuer, with a start-up warning.
    if (pools.length > 0 && pools.every((pool) => pool !== undefined)) {
      const issuers = pools.map((pool) => cognitoIssuer(pool));
      if (!issuers.includes(entry.issuer)) return UNAUTHORIZED(`issuer ${entry.issuer} is not one of the authorizer's user pools`);
    }
    return { ok: true, claims: entry.claims };
  }
}

/**
 * Claims as a REST API passes them: every value a string; lists (cognito:groups) joined with
 * commas; `exp` and `iat` as dates in Java's `Date.toString()` form.
 */
export function toApiGatewayClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((key === 'exp' || key === 'iat') && typeof value === 'number') claims[key] = javaDate(value);
    else if (Array.isArray(value)) claims[key] = value.join(',');
    else if (typeof value === 'object') claims[key] = JSON.stringify(value);
    else claims[key] = String(value);
  }
  return claims;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Thu Jan 09 20:34:11 UTC 2025`. */
function javaDate(seconds: number): string {
  const date = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}
