import type { Middleware } from '@aws-lambda-powertools/event-handler/types';
import { ForbiddenError, UnauthorizedError } from '@shop/domain';

/** The authenticated caller, as the API Gateway authorizer vouched for them. */
export interface Caller {
  /** Stable user id (Cognito `sub`). */
  readonly sub: string;
  /** Cognito groups (`cognito:groups`). */
  readonly groups: readonly string[];
  readonly username?: string;
  readonly email?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Normalises the `cognito:groups` claim: an array (JWT), or a string as API Gateway flattens it
 * (`admin`, `admin,editors`, `[admin editors]`).
 */
export const parseGroups = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string' && group !== '');
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((group) => group !== '');
};

const claimsOf = (event: unknown): Record<string, unknown> | undefined => {
  if (!isRecord(event) || !isRecord(event.requestContext)) return undefined;
  const authorizer = event.requestContext.authorizer;
  if (!isRecord(authorizer)) return undefined;
  if (isRecord(authorizer.claims)) return authorizer.claims; // REST API, Cognito user pool authorizer
  if (isRecord(authorizer.jwt) && isRecord(authorizer.jwt.claims)) return authorizer.jwt.claims; // HTTP API JWT
  return undefined;
};

/** The caller of an API Gateway proxy event, or `undefined` for an anonymous request. */
export const callerFromEvent = (event: unknown): Caller | undefined => {
  const claims = claimsOf(event);
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') return undefined;
  const username = claims['cognito:username'] ?? claims.username;
  return {
    sub: claims.sub,
    groups: parseGroups(claims['cognito:groups']),
    ...(typeof username === 'string' ? { username } : {}),
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
  };
};

/**
 * The caller, who must be authenticated.
 * @throws UnauthorizedError when there is none.
 */
export const requireCaller = (event: unknown): Caller => {
  const caller = callerFromEvent(event);
  if (!caller) throw new UnauthorizedError();
  return caller;
};

/**
 * The caller, who must be in `group`.
 * @throws UnauthorizedError when there is no caller (401).
 * @throws ForbiddenError when the caller is not in the group (403).
 */
export const assertCallerInGroup = (event: unknown, group: string): Caller => {
  const caller = requireCaller(event);
  if (!caller.groups.includes(group)) throw new ForbiddenError(`This needs a caller in the ${group} group.`);
  return caller;
};

/**
 * Route middleware for the Powertools router: lets the request through only for a caller in
 * `group` (401 without a caller, 403 in another group).
 * @example router.post('/', [requireGroup('admin')], createHandler);
 */
export const requireGroup =
  (group: string): Middleware =>
  async ({ reqCtx, next }) => {
    assertCallerInGroup(reqCtx.event, group);
    await next();
  };
