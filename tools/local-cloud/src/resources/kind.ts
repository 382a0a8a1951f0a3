import type { AssemblyStack } from '../assembly/cloud-assembly';
import { UnresolvedError, type StackResolver } from '../assembly/intrinsics';
import type { SsmParameters } from '../assembly/ssm-parameters';
import type { CloudRuntime } from '../runtime/cloud-runtime';
import type { CloudModel } from './registry';

/**
 * Each kind's defs in the model, by the kind's key: a kind's module adds its own field
 * (`declare module './kind' { interface ModelDefs { tables: TableDef[] } }`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-empty-object-type -- filled by declaration merging in each kind's module
export interface ModelDefs {}

/** Where a resource comes from: every def carries it. */
export interface ResourceBase {
  service: string;
  stackName: string;
  logicalId: string;
}

export interface BuildModelOptions {
  sqsEndpoint: string;
  /** Where inline (ZipFile) function code is written. */
  workDir: string;
  parameterOverrides?: Record<string, string>;
}

/** One stack, as a resource kind reads it. */
export interface ReadContext<Def> {
  stack: AssemblyStack;
  resolver: StackResolver;
  /** The stack's active resources of the kind's types, in template order. */
  resources: { logicalId: string; type: string }[];
  /** What this kind read from the stacks before this one (a part may hang off another stack's resource). */
  previous: Def[];
  ssm: SsmParameters;
  options: BuildModelOptions;
  base(logicalId: string): ResourceBase;
  /** A warning about one resource (`<stack>/<logical id>...`: named, never dropped silently). */
  warn(message: string): void;
}

/** What a kind's apply and teardown work with: the running emulators and runtimes, and the current model. */
export interface ApplyContext {
  runtime: CloudRuntime;
  model: CloudModel;
  service: string;
}

/** A deploy report's counts, summed over the kinds (numbers add, records merge). */
export type ReportPart = Record<string, number | Record<string, string>>;

/**
 * One kind of template resource and what the local cloud does with it: `read` turns a stack's
 * resources into defs (the model), `apply` creates them in the emulators and runtimes for one
 * service, `teardown` removes what a redeploy dropped (or everything at stop), `describe` is its
 * part of `/_local/resources`. Kinds run in the registry's order (apply) and its reverse (teardown).
 */
export interface ResourceKind<Key extends string = string, Def extends ResourceBase = ResourceBase, State = unknown> {
  /** The model's field (and `/_local/resources`'s, unless describe says otherwise). */
  readonly key: Key;
  /** The CloudFormation types it reads: their union is what the local cloud emulates. */
  readonly types: readonly string[];
  /** Runs for every stack before any read: what other stacks may resolve (SSM parameters). */
  declare?(context: ReadContext<Def>): void;
  read(context: ReadContext<Def>): Def[];
  /**
   * Creates the service's defs. On a redeploy `previous` is what the service's last apply
   * returned: apply replaces it (and hands over what must survive, such as stream positions).
   */
  apply?(defs: Def[], context: ApplyContext, previous: State | undefined): Promise<State>;
  /** Removes what `state` holds and `next` (the redeployed service's state) does not; everything when `next` is undefined (stop). */
  teardown?(state: State, context: ApplyContext, next: State | undefined): Promise<void>;
  /** Called once, when the local cloud is ready (not on a redeploy). */
  ready?(defs: Def[], context: Omit<ApplyContext, 'service'>): void;
  describe?(model: CloudModel | undefined, runtime: CloudRuntime): Record<string, unknown>;
  /** Routes it serves on the gateway's port besides the REST APIs' (`/_local/routes` and the start banner list them). */
  routes?(
    runtime: CloudRuntime,
  ): { service: string; basePath: string; methods: { httpMethod: string; resourcePath: string; authorizationType: string }[] }[];
  /** URLs it serves besides the gateway's (the start banner lists them). */
  urls?(runtime: CloudRuntime): { service: string; name: string; url: string }[];
  /** Its counts in a deploy report. */
  report?(defs: Def[], state: State | undefined): ReportPart;
}

/** Defines a kind with its types inferred (the registry keeps each kind's def type). */
export const resourceKind = <Key extends string, Def extends ResourceBase, State = undefined>(kind: ResourceKind<Key, Def, State>) => kind;

/**
 * Reads each resource of `types` (all the kind's when omitted) with `read`; a value that cannot be
 * resolved is a warning naming the resource, which is then not started.
 */
export function readEach<Def, Out = Def>(
  context: ReadContext<Def>,
  read: (logicalId: string, type: string) => Out | undefined,
  types?: readonly string[],
): Out[] {
  const out: Out[] = [];
  for (const { logicalId, type } of context.resources) {
    if (types && !types.includes(type)) continue;
    try {
      const def = read(logicalId, type);
      if (def !== undefined) out.push(def);
    } catch (error) {
      if (!(error instanceof UnresolvedError)) throw error;
      context.warn(`${context.stack.stackName}/${logicalId} (${type}) not started: ${error.message}`);
    }
  }
  return out;
}

/** The property reader of one resource. */
export const propertiesOf =
  (resolver: StackResolver, logicalId: string) =>
  (name: string): unknown =>
    resolver.property(logicalId, name);
