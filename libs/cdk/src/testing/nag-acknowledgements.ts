/** Test support: the cdk-nag acknowledgements recorded in a construct tree (not exported from the library). */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Every acknowledgement under `scope`, as `[construct path, rule id, reason]`, in tree order. */
export const acknowledgedFindings = (scope: IConstruct): [string, string, string][] =>
  scope.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]): [string, string, string] => [
            construct.node.path,
            id.replace(/^annotation::/i, ''),
            reason,
          ]),
        ),
    );
