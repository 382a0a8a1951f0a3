import { z } from 'zod';
import type { AuthorizerDef } from '../assembly/model';
import type { InvokeOutcome } from '../lambda/function-pool';

/** What a TOKEN/REQUEST authorizer decided: the proxy event's `requestContext.authorizer`, or API Gateway's refusal. */
export type LambdaAuthorizerResult =
  | { ok: true; authorizer: Record<string, string | number | boolean>; principalId: string }
  | { ok: false; statusCode: 401 | 403 | 500; body: Record<string, unknown>; errorType: string; reason: string };

/** The parts of the method request an identity source can name. */
export interface IdentityRequest {
  headers: Record<string, string>;
  querystring: Record<string, string>;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string> | null;
  context: Record<string, unknown>;
}

const statementSchema = z.object({
  Effect: z.enum(['Allow', 'Deny']),
  Action: z.union([z.string(), z.array(z.string())]).optional(),
  Resource: z.union([z.string(), z.array(z.string())]),
});
const resultSchema = z.object({
  principalId: z.union([z.string(), z.number()]).transform(String),
  policyDocument: z.object({ Version: z.string().optional(), Statement: z.union([statementSchema, z.array(statementSchema)]) }),
  context: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  usageIdentifierKey: z.string().optional(),
});

const UNAUTHORIZED = (reason: string): LambdaAuthorizerResult => ({
  ok: false,
  statusCode: 401,
  body: { message: 'Unauthorized' },
  errorType: 'UnauthorizedException',
  reason,
});
const CONFIGURATION_ERROR = (reason: string): LambdaAuthorizerResult => ({
  ok: false,
  statusCode: 500,
  body: { message: null },
  errorType: 'AuthorizerConfigurationException',
  reason,
});
const DENIED = (reason: string): LambdaAuthorizerResult => ({
  ok: false,
  statusCode: 403,
  body: { Message: 'User is not authorized to access this resource with an explicit deny' },
  errorType: 'AccessDeniedException',
  reason,
});

/** `arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<path without its leading slash>`. */
export function methodArn(region: string, account: string, apiId: string, stage: string, httpMethod: string, path: string): string {
  return `arn:aws:execute-api:${region}:${account}:${apiId}/${stage}/${httpMethod}/${path.replace(/^\//, '')}`;
}

/** IAM's wildcard match: `*` any run of characters (`/` included), `?` any one. */
export function arnMatches(pattern: string, arn: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
}

const actionMatches = (action: string) => ['*', 'execute-api:*', 'execute-api:invoke'].includes(action.toLowerCase());

/**
 * Evaluates the policy an authorizer returned against the method ARN, as IAM does: an explicit
 * Deny wins, then an Allow; nothing matching is a deny.
 */
export function evaluatePolicy(statements: z.infer<typeof statementSchema>[], arn: string): 'Allow' | 'Deny' | 'NoMatch' {
  const applies = (statement: z.infer<typeof statementSchema>) => {
    const actions = statement.Action === undefined ? ['*'] : ([] as string[]).concat(statement.Action);
    const resources = ([] as string[]).concat(statement.Resource);
    return actions.some(actionMatches) && resources.some((resource) => arnMatches(resource, arn));
  };
  const matching = statements.filter(applies);
  if (matching.some((statement) => statement.Effect === 'Deny')) return 'Deny';
  if (matching.some((statement) => statement.Effect === 'Allow')) return 'Allow';
  return 'NoMatch';
}

/** The value an identity source names (`method.request.header.X`, `.querystring.X`, `.path.X`, `stageVariables.X`, `context.X`). */
export function identityValue(source: string, request: IdentityRequest): string | undefined {
  const header = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
  if (header) {
    const lower = header.toLowerCase();
    return Object.entries(request.headers).find(([name]) => name.toLowerCase() === lower)?.[1];
  }
  const query = /^method\.request\.querystring\.(.+)$/.exec(source)?.[1];
  if (query) return request.querystring[query];
  const path = /^method\.request\.path\.(.+)$/.exec(source)?.[1];
  if (path) return request.pathParameters[path];
  const stageVariable = /^stageVariables\.(.+)$/.exec(source)?.[1];
  if (stageVariable) return request.stageVariables?.[stageVariable];
  const context = /^context\.(.+)$/.exec(source)?.[1];
  if (context) {
    const value = context.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], request.context);
    return value === undefined || value === null ? undefined : String(value);
  }
  return undefined;
}

