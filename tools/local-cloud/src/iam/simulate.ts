import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../assembly/naming';
import type { NamedPolicy } from './grants';
import { roleNameOf } from './grants';
import type { IamCall, IamOutcome } from './types';

/** What one evaluation weighs: the caller's identity policies and the resource's policy (either may be empty). */
export interface EvaluationInput {
  call: IamCall;
  identityPolicies: NamedPolicy[];
  resourcePolicy?: NamedPolicy;
}

const OUTCOMES: Record<string, IamOutcome> = {
  Allowed: 'allowed',
  ImplicitlyDenied: 'implicitly-denied',
  ExplicitlyDenied: 'explicitly-denied',
};

/**
 * The request principal AWS sees: a role's session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`,
 * as a function's credentials are), or the service principal's name.
 */
export function requestPrincipalOf(call: IamCall): string {
  const { principal } = call;
  if (principal.kind === 'service') return principal.service;
  return `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${roleNameOf(principal.roleArn)}/${principal.sessionName ?? 'local'}`;
}

/**
 * The global condition keys AWS adds to every request of this principal, under the request's own
 * keys. `aws:SecureTransport` is true: in AWS the SDK calls over TLS (locally it is plain HTTP on
 * 127.0.0.1), so a stack's `enforceSSL` deny does not stop local calls.
 */
export function requestContextOf(call: IamCall): Record<string, string | string[]> {
  const { principal } = call;
  const common = { 'aws:SecureTransport': 'true', 'aws:RequestedRegion': LOCAL_REGION };
  const own: Record<string, string> =
    principal.kind === 'role'
      ? {
          'aws:PrincipalArn': principal.roleArn,
          'aws:PrincipalAccount': LOCAL_ACCOUNT_ID,
          'aws:PrincipalType': 'AssumedRole',
        }
      : {
          'aws:PrincipalServiceName': principal.service,
          'aws:SourceAccount': LOCAL_ACCOUNT_ID,
          ...(principal.sourceArn ? { 'aws:SourceArn': principal.sourceArn } : {}),
        };
  return { ...common, ...own, ...call.context };
}

/**
 * One decision of `@cloud-copilot/iam-simulate` (the whole IAM evaluation logic: explicit deny
 * wins, an identity or same-account resource policy allow suffices, conditions, wildcards).
 * Its unsafe (synchronous, unvalidated) entry point is used: the documents were validated when the
 * templates were read, and a decision must be synchronous to be cached and asked on every call.
 */
export function simulate({ call, identityPolicies, resourcePolicy }: EvaluationInput): IamOutcome {
  const result = runUnsafeSimulation(
    {
      request: {
        principal: requestPrincipalOf(call),
        action: call.action,
        resource: { resource: call.resource, accountId: LOCAL_ACCOUNT_ID },
        contextVariables: requestContextOf(call),
      },
      identityPolicies: identityPolicies.map(({ name, document }) => ({ name, policy: document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // Passed pre-validated: the unsafe entry point loads a bare resource policy without the name its analysis reads.
      resourcePolicy: resourcePolicy
        ? createValidatedPolicy(resourcePolicy.document, validateResourcePolicy, { name: resourcePolicy.name })
        : undefined,
    },
    {},
  );
  return OUTCOMES[result] ?? 'implicitly-denied';
}

/** What is wrong with a policy document (empty: nothing), as IAM would refuse it. */
export function policyErrors(policy: NamedPolicy, kind: 'identity' | 'resource'): string[] {
  const errors = kind === 'identity' ? validateIdentityPolicy(policy.document) : validateResourcePolicy(policy.document);
  return errors.map((error) => `${error.path}: ${error.message}`);
}
