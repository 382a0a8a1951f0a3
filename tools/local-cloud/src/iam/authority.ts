import { expandIamActions } from '@cloud-copilot/iam-expand';
import type { Logger } from '../log';
import { explainDecision } from './explain';
import { bindingKey, buildGrantIndex, type GrantIndex } from './grant-index';
import { policyHolderOf, roleNameOf, type IamDef } from './grants';
import { simulate, type EvaluationInput } from './simulate';
import type { IamAuthority, IamCall, IamDecision, IamEnforcementMode, IamReport, IamRoleReport } from './types';

/** The services whose calls the local cloud evaluates: a grant of another service can be neither used nor unused here. */
const OBSERVED_SERVICES = new Set(['dynamodb', 'sqs', 'sns', 'states', 'ssm', 'lambda', 'events']);

/** Roles the shutdown line names (the rest are counted). */
const SUMMARY_ROLES = 3;

/** Decisions kept before the cache starts over (a `LeadingKeys` context makes one entry per partition key). */
const DEFAULT_MAX_CACHED = 50_000;

interface Denial {
  principal: string;
  action: string;
  resource: string;
  explanation: string;
  count: number;
  mode: IamEnforcementMode;
}

/** A cached decision, with what a repeated call updates: the role's used actions, or the denial's count. */
interface CachedDecision {
  decision: IamDecision;
  used?: Set<string>;
  action: string;
  denials?: Partial<Record<IamEnforcementMode, Denial>>;
}

export interface LocalIamAuthorityOptions {
  logger?: Logger;
  maxCachedDecisions?: number;
  /** Told each time the templates' IAM is replaced (a start or a redeploy): what was decided may no longer hold. */
  onChange?: () => void;
}

/**
 * The local cloud's IAM: what the loaded templates grant (set per service by the `iam` resource
 * kind, replaced on a redeploy), the decision for one call by `@cloud-copilot/iam-simulate`
 * (cached per principal, action, resource and context: a repeated call is a map lookup), the
 * actions each role used and every denial, and the least-privilege report built from them.
 */
export class LocalIamAuthority implements IamAuthority {
  private readonly services = new Map<string, IamDef[]>();
  private index: GrantIndex = buildGrantIndex([], () => undefined);
  private readonly cache = new Map<string, CachedDecision>();
  /** Actions used, by role ARN (kept across redeploys). */
  private readonly used = new Map<string, Set<string>>();
  private readonly denials: Denial[] = [];
  /** Expanded action patterns (`dynamodb:Get*` → its actions), filled when a service is set. */
  private readonly expanded = new Map<string, string[]>();
  private readonly warned = new Set<string>();
  private readonly maxCached: number;
  /** The condition keys each role's identity policies mention (lower case), by role ARN: filled on its first call. */
  private readonly conditionKeys = new Map<string, Set<string>>();
  /** The condition keys any resource policy mentions (lower case). */
  private resourceConditionKeys = new Set<string>();

  constructor(private readonly options: LocalIamAuthorityOptions = {}) {
    this.maxCached = options.maxCachedDecisions ?? DEFAULT_MAX_CACHED;
  }

  /**
   * Replaces one service's roles, policies, resource policies and bindings (a start or a redeploy),
   * and forgets every cached decision; what was used and denied is kept. New warnings are logged.
   */
  async setService(service: string, defs: IamDef[]): Promise<void> {
    this.services.set(service, defs);
    this.rebuild();
    const patterns = new Set<string>();
    for (const role of this.index.roles.values()) for (const pattern of allowedActionPatterns(role.policies)) patterns.add(pattern);
    await Promise.all([...patterns].filter((pattern) => !this.expanded.has(pattern)).map(async (pattern) => this.expand(pattern)));
  }

  authorize(asked: IamCall, mode: IamEnforcementMode = 'enforce'): IamDecision {
    const call = this.relevant(asked);
    const key = cacheKey(call);
    let entry = this.cache.get(key);
    if (!entry) {
      if (this.cache.size >= this.maxCached) this.cache.clear();
      entry = this.decide(call);
      this.cache.set(key, entry);
    }
    if (entry.used) entry.used.add(entry.action);
    if (!entry.decision.allowed) this.countDenial(call, entry, mode);
    return entry.decision;
  }

  roleOf(kind: 'function' | 'stateMachine', nameOrArn: string): string | undefined {
    return this.index.bindings.get(bindingKey(kind, nameOrArn));
  }

