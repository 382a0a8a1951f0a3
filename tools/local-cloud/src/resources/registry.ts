import type { SsmParameters } from '../assembly/ssm-parameters';
import { bucketDeployments } from './bucket-deployments';
import { bucketNotifications, buckets } from './buckets';
import { userPools } from './cognito';
import { eventSourceMappings } from './event-source-mappings';
import { eventBuses, rules } from './event-rules';
import { functionUrls } from './function-urls';
import { httpApis } from './http-apis';
import { iam } from './iam';
import { eventInvokeConfigs, functions } from './functions';
import { layers } from './layers';
import type { ModelDefs, ResourceBase, ResourceKind } from './kind';
import { notServed } from './not-served';
import { queues } from './queues';
import { restApis } from './rest-apis';
import { ssmParameters } from './ssm-parameters';
import { stateMachines } from './state-machines';
import { tables } from './tables';
import { subscriptions, topics } from './topics';

/**
 * Every resource kind the local cloud emulates, in the order they are applied: functions before
 * what invokes them, queues and every service's topics before subscriptions, tables before the
 * stream pollers that read them. Teardown runs in the reverse order. A new kind is one module in
 * this folder and one line here.
 */
export const RESOURCE_KINDS = [
  ssmParameters,
  iam,
  userPools,
  layers,
  functions,
  eventInvokeConfigs,
  functionUrls,
  restApis,
  httpApis,
  stateMachines,
  queues,
  topics,
  subscriptions,
  tables,
  eventSourceMappings,
  eventBuses,
  rules,
  buckets,
  bucketNotifications,
  bucketDeployments,
  notServed,
] as const;

/** A resource the local cloud does not run, listed once at start-up and in `/_local/resources`. */
export interface UnsupportedResource extends ResourceBase {
  type: string;
}

/** What the local cloud runs: each kind's defs under its key (see {@link ModelDefs}), from every loaded stack. */
export type CloudModel = ModelDefs & {
  services: string[];
  stacks: { service: string; stackName: string }[];
  notEmulated: UnsupportedResource[];
  /** Things that could not be worked out (named, never dropped silently). */
  warnings: string[];
  ssm: SsmParameters;
};

/** The CloudFormation types some kind reads; everything else is "not emulated". */
export const EMULATED_TYPES: ReadonlySet<string> = new Set(RESOURCE_KINDS.flatMap((kind) => kind.types));

/** The kinds as the lifecycle drives them (each kind's def and state types erased). */
export const resourceKinds = (): readonly ResourceKind<string, ResourceBase, unknown>[] =>
  RESOURCE_KINDS as unknown as readonly ResourceKind<string, ResourceBase, unknown>[];

/** The defs of one kind in a model (of one service, when given). */
export const defsOf = (model: CloudModel, key: string, service?: string): ResourceBase[] =>
  ((model as unknown as Record<string, ResourceBase[]>)[key] ?? []).filter((def) => service === undefined || def.service === service);
