import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCodeAsset } from '../assembly/cloud-assembly';
import { UnresolvedError } from '../assembly/intrinsics';
import { functionNameOf, lambdaArn } from '../assembly/naming';
import { isObject } from '../assembly/template';
import { FunctionPool } from '../lambda/function-pool';
import { mergeLayers } from '../lambda/layers';
import { runtimeSupport } from '../lambda/runtimes';
import { propertiesOf, readEach, resourceKind, type ApplyContext, type ResourceBase } from './kind';
import type { LayerDef } from './layers';

declare module './kind' {
  interface ModelDefs {
    functions: FunctionDef[];
    eventInvokeConfigs: EventInvokeConfigDef[];
  }
}

export interface FunctionDef extends ResourceBase {
  name: string;
  arn: string;
  handler: string;
  runtime: string;
  codeDir: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  reservedConcurrency?: number;
  /** Where Lambda sends an asynchronous event whose retries are exhausted (`DeadLetterConfig.TargetArn`: SQS or SNS). */
  deadLetterArn?: string;
  /** The layer version ARNs of `Layers`, in order. */
  layers?: string[];
  /** The function's `/opt` (its layers merged), set when it is applied. */
  optDir?: string;
  /** Why the local cloud does not run it (a runtime other than Node.js, a container image): invoking it answers an error saying so. */
  notServed?: string;
}

/** `AWS::Lambda::EventInvokeConfig`: how Lambda retries an asynchronous invocation and where the outcome goes. */
export interface EventInvokeConfigDef extends ResourceBase {
  functionName: string;
  /** 0-2; Lambda's default is 2. */
  maximumRetryAttempts?: number;
  /** 60-21600; Lambda's default is 21600 (6 hours). */
  maximumEventAgeSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
}

/**
 * `AWS::Lambda::Function`: the staged asset folder (or inline `ZipFile` code) run by a pool of
 * worker threads. A redeploy swaps the new pools in at once and lets the old ones finish what
 * they run (drain); a stop shuts them down.
 */
