import type { HttpAuthorizerDef } from './model';

type LambdaAuthorizerDef = Extract<HttpAuthorizerDef, { type: 'REQUEST' }>;

/** What a request offers the identity sources. */
export interface IdentityInputs {
  header(name: string): string | undefined;
  query(name: string): string | undefined;
  context(name: string): string | undefined;
  stageVariable(name: string): string | undefined;
}

/**
 * The values of an authorizer's identity sources (`$request.header.X`, `$request.querystring.x`,
 * `$context.x`, `$stageVariables.x`), or undefined when one is missing or empty (API Gateway then
 * answers 401 without calling the authorizer).
 */
export function identityValues(sources: readonly string[], inputs: IdentityInputs): string[] | undefined {
  const values: string[] = [];
  for (const source of sources) {
    const [, kind, name] = /^\$(request\.header|request\.querystring|context|stageVariables)\.(.+)$/.exec(source.trim()) ?? [];
    const value =
      kind === 'request.header'
        ? inputs.header(name.toLowerCase())
        : kind === 'request.querystring'
          ? inputs.query(name)
          : kind === 'context'
            ? inputs.context(name)
            : kind === 'stageVariables'
              ? inputs.stageVariable(name)
              : undefined;
    if (value === undefined || value === '') return undefined;
    values.push(value);
  }
  return values;
}

/** A Lambda authorizer's verdict: allowed with the context for the event, or refused (403), or broken (500). */
export type LambdaAuthorizerVerdict =
  | { kind: 'allow'; context: Record<string, unknown>; principalId?: string }
  | { kind: 'deny'; reason: string }
  | { kind: 'error'; reason: string };

/** `*` and `?` of an IAM policy's resource pattern. */
const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

/**
 * Reads an authorizer's response as API Gateway does: with simple responses (payload 2.0),
 * `{ isAuthorized, context }`; otherwise an IAM policy (`principalId`, `policyDocument`, `context`)
 * evaluated against the route's ARN: an explicit Deny wins, else an Allow of `execute-api:Invoke`
 * on a matching resource is needed. Anything malformed is an error (500).
 */
export function readAuthorizerResponse(authorizer: LambdaAuthorizerDef, result: unknown, routeArn: string): LambdaAuthorizerVerdict {
  if (typeof result !== 'object' || result === null) return { kind: 'error', reason: 'the authorizer did not return an object' };
  const response = result as Record<string, unknown>;
  const context = typeof response.context === 'object' && response.context !== null ? (response.context as Record<string, unknown>) : {};
  if (authorizer.simpleResponses && typeof response.isAuthorized === 'boolean')
    return response.isAuthorized ? { kind: 'allow', context } : { kind: 'deny', reason: 'isAuthorized: false' };
  const policy = response.policyDocument as { Statement?: unknown } | undefined;
  if (!policy || typeof policy !== 'object') {
    return {
      kind: 'error',
      reason: authorizer.simpleResponses
        ? 'neither isAuthorized nor a policyDocument in the response'
        : 'no policyDocument in the response',
    };
  }
  const statements = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]) as Record<string, unknown>[];
  const applies = (statement: Record<string, unknown>) =>
    list(statement.Action).some((action) => /^(\*|execute-api:\*|execute-api:Invoke)$/i.test(action)) &&
    list(statement.Resource).some((resource) => wildcard(resource).test(routeArn));
  if (statements.some((statement) => statement?.Effect === 'Deny' && applies(statement)))
    return { kind: 'deny', reason: `the policy denies ${routeArn}` };
  if (!statements.some((statement) => statement?.Effect === 'Allow' && applies(statement)))
    return { kind: 'deny', reason: `the policy allows no execute-api:Invoke on ${routeArn}` };
  return { kind: 'allow', context, principalId: typeof response.principalId === 'string' ? response.principalId : undefined };
}

/** Cached verdicts by identity values, for the authorizer's TTL (API Gateway's authorizer cache). */
export class AuthorizerCache {
  private readonly entries = new Map<string, { verdict: LambdaAuthorizerVerdict; expires: number }>();

  get(authorizer: LambdaAuthorizerDef, values: string[], now: number): LambdaAuthorizerVerdict | undefined {
    const entry = this.entries.get(`${authorizer.id}\u0000${values.join('\u0000')}`);
    return entry && entry.expires > now ? entry.verdict : undefined;
  }

  set(authorizer: LambdaAuthorizerDef, values: string[], verdict: LambdaAuthorizerVerdict, now: number): void {
    if (authorizer.ttlSeconds <= 0 || values.length === 0 || verdict.kind === 'error') return;
    if (this.entries.size > 1000) this.entries.clear();
    this.entries.set(`${authorizer.id}\u0000${values.join('\u0000')}`, { verdict, expires: now + authorizer.ttlSeconds * 1000 });
  }
}