  report(): IamReport {
    const roles: IamRoleReport[] = [...this.index.roles.values()]
      .map(({ def, policies }) => {
        const granted = [...new Set(allowedActionPatterns(policies).flatMap((pattern) => this.expanded.get(pattern) ?? [pattern]))].sort();
        const used = [...(this.used.get(def.roleArn) ?? [])].sort();
        const usedLower = new Set(used.map((action) => action.toLowerCase()));
        const observed = granted.filter((action) => OBSERVED_SERVICES.has(action.split(':')[0].toLowerCase()));
        return {
          roleArn: def.roleArn,
          stack: def.stackName,
          logicalId: def.logicalId,
          principals: this.index.principalsOf.get(def.roleArn) ?? [],
          granted,
          used,
          unused: observed.filter((action) => action !== '*' && !usedLower.has(action.toLowerCase())),
          notObserved: granted.filter((action) => !observed.includes(action)),
        };
      })
      .sort((a, b) => a.roleArn.localeCompare(b.roleArn));
    return { roles, denials: this.denials.map((denial) => ({ ...denial })) };
  }

  /** The shutdown line: `iam: 14 roles, 5 grants never used (order:PlaceOrderFunction: dynamodb:DeleteItem, dynamodb:Scan; ...), 0 denials`. */
  summary(): string {
    const { roles, denials } = this.report();
    const withUnused = roles.filter((role) => role.unused.length);
    const unused = withUnused.reduce((sum, role) => sum + role.unused.length, 0);
    const owner = (role: IamRoleReport) => this.index.labelOf.get(role.roleArn) ?? roleNameOf(role.roleArn);
    const shown =
      withUnused
        .slice(0, SUMMARY_ROLES)
        .map(
          (role) => `${owner(role)}: ${role.unused.slice(0, 3).join(', ')}${role.unused.length > 3 ? ` +${role.unused.length - 3}` : ''}`,
        )
        .join('; ') + (withUnused.length > SUMMARY_ROLES ? `; ${withUnused.length - SUMMARY_ROLES} more roles` : '');
    const denied = denials.reduce((sum, denial) => sum + denial.count, 0);
    return `iam: ${roles.length} roles, ${unused} grants never used${unused ? ` (${shown})` : ''}, ${denied} denials (GET /_local/iam)`;
  }

  /** A granted action pattern's actions for the report (`dynamodb:Get*`: GetItem, GetRecords, ...); the pattern itself if that fails. */
  private async expand(pattern: string): Promise<void> {
    if (!pattern.includes('*') && !pattern.includes('?')) {
      this.expanded.set(pattern, [pattern]);
      return;
    }
    try {
      this.expanded.set(pattern, await expandIamActions(pattern));
    } catch (error) {
      this.warn(`the granted actions ${pattern} could not be expanded for the report (${(error as Error).message}): listed as written`);
      this.expanded.set(pattern, [pattern]);
    }
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.options.logger?.warn(`iam: ${message}`);
  }

  private rebuild(): void {
    this.index = buildGrantIndex([...this.services.values()].flat(), (message) => this.warn(message));
    this.cache.clear();
    this.conditionKeys.clear();
    this.resourceConditionKeys = conditionKeysOf([...this.index.resourcePolicies.values()]);
    this.options.onChange?.();
  }

  /**
   * The call with only the context keys a policy that could decide it mentions (in a `Condition`
   * or as a `${variable}`): a key no policy names cannot change the decision, and dropping it
   * keeps one cached decision per role, action and resource where the request carries a value per
   * item (`dynamodb:LeadingKeys` is every item's partition key; only a role whose policy tests it
   * needs a decision per key).
   */
  conditionFree(roleArn: string, resources: string[]): boolean {
    if (this.roleConditionKeys(roleArn).size > 0) return false;
    return resources.every((resource) => {
      const policy = this.index.resourcePolicies.get(policyHolderOf(resource));
      return !policy || conditionKeysOf([policy]).size === 0;
    });
  }

  /** The condition keys and policy variables a role's identity policies mention (lower case), read on first use. */
  private roleConditionKeys(roleArn: string): Set<string> {
    let keys = this.conditionKeys.get(roleArn);
    if (!keys) this.conditionKeys.set(roleArn, (keys = conditionKeysOf(this.index.roles.get(roleArn)?.policies ?? [])));
    return keys;
  }

