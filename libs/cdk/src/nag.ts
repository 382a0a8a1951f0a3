import { Validations, type PolicyViolation } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ShopCdkError } from './errors';

/**
 * cdk-nag for every stack of the shop. cdk-nag 3 is a CDK policy-validation plugin: when
 * registered on the App, `app.synth()` (and so `cdk synth`) stops with a report whenever any
 * AwsSolutions rule, error or warning, has a finding that was not acknowledged.
 */

/** One acknowledged cdk-nag rule, always with the reason it does not apply. */
export interface NagSuppression {
  /** The rule, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding is acceptable here: specific enough for a reviewer to check. */
  readonly reason: string;
  /**
   * Narrows the suppression to these findings of the rule (cdk-nag's `Rule[finding]` form), e.g.
   * `Resource::*` or `Action::s3:*`. Rules with findings (IAM4, IAM5) must name them.
   * @default - the whole rule, for rules that have no finding ids
   */
  readonly appliesTo?: readonly string[];
}

/** Thrown when a suppression lacks a real reason or a wildcard rule lacks its findings. */
export class InvalidNagSuppressionError extends ShopCdkError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidNagSuppressionError';
  }
}

/** Rules whose findings are specific (a policy ARN, an action, a resource) and must be named. */
const RULES_WITH_FINDINGS = new Set(['AwsSolutions-IAM4', 'AwsSolutions-IAM5']);

/** Reasons shorter than this are not reasons ("n/a", "ok", "not needed"). */
const MIN_REASON_LENGTH = 20;

/**
 * Acknowledges cdk-nag rules on `construct` and everything under it.
 * @throws InvalidNagSuppressionError when a reason is missing or too short, or when an IAM4/IAM5
 * suppression does not say which findings it covers.
 */
export const suppressNag = (construct: IConstruct, suppressions: readonly NagSuppression[]): void => {
  for (const { id, reason, appliesTo } of suppressions) {
    if (reason.trim().length < MIN_REASON_LENGTH) {
      throw new InvalidNagSuppressionError(`Suppression of ${id} on ${construct.node.path} needs a real reason.`);
    }
    if (RULES_WITH_FINDINGS.has(id) && (appliesTo === undefined || appliesTo.length === 0)) {
      throw new InvalidNagSuppressionError(`Suppression of ${id} on ${construct.node.path} must list appliesTo.`);
    }
    const ids = appliesTo === undefined ? [id] : appliesTo.map((finding) => `${id}[${finding}]`);
    for (const ruleId of ids) Validations.of(construct).acknowledge({ id: ruleId, reason });
  }
};

/**
 * Registers cdk-nag's AwsSolutions checks on the app: synthesis fails on any unacknowledged
 * finding, and acknowledged ones are written to each resource's `cdk_nag` metadata for audit.
 */
export const applyNagChecks = (app: IConstruct): void => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
};

/**
 * Runs the AwsSolutions checks over `scope` directly and returns each unacknowledged finding as
 * `<rule> <construct path>`: an empty list means nag-clean. Meant for stack tests.
 */
export const nagFindings = (scope: IConstruct): string[] => {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((violation: PolicyViolation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath ?? resource.resourceLogicalId}`),
  );
};
