import { roleNameOf, type NamedPolicy } from './grants';
import { simulate, type EvaluationInput } from './simulate';
import type { IamCall, IamOutcome } from './types';

/** `role OrderFnServiceRole (function orderFn)`, `sns.amazonaws.com (for arn:...:topic)`: who, for a message. */
export function principalLabel(call: IamCall): string {
  const { principal } = call;
  if (principal.kind === 'service') return `${principal.service}${principal.sourceArn ? ` (for ${principal.sourceArn})` : ''}`;
  return `role ${roleNameOf(principal.roleArn)}${principal.sessionName ? ` (function ${principal.sessionName})` : ''}`;
}

/** A resource ARN without its `arn:aws:<service>:<region>:<account>:` prefix (`table/orders/index/byCustomer`). */
export function shortResource(resourceArn: string): string {
  const parts = resourceArn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return resourceArn;
  const rest = parts.slice(5).join(':');
  if (parts[2] === 'sqs') return `queue ${rest}`;
  if (parts[2] === 'sns') return `topic ${rest}`;
  return rest;
}

const statementLabel = (policy: NamedPolicy, index: number, statement: Record<string, unknown>) =>
  `statement ${typeof statement.Sid === 'string' && statement.Sid ? statement.Sid : `#${index + 1}`} of ${policy.name}`;

const only = (policy: NamedPolicy, statement: Record<string, unknown>): NamedPolicy => ({
  name: policy.name,
  document: { Version: '2012-10-17', Statement: [statement] },
});

/** Each statement of the input's policies with a given effect, with the input that weighs it alone. */
function* statementsOf(
  input: EvaluationInput,
  effect: 'Allow' | 'Deny',
  change: (statement: Record<string, unknown>) => Record<string, unknown>,
) {
  const { call, identityPolicies, resourcePolicy } = input;
  for (const policy of identityPolicies) {
    for (const [index, statement] of policy.document.Statement.entries()) {
      if (statement.Effect !== effect) continue;
      yield {
        label: statementLabel(policy, index, statement),
        statement,
        alone: { call, identityPolicies: [only(policy, change(statement))] },
      };
    }
  }
  if (!resourcePolicy) return;
  for (const [index, statement] of resourcePolicy.document.Statement.entries()) {
    if (statement.Effect !== effect) continue;
    yield {
      label: statementLabel(resourcePolicy, index, statement),
      statement,
      alone: { call, identityPolicies: [], resourcePolicy: only(resourcePolicy, change(statement)) },
    };
  }
}

const withoutCondition = (statement: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(statement).filter(([key]) => key !== 'Condition'));

/**
 * The one line of a decision: who, action, resource, and for a denial what denies it (the first
 * deny statement that denies the call on its own) or what is missing (no statement allows it, or
 * a statement allows it only under a condition the request does not meet). Asked once per cached
 * decision, so it may run the evaluator once per statement.
 */
export function explainDecision(input: EvaluationInput, outcome: IamOutcome): string {
  const { call } = input;
  const who = principalLabel(call);
  const what = `${call.action} on ${shortResource(call.resource)}`;
  if (outcome === 'allowed') return `${who} may ${what}`;
  if (outcome === 'explicitly-denied') {
    for (const { label, alone } of statementsOf(input, 'Deny', (statement) => statement)) {
      if (simulate(alone) === 'explicitly-denied') return `${label} denies ${what} to ${who}`;
    }
    return `an explicit deny stops ${who} from ${what}`;
  }
  for (const { label, statement, alone } of statementsOf(input, 'Allow', withoutCondition)) {
    if (statement.Condition !== undefined && simulate(alone) === 'allowed') {
      return `${who} may not ${what}: ${label} allows it only when ${JSON.stringify(statement.Condition)}${contextNote(call)}`;
    }
  }
  const { resourcePolicy } = input;
  if (call.principal.kind === 'role')
    return `no statement of ${who} allows ${what}${resourcePolicy ? ` (nor does ${resourcePolicy.name})` : ''}`;
  if (resourcePolicy) return `no statement of ${resourcePolicy.name} allows ${who} ${what}`;
  return `${shortResource(call.resource)} has no resource policy: nothing allows ${who} ${what}`;
}

const contextNote = (call: IamCall) =>
  call.context && Object.keys(call.context).length ? `; the request has ${JSON.stringify(call.context)}` : '';