  private relevant(call: IamCall): IamCall {
    const { context } = call;
    if (!context) return call;
    const names = Object.keys(context);
    if (names.length === 0) return call;
    const roleKeys = call.principal.kind === 'role' ? this.roleConditionKeys(call.principal.roleArn) : undefined;
    const kept = names.filter((name) => {
      const lower = name.toLowerCase();
      return roleKeys?.has(lower) || this.resourceConditionKeys.has(lower);
    });
    if (kept.length === names.length) return call;
    return kept.length
      ? { ...call, context: Object.fromEntries(kept.map((name) => [name, context[name]])) }
      : { ...call, context: undefined };
  }

  private decide(call: IamCall): CachedDecision {
    const { principal } = call;
    const resourcePolicy = this.index.resourcePolicies.get(policyHolderOf(call.resource));
    const { action } = call;
    if (principal.kind === 'role') {
      const role = this.index.roles.get(principal.roleArn);
      if (!role && !resourcePolicy) {
        const explanation = `role ${roleNameOf(principal.roleArn)} is not declared in any loaded stack: nothing allows ${call.action} on ${call.resource}`;
        return { decision: { allowed: false, outcome: 'implicitly-denied', explanation }, action };
      }
      const input: EvaluationInput = { call, identityPolicies: role?.policies ?? [], resourcePolicy };
      const decision = this.decision(input);
      if (!decision.allowed) return { decision, action };
      let used = this.used.get(principal.roleArn);
      if (!used) this.used.set(principal.roleArn, (used = new Set()));
      return { decision, used, action };
    }
    return { decision: this.decision({ call, identityPolicies: [], resourcePolicy }), action };
  }

  private decision(input: EvaluationInput): IamDecision {
    const outcome = simulate(input);
    return { allowed: outcome === 'allowed', outcome, explanation: explainDecision(input, outcome) };
  }

  private countDenial(call: IamCall, entry: CachedDecision, mode: IamEnforcementMode): void {
    entry.denials ??= {};
    let denial = entry.denials[mode];
    if (!denial) {
      const { principal } = call;
      denial = {
        principal: principal.kind === 'role' ? principal.roleArn : principal.service,
        action: call.action,
        resource: call.resource,
        explanation: entry.decision.explanation,
        count: 0,
        mode,
      };
      // The same question asked again after the cache started over counts on the same denial.
      const same = this.denials.find(
        (candidate) =>
          candidate.principal === denial?.principal &&
          candidate.action === call.action &&
          candidate.resource === call.resource &&
          candidate.mode === mode &&
          candidate.explanation === denial.explanation,
      );
      if (same) denial = same;
      else this.denials.push(denial);
      entry.denials[mode] = denial;
    }
    denial.count++;
  }
}

/** The action patterns the Allow statements of some policies list (`NotAction` grants are not listed). */
function allowedActionPatterns(policies: { document: { Statement: Record<string, unknown>[] } }[]): string[] {
  return policies.flatMap(({ document }) =>
    document.Statement.filter((statement) => statement.Effect === 'Allow' && statement.Action !== undefined).flatMap((statement) =>
      ([] as unknown[]).concat(statement.Action).map(String),
    ),
  );
}

/** The condition keys some policies mention, in lower case: a `Condition` block's keys and the `${key}` variables anywhere. */
function conditionKeysOf(policies: { document: { Statement: Record<string, unknown>[] } }[]): Set<string> {
  const keys = new Set<string>();
  for (const { document } of policies) {
    for (const statement of document.Statement) {
      const condition = statement.Condition;
      if (condition && typeof condition === 'object')
        for (const tests of Object.values(condition as Record<string, unknown>))
          if (tests && typeof tests === 'object') for (const key of Object.keys(tests)) keys.add(key.toLowerCase());
    }
    for (const [, variable] of JSON.stringify(document).matchAll(/\$\{([^}]+)\}/g)) keys.add(variable.toLowerCase());
  }
  return keys;
}

/** The cache's key of a call: principal, action, resource, context (its keys in order). */
function cacheKey({ principal, action, resource, context }: IamCall): string {
  const who =
    principal.kind === 'role'
      ? `r\u0000${principal.roleArn}\u0000${principal.sessionName ?? ''}`
      : `s\u0000${principal.service}\u0000${principal.sourceArn ?? ''}`;
  const base = `${who}\u0000${action}\u0000${resource}`;
  if (!context) return base;
  const keys = Object.keys(context);
  if (keys.length === 0) return base;
  keys.sort();
  let out = base;
  for (const key of keys) out += `\u0000${key}=${JSON.stringify(context[key])}`;
  return out;
}
