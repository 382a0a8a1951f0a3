import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCodeAsset } from '../assembly/cloud-assembly';
import { UnresolvedError } from '../assembly/intrinsics';
import { functionNameOf, lambdaArn } from '../assembly/naming';
import { isObject } from '../assembly/template';
import { FunctionPool } from '../lambda/function-pool';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

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
        runtime: String(property('Runtime') ?? 'nodejs24.x'),
        codeDir,
        timeoutSeconds: Number(property('Timeout') ?? 3),
        memorySize: Number(property('MemorySize') ?? 128),
        environment,
        reservedConcurrency: reserved === undefined ? undefined : Number(reserved),
        deadLetterArn: deadLetter === undefined ? undefined : String(deadLetter),
      };
    }),
  apply: async (defs, { runtime }, previous) => {
    for (const pool of previous ?? []) runtime.pools.delete(pool.def.name);
    const pools = defs.map((def) => new FunctionPool(def, runtime.functionPoolOptions()));
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
      ...pool.stats(),
    })),
  }),
  report: (defs) => ({ functions: defs.length }),
});

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