export interface LambdaAuthorizerOptions {
  invoke: (functionName: string, event: unknown) => Promise<InvokeOutcome | undefined>;
  now?: () => number;
}

/**
 * API Gateway's Lambda authorizers of a REST API. TOKEN: the identity-source header is the token
 * (absent, or not matching the validation expression: 401 without a call); the function gets
 * `{type: 'TOKEN', authorizationToken, methodArn}`. REQUEST: every identity source must be present
 * (else 401); the function gets the request's headers, query, path parameters, stage variables and
 * context. The function's `Unauthorized` error is a 401; any other error or a malformed answer a
 * 500; the returned policy is evaluated against the method ARN (Deny or no match: 403); the
 * `context` and `principalId` reach the integration. Policies are cached per identity for the
 * authorizer's TTL, as API Gateway caches them.
 */
export class LambdaAuthorizer {
  private readonly cache = new Map<string, { expires: number; result: z.infer<typeof resultSchema> }>();

  constructor(private readonly options: LambdaAuthorizerOptions) {}

  async authorize(
    authorizer: AuthorizerDef,
    arn: string,
    request: IdentityRequest,
    requestEvent: () => Record<string, unknown>,
  ): Promise<LambdaAuthorizerResult> {
    if (!authorizer.functionName) return CONFIGURATION_ERROR(`authorizer ${authorizer.name} has no function it can call`);
    const sources = authorizer.identitySources ?? [`method.request.header.${authorizer.identityHeader}`];
    const ttlSeconds = authorizer.resultTtlSeconds ?? 300;
    const values = sources.map((source) => identityValue(source, request));
    const missing = sources.filter((_, index) => values[index] === undefined || values[index] === '');
    const token = authorizer.type === 'TOKEN' ? values[0] : undefined;
    if (authorizer.type === 'TOKEN' ? !token : missing.length > 0) {
      return UNAUTHORIZED(`identity source ${(authorizer.type === 'TOKEN' ? sources : missing).join(', ')} missing`);
    }
    if (token && authorizer.identityValidationExpression && !new RegExp(`^(?:${authorizer.identityValidationExpression})$`).test(token)) {
      return UNAUTHORIZED('token does not match the identity validation expression');
    }

    const now = (this.options.now ?? Date.now)();
    const cacheKey = `${authorizer.id}|${values.join('\u0000')}`;
    let result = ttlSeconds > 0 && sources.length > 0 ? this.cache.get(cacheKey) : undefined;
    if (result && result.expires <= now) result = undefined;
    let cached = true;
    if (!result) {
      cached = false;
      const event =
        authorizer.type === 'TOKEN'
          ? { type: 'TOKEN', authorizationToken: token, methodArn: arn }
          : { ...requestEvent(), type: 'REQUEST', methodArn: arn };
      const outcome = await this.options.invoke(authorizer.functionName, event);
      if (!outcome) return CONFIGURATION_ERROR(`authorizer function ${authorizer.functionName} is not running`);
      if (!outcome.ok) {
        if (outcome.error?.errorMessage === 'Unauthorized') return UNAUTHORIZED(`${authorizer.functionName} answered Unauthorized`);
        return CONFIGURATION_ERROR(`${authorizer.functionName} failed: ${outcome.error?.errorType}: ${outcome.error?.errorMessage}`);
      }
      const parsed = resultSchema.safeParse(outcome.payload);
      if (!parsed.success)
        return CONFIGURATION_ERROR(`${authorizer.functionName} answered no valid policy: ${parsed.error.issues[0]?.message}`);
      result = { expires: now + ttlSeconds * 1000, result: parsed.data };
      if (ttlSeconds > 0) {
        if (this.cache.size > 1000) this.cache.clear();
        this.cache.set(cacheKey, result);
      }
    }
    const { principalId, policyDocument, context } = result.result;
    const decision = evaluatePolicy(([] as z.infer<typeof statementSchema>[]).concat(policyDocument.Statement), arn);
    const note = cached ? ' (cached policy)' : '';
    if (decision === 'Deny') return DENIED(`${principalId}: explicit Deny on ${arn}${note}`);
    if (decision === 'NoMatch') {
      return {
        ...DENIED(`${principalId}: no Allow for ${arn}${note}`),
        body: { Message: 'User is not authorized to access this resource' },
      } as LambdaAuthorizerResult;
    }
    return { ok: true, principalId, authorizer: { ...(context ?? {}), principalId, integrationLatency: 0 } };
  }
}
