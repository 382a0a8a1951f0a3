import type { AssemblyStack } from './cloud-assembly';
import { StackResolver } from './intrinsics';
import { userPoolIdOf } from './naming';
import { SsmParameters } from './ssm-parameters';
import { StackExports } from './stack-exports';
import type { BuildModelOptions, ReadContext, ResourceBase } from '../resources/kind';
import { EMULATED_TYPES, resourceKinds, type CloudModel } from '../resources/registry';
import type { AuthorizerDef } from '../resources/rest-apis';

export type { CloudModel } from '../resources/registry';
export type { EventBusDef, EventTargetDef, RuleDef } from '../resources/event-rules';
export type { EventSourceMappingDef } from '../resources/event-source-mappings';
export type { FunctionDef } from '../resources/functions';
export type { QueueDef } from '../resources/queues';
export type { AuthorizerDef, MethodDef, RestApiDef } from '../resources/rest-apis';
export type { StateMachineDef } from '../resources/state-machines';
export type { TableDef } from '../resources/tables';
export type { SubscriptionDef, TopicDef } from '../resources/topics';

/**
 * Reads every loaded stack into the list of things the local cloud runs, one resource kind of
 * the registry at a time. Each stack is resolved with its own {@link StackResolver}; SSM
 * parameters and cross-stack exports are declared first and shared, so that one stack reads what
 * another publishes, whatever their order.
 */
export function buildModel(stacks: AssemblyStack[], options: BuildModelOptions): CloudModel {
  const ssm = new SsmParameters();
  const exports = new StackExports();
  const warnings: string[] = [];
  const kinds = resourceKinds();
  const model = {
    services: [...new Set(stacks.map((stack) => stack.service))],
    stacks: stacks.map(({ service, stackName }) => ({ service, stackName })),
    ...Object.fromEntries(kinds.map((kind) => [kind.key, []])),
    notEmulated: [],
    warnings,
    ssm,
  } as unknown as CloudModel;
  const defs = model as unknown as Record<string, ResourceBase[]>;
  const resolved = stacks.map((stack) => ({
    stack,
    resolver: new StackResolver({
      stackName: stack.stackName,
      template: stack.template,
      sqsEndpoint: options.sqsEndpoint,
      ssm: ssm.lookup,
      exports: exports.lookup,
      parameterOverrides: options.parameterOverrides,
    }),
  }));
  const contextOf = (
    { stack, resolver }: (typeof resolved)[number],
    resources: ReadContext<ResourceBase>['resources'] = [],
    previous: ResourceBase[] = [],
  ): ReadContext<ResourceBase> => ({
    stack,
    resolver,
    resources,
    previous,
    ssm,
    options,
    base: (logicalId) => ({ service: stack.service, stackName: stack.stackName, logicalId }),
    warn: (message) => warnings.push(message),
  });
  // Declare every SSM parameter and export first: any stack may read any other's.
  for (const entry of resolved) for (const kind of kinds) kind.declare?.(contextOf(entry));
  for (const { resolver } of resolved) exports.add(resolver, (message) => warnings.push(message));

  for (const entry of resolved) {
    const { stack, resolver } = entry;
    const active: ReadContext<ResourceBase>['resources'] = [];
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      try {
        if (!resolver.isActive(logicalId)) continue;
      } catch (error) {
        warnings.push(`${stack.stackName}/${logicalId}: condition not resolvable: ${(error as Error).message}`);
        continue;
      }
      if (EMULATED_TYPES.has(resource.Type)) active.push({ logicalId, type: resource.Type });
      else model.notEmulated.push({ service: stack.service, stackName: stack.stackName, logicalId, type: resource.Type });
    }
    for (const kind of kinds) {
      const resources = active.filter(({ type }) => kind.types.includes(type));
      defs[kind.key].push(...kind.read(contextOf(entry, resources, defs[kind.key])));
    }
  }
  warnings.push(...exports.duplicates, ...exports.missingSummary());
  return model;
}

/** Every user pool id the authorizer of an API accepts (undefined entries when a provider ARN is unresolved). */
export function userPoolIdsOf(authorizer: AuthorizerDef): (string | undefined)[] {
  return authorizer.providerArns.map((providerArn) => userPoolIdOf(providerArn));
}