export const functions = resourceKind<'functions', FunctionDef, FunctionPool[]>({
  key: 'functions',
  types: ['AWS::Lambda::Function'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const { stack, resolver, options } = context;
      const resource = stack.template.Resources[logicalId];
      const property = propertiesOf(resolver, logicalId);
      const name = resolver.physicalName(logicalId);
      const runtime = property('Runtime') === undefined ? undefined : String(property('Runtime'));
      const layerArns = ((property('Layers') ?? []) as unknown[]).map(String);
      const support = runtimeSupport(runtime, property('PackageType') as string | undefined);
      if (!support.served) {
        context.warn(`${stack.stackName}/${logicalId} (function ${name}) not served: ${support.reason}`);
        return {
          ...context.base(logicalId),
          name,
          arn: lambdaArn(name),
          handler: String(property('Handler') ?? '-'),
          runtime: runtime ?? 'image',
          codeDir: '',
          timeoutSeconds: 3,
          memorySize: 128,
          environment: {},
          layers: layerArns,
          notServed: support.reason,
        };
      }
      if (support.warning) context.warn(`${stack.stackName}/${logicalId} (function ${name}): ${support.warning}`);
      const code = (resource.Properties?.Code ?? {}) as Record<string, unknown>;
      let codeDir: string | undefined;
      if (typeof code.ZipFile === 'string' || isObject(code.ZipFile)) {
        codeDir = join(options.workDir, 'inline', name);
        if (!existsSync(codeDir)) mkdirSync(codeDir, { recursive: true });
        writeFileSync(join(codeDir, 'index.js'), String(resolver.resolve(code.ZipFile)));
      } else {
        const s3Key = code.S3Key === undefined ? undefined : resolver.resolveLenient(code.S3Key, () => undefined);
        codeDir = findCodeAsset(stack, s3Key, resource.Metadata);
      }
      if (!codeDir) throw new UnresolvedError(`code asset of ${logicalId} not found in ${stack.assemblyDir}`);
      const variables = ((resource.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<
        string,
        unknown
      >;
      const environment: Record<string, string> = {};
      const resolved = resolver.resolveLenient(variables, (reason) => context.warn(`${stack.stackName}/${logicalId}: ${reason}`)) as Record<
        string,
        unknown
      >;
      for (const [key, value] of Object.entries(resolved)) {
        environment[key] = typeof value === 'string' ? value : JSON.stringify(value);
      }
      const reserved = property('ReservedConcurrentExecutions');
      const deadLetter = (property('DeadLetterConfig') as { TargetArn?: string } | undefined)?.TargetArn;
      return {
        ...context.base(logicalId),
        name,
        arn: lambdaArn(name),
        handler: String(property('Handler') ?? 'index.handler'),
        runtime: runtime ?? 'nodejs24.x',
        codeDir,
        timeoutSeconds: Number(property('Timeout') ?? 3),
        memorySize: Number(property('MemorySize') ?? 128),
        environment,
        reservedConcurrency: reserved === undefined ? undefined : Number(reserved),
        deadLetterArn: deadLetter === undefined ? undefined : String(deadLetter),
        layers: layerArns,
      };
    }),
  apply: async (defs, { runtime, model }, previous) => {
    for (const pool of previous ?? []) runtime.pools.delete(pool.def.name);
    const pools = defs.map((def) => new FunctionPool(withLayers(def, model.layers, runtime), runtime.functionPoolOptions(def.name)));
    for (const pool of pools) runtime.pools.set(pool.def.name, pool);
    return pools;
  },
  teardown: async (state, _context, next) => {
    await Promise.allSettled(state.map((pool) => pool.stop({ drain: next !== undefined })));
  },
  describe: (_model, runtime) => ({
    functions: [...runtime.pools.values()].map((pool) => ({
      name: pool.def.name,
      label: pool.label,
      handler: pool.def.handler,
      timeout: pool.def.timeoutSeconds,
      runtime: pool.def.runtime,
      ...(pool.def.layers?.length ? { layers: pool.def.layers } : {}),
      ...(pool.def.notServed ? { served: false, notServed: pool.def.notServed } : {}),
      ...pool.stats(),
    })),
  }),
  report: (defs) => ({ functions: defs.length }),
});

/**
 * The def with its `/opt`: the content of the layers it lists that a loaded stack declares, merged
 * in order. A layer no loaded stack declares (a public layer ARN) is named in a warning.
 */
function withLayers(def: FunctionDef, known: readonly LayerDef[], runtime: ApplyContext['runtime']): FunctionDef {
  if (!def.layers?.length || def.notServed) return def;
  const dirs: string[] = [];
  for (const arn of def.layers) {
    const layer = known.find((candidate) => candidate.arn === arn);
    if (layer) dirs.push(layer.contentDir);
    else runtime.logger.warn(`${def.stackName}/${def.logicalId}: layer ${arn} is declared by no loaded stack (not on the module path)`);
  }
  return dirs.length === 0 ? def : { ...def, optDir: mergeLayers(dirs, runtime.options.stateDir) };
}

/** `AWS::Lambda::EventInvokeConfig`: read by the asynchronous invoker when it retries an event (nothing to create). */
export const eventInvokeConfigs = resourceKind<'eventInvokeConfigs', EventInvokeConfigDef>({
  key: 'eventInvokeConfigs',
  types: ['AWS::Lambda::EventInvokeConfig'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const props = propertiesOf(context.resolver, logicalId);
      const destinations = props('DestinationConfig') as
        { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } } | undefined;
      const number = (name: string) => (props(name) === undefined ? undefined : Number(props(name)));
      return {
        ...context.base(logicalId),
        functionName: functionNameOf(String(props('FunctionName'))),
        maximumRetryAttempts: number('MaximumRetryAttempts'),
        maximumEventAgeSeconds: number('MaximumEventAgeInSeconds'),
        onSuccess: destinations?.OnSuccess?.Destination,
        onFailure: destinations?.OnFailure?.Destination,
      };
    }),
});
