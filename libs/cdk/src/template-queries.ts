import type { Template } from 'aws-cdk-lib/assertions';
import { ShopCdkError } from './errors';

/**
 * Queries over a synthesized template for stack tests (`Template.fromStack(stack)`): what a role
 * may do, and the logical id of a resource. Types only from `aws-cdk-lib/assertions`, so apps load
 * nothing of it at synth time.
 */

/** One IAM policy statement as a synthesized template holds it. */
export interface TemplateStatement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
  readonly Sid?: string;
  readonly Condition?: unknown;
}

/** The statements of the IAM policies attached to the role whose logical id starts with `rolePrefix`. */
export const policyStatementsOf = (template: Template, rolePrefix: string): TemplateStatement[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: { Ref?: string }) => role.Ref?.startsWith(rolePrefix)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);

/** Every action of `statements` (one action or a list each), sorted. */
export const actionsOf = (statements: readonly TemplateStatement[]): string[] =>
  statements.flatMap((statement) => [statement.Action].flat()).sort();

/**
 * The logical id of the one resource of `type` whose logical id starts with `prefix`.
 * @throws ShopCdkError when there is none.
 */
export const logicalIdOf = (template: Template, type: string, prefix: string): string => {
  const id = Object.keys(template.findResources(type)).find((logicalId) => logicalId.startsWith(prefix));
  if (!id) throw new ShopCdkError(`No ${type} whose logical id starts with ${prefix}.`);
  return id;
};

/** The resource types whose replacement loses data or messages: tables, queues, topics, user pools. */
export const STATEFUL_RESOURCE_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Cognito::UserPool',
] as const;

/**
 * The logical ids of the template's stateful resources ({@link STATEFUL_RESOURCE_TYPES}), sorted, as
 * `<type> <logicalId>`. A stack test pins them, so a refactoring that would replace a table, queue
 * or topic on the next deploy (a new logical id is a new resource) fails before it ships.
 */
export const statefulLogicalIds = (template: Template): string[] =>
  STATEFUL_RESOURCE_TYPES.flatMap((type) => Object.keys(template.findResources(type)).map((logicalId) => `${type} ${logicalId}`)).sort();
