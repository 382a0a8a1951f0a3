import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ShopCdkError } from './errors';
import { suppressNag } from './nag';

/**
 * The actions a function may be granted on `Resource: "*"`, each with the reason: they support no
 * resource-level permissions, so "*" is the only resource IAM accepts for them.
 */
export const RESOURCELESS_ACTIONS: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'active X-Ray tracing (X-Ray actions support no resource-level permissions)',
  'xray:PutTelemetryRecords': 'active X-Ray tracing (X-Ray actions support no resource-level permissions)',
  'dynamodb:ListStreams': 'a DynamoDB stream event source (ListStreams supports no resource-level permissions)',
};

/** Thrown at synthesis when a function role holds a `Resource: "*"` statement with other actions. */
export class WildcardResourceError extends ShopCdkError {
  constructor(rolePath: string, actions: readonly string[]) {
    super(
      `${rolePath} is granted ${actions.join(', ')} on Resource "*": name the resources, or add the actions with their ` +
        'reason to RESOURCELESS_ACTIONS if IAM supports no resource-level permissions for them.',
    );
    this.name = 'WildcardResourceError';
  }
}

/** Properties of a {@link FunctionRole}. */
export interface FunctionRoleProps {
  /** What the role is for, shown in the console. */
  readonly description: string;
}

/**
 * The execution role of a {@link ServiceFunction}: assumed by Lambda, no managed policies. cdk-nag
 * reports every `Resource: "*"` of a policy as one finding, `AwsSolutions-IAM5[Resource::*]`, whatever
 * the statement (it cannot tell X-Ray's from any other). So the finding is acknowledged statement by
 * statement, when a statement whose actions are all {@link RESOURCELESS_ACTIONS} is added, on the
 * role's default policy only, with those actions in the reason; a role without such a statement
 * carries no acknowledgement. Because one acknowledgement would also hide a later `"*"` of another
 * action, such a statement fails synthesis ({@link WildcardResourceError}).
 */
export class FunctionRole extends iam.Role {
  private readonly unexpectedWildcards: string[] = [];

  constructor(scope: Construct, id: string, props: FunctionRoleProps) {
    super(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    this.node.addValidation({
      validate: () =>
        this.unexpectedWildcards.length === 0 ? [] : [new WildcardResourceError(this.node.path, this.unexpectedWildcards).message],
    });
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const result = super.addToPrincipalPolicy(statement);
    if (statement.effect !== iam.Effect.ALLOW || !statement.resources.includes('*')) return result;
    const unexpected = statement.actions.filter((action) => !(action in RESOURCELESS_ACTIONS));
    if (unexpected.length > 0) {
      this.unexpectedWildcards.push(...unexpected);
      return result;
    }
    const reasons = [...new Set(statement.actions.map((action) => RESOURCELESS_ACTIONS[action]))].join('; ');
    suppressNag(this.node.findChild('DefaultPolicy'), [
      { id: 'AwsSolutions-IAM5', appliesTo: ['Resource::*'], reason: `${statement.actions.join(', ')} on "*": ${reasons}.` },
    ]);
    return result;
  }
}
