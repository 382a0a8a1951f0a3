import { UnresolvedError } from '../assembly/intrinsics';
import { stateMachineArn } from '../assembly/naming';
import { taskResourceEmulated, taskStates } from '../sfn/step-functions';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    stateMachines: StateMachineDef[];
  }
}

export interface StateMachineDef extends ResourceBase {
  name: string;
  arn: string;
  type: string;
  roleArn?: string;
  definition: Record<string, unknown>;
}

/**
 * `AWS::StepFunctions::StateMachine` (`Definition`, or `DefinitionString` with its
 * `DefinitionSubstitutions`): run by aws-local-stepfunctions with the local functions and the
 * service integrations of `sfn/`; a redeploy replaces the service's machines (executions kept).
 */
export const stateMachines = resourceKind<'stateMachines', StateMachineDef, StateMachineDef[]>({
  key: 'stateMachines',
  types: ['AWS::StepFunctions::StateMachine'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const props = propertiesOf(context.resolver, logicalId);
      let definition: unknown = props('Definition');
      if (definition === undefined) {
        const text = props('DefinitionString');
        if (typeof text !== 'string')
          throw new UnresolvedError(`state machine ${logicalId} has no Definition or DefinitionString (S3 definitions are not read)`);
        let substituted = text;
        const substitutions = (props('DefinitionSubstitutions') ?? {}) as Record<string, unknown>;
        for (const [key, value] of Object.entries(substitutions)) {
          substituted = substituted.split(`\${${key}}`).join(typeof value === 'string' ? value : JSON.stringify(value));
        }
        definition = JSON.parse(substituted);
      }
      const name = context.resolver.physicalName(logicalId);
      return {
        ...context.base(logicalId),
        name,
        arn: stateMachineArn(name),
        type: String(props('StateMachineType') ?? 'STANDARD'),
        roleArn: props('RoleArn') === undefined ? undefined : String(props('RoleArn')),
        definition: definition as Record<string, unknown>,
      };
    }),
  apply: async (defs, { runtime, service }) => {
    for (const def of defs) {
      for (const { state, resource } of notEmulatedTasks(def)) {
        runtime.logger.warn(
          `state machine ${def.stackName}/${def.logicalId}: Task ${state} (${resource}) is not emulated locally (it fails with States.Runtime)`,
        );
      }
    }
    runtime.sfn.unregister(service);
    runtime.sfn.register(defs);
    return defs;
  },
  describe: (_model, runtime) => ({
    stateMachines: runtime.sfn.list().map((def) => {
      const notEmulated = notEmulatedTasks(def);
      return { name: def.name, arn: def.arn, ...(notEmulated.length > 0 ? { notEmulatedTasks: notEmulated } : {}) };
    }),
  }),
  report: (defs) => ({ stateMachines: defs.length }),
});

/** The Task states whose Resource does not run locally (named at start and in `/_local/resources`). */
function notEmulatedTasks(def: StateMachineDef): { state: string; resource: string }[] {
  return [...taskStates(def.definition)]
    .filter(([, state]) => !taskResourceEmulated(String(state.Resource)))
    .map(([state, { Resource }]) => ({ state, resource: String(Resource) }));
}
