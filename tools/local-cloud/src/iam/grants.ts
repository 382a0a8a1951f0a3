import type { ResourceBase } from '../resources/kind';

/** An IAM policy document as the templates write it, intrinsics resolved. */
export interface PolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[];
}

/** A policy with the name a message shows (`<role>/<inline name>`, a managed policy's name, `QueuePolicy <logical id>`). */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

/** `AWS::IAM::Role`: its ARN, inline policies and the managed policy ARNs it lists. */
export interface RoleGrantDef extends ResourceBase {
  type: 'role';
  roleArn: string;
  roleName: string;
  inlinePolicies: NamedPolicy[];
  managedPolicyArns: string[];
  /** The services its trust policy lets assume it (`lambda.amazonaws.com`). */
  trustedServices: string[];
}

/** `AWS::IAM::Policy` or `AWS::IAM::ManagedPolicy`: a document attached to roles (by name or ARN). */
export interface AttachedPolicyDef extends ResourceBase {
  type: 'policy';
  policy: NamedPolicy;
  /** The managed policy's ARN (what a role's `ManagedPolicyArns` lists); undefined for `AWS::IAM::Policy`. */
  managedPolicyArn?: string;
  /** `Roles`: role names (CDK's `Ref`) or ARNs. */
  roles: string[];
}

/** A resource policy: a queue's, topic's, function's (`AWS::Lambda::Permission`), bucket's or key's. */
export interface ResourcePolicyDef extends ResourceBase {
  type: 'resourcePolicy';
  /** The ARNs of the resources it is attached to (a queue's ARN, not its URL). */
  resourceArns: string[];
  policy: NamedPolicy;
}

/** Who runs as a role: a function (by name), a state machine (by ARN), a rule's target (by rule ARN). */
export interface RoleBindingDef extends ResourceBase {
  type: 'binding';
  principal: 'function' | 'stateMachine' | 'ruleTarget';
  name: string;
  roleArn: string;
}

/** What the IAM kind reads from one stack (the model's `iam`). */
export type IamDef = RoleGrantDef | AttachedPolicyDef | ResourcePolicyDef | RoleBindingDef;

/** A role's name out of its ARN (`arn:aws:iam::000000000000:role/path/Name` → `Name`), or the name itself. */
export const roleNameOf = (roleArnOrName: string): string => roleArnOrName.split('/').pop() ?? roleArnOrName;

/**
 * The resource whose resource policy applies to a request's resource: a function's unqualified ARN
 * (an alias or version ARN carries a qualifier), a bucket's ARN for an object; the resource itself otherwise.
 */
export function policyHolderOf(resourceArn: string): string {
  const lambda = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+)/.exec(resourceArn);
  if (lambda) return lambda[1];
  const s3 = /^(arn:[^:]+:s3:::[^/]+)/.exec(resourceArn);
  if (s3) return s3[1];
  return resourceArn;
}
