import { functionLabel } from '../lambda/function-pool';
import { awsManagedPolicyDocument, awsManagedPolicyName } from './aws-managed-policies';
import { policyHolderOf, roleNameOf, type AttachedPolicyDef, type IamDef, type NamedPolicy, type RoleGrantDef } from './grants';
import { policyErrors } from './simulate';

/** A role with every identity policy that applies to it (inline, attached, managed). */
export interface IndexedRole {
  def: RoleGrantDef;
  policies: NamedPolicy[];
}

/** What the templates grant, looked up by the authority on each (uncached) decision. */
export interface GrantIndex {
  /** By role ARN. */
  roles: Map<string, IndexedRole>;
  /** By the ARN of the resource that holds the policy (see `policyHolderOf`): the statements of every policy attached to it. */
  resourcePolicies: Map<string, NamedPolicy>;
  /** `function:<name>`, `stateMachine:<arn>`, `ruleTarget:<rule arn>` → role ARN. */
  bindings: Map<string, string>;
  /** Who runs as each role (`function orderFn`), by role ARN. */
  principalsOf: Map<string, string[]>;
  /** The short label of each role's first principal (`order:PlaceOrderFunction`, as the log writes functions), by role ARN. */
  labelOf: Map<string, string>;
}

/** The index's key of a binding. */
export const bindingKey = (principal: string, name: string) => `${principal}:${name}`;

/**
 * Builds the index from every loaded service's IAM defs: attaches `AWS::IAM::Policy` and
 * `ManagedPolicy` documents to the roles they name, resolves managed policy ARNs (the customer's
 * from the templates, AWS's from the known table), merges the resource policies of one resource.
 * What cannot be attached or read is a warning (`warn`), and grants nothing.
 */
export function buildGrantIndex(defs: IamDef[], warn: (message: string) => void): GrantIndex {
  const roles = new Map<string, IndexedRole>();
  const byName = new Map<string, IndexedRole>();
  const managed = new Map<string, AttachedPolicyDef>();
  const valid = (policy: NamedPolicy, kind: 'identity' | 'resource', where: string) => {
    const errors = policyErrors(policy, kind);
    if (errors.length) warn(`${where}: policy ${policy.name} not used, IAM would refuse it: ${errors.join('; ')}`);
    return errors.length === 0;
  };
  const where = (def: IamDef) => `${def.stackName}/${def.logicalId}`;

  for (const def of defs) {
    if (def.type === 'role') {
      const role: IndexedRole = { def, policies: def.inlinePolicies.filter((policy) => valid(policy, 'identity', where(def))) };
      roles.set(def.roleArn, role);
      byName.set(def.roleName, role);
    }
    if (def.type === 'policy' && def.managedPolicyArn) managed.set(def.managedPolicyArn, def);
  }
  for (const def of defs) {
    if (def.type !== 'policy' || !valid(def.policy, 'identity', where(def))) continue;
    for (const roleRef of def.roles) {
      const role = byName.get(roleNameOf(roleRef));
      if (role) role.policies.push(def.policy);
      else warn(`${where(def)}: policy ${def.policy.name} is attached to role ${roleRef}, which no loaded stack declares`);
    }
  }
  for (const role of roles.values()) {
    for (const policyArn of role.def.managedPolicyArns) {
      const customer = managed.get(policyArn);
      if (customer) {
        // Attached both ways (the role lists it, the policy lists the role): counted once.
        if (!role.policies.includes(customer.policy)) role.policies.push(customer.policy);
        continue;
      }
      const document = awsManagedPolicyDocument(policyArn);
      if (document) role.policies.push({ name: awsManagedPolicyName(policyArn) ?? policyArn, document });
      else
        warn(`${where(role.def)}: managed policy ${policyArn} of role ${role.def.roleName} is not known locally: it grants nothing here`);
    }
  }

  const resourcePolicies = new Map<string, NamedPolicy>();
  for (const def of defs) {
    if (def.type !== 'resourcePolicy' || !valid(def.policy, 'resource', where(def))) continue;
    for (const resourceArn of def.resourceArns) {
      const holder = policyHolderOf(resourceArn);
      const existing = resourcePolicies.get(holder);
      resourcePolicies.set(
        holder,
        existing
          ? {
              name: existing.name === def.policy.name ? existing.name : `${existing.name} + ${def.policy.name}`,
              document: { Version: '2012-10-17', Statement: [...existing.document.Statement, ...def.policy.document.Statement] },
            }
          : def.policy,
      );
    }
  }

  const bindings = new Map<string, string>();
  const principalsOf = new Map<string, string[]>();
  const labelOf = new Map<string, string>();
  for (const def of defs) {
    if (def.type !== 'binding') continue;
    if (!labelOf.has(def.roleArn)) labelOf.set(def.roleArn, functionLabel(def));
    bindings.set(bindingKey(def.principal, def.name), def.roleArn);
    const role = roles.get(def.roleArn);
    const service = TRUSTED_SERVICE[def.principal];
    if (role && !role.def.trustedServices.includes(service)) {
      warn(
        `${where(def)}: role ${role.def.roleName} does not trust ${service}, so ${PRINCIPAL_LABEL[def.principal]} ${def.name} could not run as it in AWS`,
      );
    }
    principalsOf.set(def.roleArn, [...(principalsOf.get(def.roleArn) ?? []), `${PRINCIPAL_LABEL[def.principal]} ${def.name}`]);
  }
  return { roles, resourcePolicies, bindings, principalsOf, labelOf };
}

const TRUSTED_SERVICE = {
  function: 'lambda.amazonaws.com',
  stateMachine: 'states.amazonaws.com',
  ruleTarget: 'events.amazonaws.com',
} as const;
const PRINCIPAL_LABEL = { function: 'function', stateMachine: 'state machine', ruleTarget: 'targets of rule' } as const;
