import { join } from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { findCodeAsset, type AssemblyStack } from './cloud-assembly';
import { StackResolver, UnresolvedError } from './intrinsics';
import { eventBusNameOf, functionNameOf, lambdaArn, queueArn, stateMachineArn, topicArn, userPoolIdOf } from './naming';
import { SsmParameters } from './ssm-parameters';
import { isObject } from './template';

/* ------------------------------------------------------------------ what the local cloud runs */

export interface TableDef {
  service: string;
  stackName: string;
  logicalId: string;
  tableName: string;
  keySchema: { AttributeName: string; KeyType: string }[];
  attributeDefinitions: { AttributeName: string; AttributeType: string }[];
  globalSecondaryIndexes: { IndexName: string; KeySchema: { AttributeName: string; KeyType: string }[]; Projection: Record<string, unknown> }[];
  localSecondaryIndexes: { IndexName: string; KeySchema: { AttributeName: string; KeyType: string }[]; Projection: Record<string, unknown> }[];
  streamViewType?: string;
  ttlAttribute?: string;
}

export interface QueueDef {
  service: string;
  stackName: string;
  logicalId: string;
  name: string;
  url: string;
  arn: string;
  /** SQS attributes as CreateQueue/SetQueueAttributes take them (RedrivePolicy as JSON text). */
  attributes: Record<string, string>;
}

export interface TopicDef {
  service: string;
  stackName: string;
  logicalId: string;
  name: string;
  arn: string;
  attributes: Record<string, string>;
}

export interface SubscriptionDef {
  service: string;
  stackName: string;
  logicalId: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
}

export interface FunctionDef {
  service: string;
  stackName: string;
  logicalId: string;
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
export interface EventInvokeConfigDef {
  service: string;
  stackName: string;
  logicalId: string;
  functionName: string;
  /** 0-2; Lambda's default is 2. */
  maximumRetryAttempts?: number;
  /** 60-21600; Lambda's default is 21600 (6 hours). */
  maximumEventAgeSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
}

/** One target of an EventBridge rule. */
export interface EventTargetDef {
  id: string;
  arn: string;
  kind: 'lambda' | 'sqs' | 'sns' | 'states' | 'events' | 'unsupported';
  /** Constant JSON text sent instead of the event. */
  input?: string;
  /** JSONPath of the part of the event sent. */
  inputPath?: string;
  inputTransformer?: { inputPathsMap: Record<string, string>; inputTemplate: string };
  /** EventBridge's defaults: 185 attempts, 24 hours. */
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  /** SQS queue ARN that gets the events EventBridge could not deliver. */
  deadLetterArn?: string;
  /** `SqsParameters.MessageGroupId` for a FIFO queue. */
  messageGroupId?: string;
}

/** `AWS::Events::Rule`: an event pattern or a schedule, on one event bus, with its targets. */
export interface RuleDef {
  service: string;
  stackName: string;
  logicalId: string;
  name: string;
  arn: string;
  eventBusName: string;
  /** `State` ENABLED (or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS); DISABLED rules match nothing. */
  enabled: boolean;
  /** The pattern as the template gives it (object or JSON text); checked when the rule starts. */
  eventPattern?: unknown;
  scheduleExpression?: string;
  targets: EventTargetDef[];
}

/** `AWS::Events::EventBus`: a named bus (the default bus always exists). */
export interface EventBusDef {
  service: string;
  stackName: string;
  logicalId: string;
  name: string;
  arn: string;
}

export interface EventSourceMappingDef {
  service: string;
  stackName: string;
  logicalId: string;
  uuid: string;
  functionName: string;
  eventSourceArn: string;
  kind: 'sqs' | 'dynamodb-stream' | 'unsupported';
  enabled: boolean;
  batchSize: number;
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  startingPosition: string;
  /** -1 (the default for streams): retry until the record succeeds. */
  maximumRetryAttempts: number;
  /** -1 (the default): records are never too old to retry. */
  maximumRecordAgeSeconds: number;
  bisectBatchOnFunctionError: boolean;
  maximumConcurrency?: number;
  onFailureDestination?: string;
  filterPatterns: string[];
}

export interface AuthorizerDef {
  id: string;
  name: string;
  type: string;
  providerArns: string[];
  /** Header the token is read from (from `method.request.header.X`). */
  identityHeader: string;
}

export type IntegrationDef =
  | { type: 'AWS_PROXY'; functionName: string; timeoutMs: number }
  | { type: 'MOCK'; statusCode: number; headers: Record<string, string>; body?: string }
  | { type: 'UNSUPPORTED'; description: string };

export interface MethodDef {
  httpMethod: string;
  resourcePath: string;
  authorizationType: string;
  authorizer?: AuthorizerDef;
  authorizationScopes: string[];
  apiKeyRequired: boolean;
  integration: IntegrationDef;
}

export interface RestApiDef {
  service: string;
  stackName: string;
  logicalId: string;
  id: string;
  name: string;
  stageName: string;
  stageVariables: Record<string, string> | null;
  /** Base paths the API is mounted under (from AWS::ApiGateway::BasePathMapping); '' is the root. */
  basePaths: string[];
  binaryMediaTypes: string[];
  methods: MethodDef[];
}

export interface StateMachineDef {
  service: string;
  stackName: string;
  logicalId: string;
  name: string;
  arn: string;
  type: string;
  roleArn?: string;
  definition: Record<string, unknown>;
}

export interface UserPoolDef {
  service: string;
  stackName: string;
  logicalId: string;
  id: string;
  arn: string;
  clientIds: string[];
  groups: string[];
}

export interface UnsupportedResource {
  service: string;
  stackName: string;
  logicalId: string;
  type: string;
}

export interface CloudModel {
  services: string[];
  stacks: { service: string; stackName: string }[];
  tables: TableDef[];
  queues: QueueDef[];
  topics: TopicDef[];
  subscriptions: SubscriptionDef[];
  functions: FunctionDef[];
  eventSourceMappings: EventSourceMappingDef[];
  restApis: RestApiDef[];
  stateMachines: StateMachineDef[];
  rules: RuleDef[];
  eventBuses: EventBusDef[];
  eventInvokeConfigs: EventInvokeConfigDef[];
  userPools: UserPoolDef[];
  notEmulated: UnsupportedResource[];
  /** Things that could not be worked out (named, never dropped silently). */
  warnings: string[];
  ssm: SsmParameters;
}

export interface BuildModelOptions {
  sqsEndpoint: string;
  /** Where inline (ZipFile) function code is written. */
  workDir: string;
  parameterOverrides?: Record<string, string>;
}

/* ------------------------------------------------------------------ types handled here */

const EMULATED = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Authorizer',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::BasePathMapping',
  'AWS::ApiGateway::DomainName',
  'AWS::StepFunctions::StateMachine',
  'AWS::Events::Rule',
  'AWS::Events::EventBus',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::SSM::Parameter',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolGroup',
]);

/** API Gateway's hard limit for an integration, in ms. */
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * Reads every loaded stack into the list of things the local cloud runs. Each stack is resolved
 * with its own {@link StackResolver}; SSM parameters are shared so that one stack reads what
 * another publishes.
 */
export function buildModel(stacks: AssemblyStack[], options: BuildModelOptions): CloudModel {
  const ssm = new SsmParameters();
  const warnings: string[] = [];
  const resolved = stacks.map((stack) => ({
    stack,
    resolver: new StackResolver({
        stackName: stack.stackName,
        template: stack.template,
        sqsEndpoint: options.sqsEndpoint,
        ssm: ssm.lookup,
      parameterOverrides: options.parameterOverrides,
    }),
  }));
  // Declare every SSM parameter first: any stack may read any other's.
  for (const { stack, resolver } of resolved) declareSsmParameters(stack, resolver, ssm, warnings);

  const model: CloudModel = {
    services: [...new Set(stacks.map((stack) => stack.service))],
    stacks: stacks.map(({ service, stackName }) => ({ service, stackName })),
    tables: [],
    queues: [],
    topics: [],
    subscriptions: [],
    functions: [],
    eventSourceMappings: [],
    restApis: [],
    stateMachines: [],
    rules: [],
    eventBuses: [],
    eventInvokeConfigs: [],
    userPools: [],
    notEmulated: [],
    warnings,
    ssm,
  };
  for (const { stack, resolver } of resolved) readStack(stack, resolver, model, options);
  return model;
}

function declareSsmParameters(stack: AssemblyStack, resolver: StackResolver, ssm: SsmParameters, warnings: string[]) {
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    if (resource.Type !== 'AWS::SSM::Parameter') continue;
    try {
      if (!resolver.isActive(logicalId)) continue;
      const name = resolver.physicalName(logicalId);
      const type = String(resolver.property(logicalId, 'Type') ?? 'String');
      ssm.define(name, type, `${stack.stackName}/${logicalId}`, () => {
        const value = resolver.property(logicalId, 'Value');
        return Array.isArray(value) ? value.join(',') : String(value);
      });
    } catch (error) {
      warnings.push(`${stack.stackName}/${logicalId}: SSM parameter name not resolvable: ${(error as Error).message}`);
    }
  }
}

function readStack(stack: AssemblyStack, resolver: StackResolver, model: CloudModel, options: BuildModelOptions) {
  const { template, stackName, service } = stack;
  const base = (logicalId: string) => ({ service, stackName, logicalId });
  const lenient = (value: unknown, logicalId: string) =>
    resolver.resolveLenient(value, (reason) => model.warnings.push(`${stackName}/${logicalId}: ${reason}`));

  const apiParts: { logicalId: string; type: string }[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    try {
      if (!resolver.isActive(logicalId)) continue;
    } catch (error) {
      model.warnings.push(`${stackName}/${logicalId}: condition not resolvable: ${(error as Error).message}`);
      continue;
    }
    if (!EMULATED.has(resource.Type)) {
      model.notEmulated.push({ ...base(logicalId), type: resource.Type });
      continue;
    }
    const props = (name: string) => resolver.property(logicalId, name);
    try {
      switch (resource.Type) {
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable':
          model.tables.push(readTable(resolver, logicalId, base(logicalId)));
          break;
        case 'AWS::SQS::Queue': {
          const name = resolver.physicalName(logicalId);
          model.queues.push({
            ...base(logicalId),
            name,
            url: String(resolver.ref(logicalId)),
            arn: queueArn(name),
            attributes: queueAttributes(props),
          });
          break;
        }
        case 'AWS::SNS::Topic': {
          const name = resolver.physicalName(logicalId);
          const arn = topicArn(name);
          const attributes: Record<string, string> = {};
          if (props('FifoTopic') !== undefined) attributes.FifoTopic = String(props('FifoTopic'));
          if (props('ContentBasedDeduplication') !== undefined) attributes.ContentBasedDeduplication = String(props('ContentBasedDeduplication'));
          if (props('DisplayName') !== undefined) attributes.DisplayName = String(props('DisplayName'));
          model.topics.push({ ...base(logicalId), name, arn, attributes });
          for (const [index, inline] of ((props('Subscription') as { Endpoint: string; Protocol: string }[] | undefined) ?? []).entries()) {
            model.subscriptions.push({ ...base(`${logicalId}.Subscription[${index}]`), topicArn: arn, protocol: inline.Protocol, endpoint: inline.Endpoint, attributes: {} });
          }
          break;
        }
        case 'AWS::SNS::Subscription':
          model.subscriptions.push(readSubscription(props, base(logicalId)));
          break;
        case 'AWS::Lambda::Function':
          model.functions.push(readFunction(stack, resolver, logicalId, base(logicalId), lenient, options));
          break;
        case 'AWS::Lambda::EventSourceMapping':
          model.eventSourceMappings.push(readEventSourceMapping(resolver, logicalId, base(logicalId)));
          break;
        case 'AWS::StepFunctions::StateMachine':
          model.stateMachines.push(readStateMachine(resolver, logicalId, base(logicalId)));
          break;
        case 'AWS::Events::Rule':
          model.rules.push(readRule(resolver, logicalId, base(logicalId)));
          break;
        case 'AWS::Events::EventBus':
          model.eventBuses.push({ ...base(logicalId), name: resolver.physicalName(logicalId), arn: String(resolver.getAtt(logicalId, 'Arn')) });
          break;
        case 'AWS::Lambda::EventInvokeConfig':
          model.eventInvokeConfigs.push(readEventInvokeConfig(props, base(logicalId)));
          break;
        case 'AWS::Cognito::UserPool': {
          const id = String(resolver.ref(logicalId));
          model.userPools.push({ ...base(logicalId), id, arn: String(resolver.getAtt(logicalId, 'Arn')), clientIds: [], groups: [] });
          break;
        }
        default:
          apiParts.push({ logicalId, type: resource.Type });
      }
    } catch (error) {
      if (!(error instanceof UnresolvedError)) throw error;
      model.warnings.push(`${stackName}/${logicalId} (${resource.Type}) not started: ${error.message}`);
    }
  }

  // Second pass: parts that hang off resources read above.
  for (const { logicalId, type } of apiParts) {
    try {
      if (type === 'AWS::Cognito::UserPoolClient' || type === 'AWS::Cognito::UserPoolGroup') {
        const poolId = String(resolver.property(logicalId, 'UserPoolId'));
        const pool = model.userPools.find((candidate) => candidate.id === poolId);
        if (pool && type === 'AWS::Cognito::UserPoolClient') pool.clientIds.push(String(resolver.ref(logicalId)));
        if (pool && type === 'AWS::Cognito::UserPoolGroup') pool.groups.push(String(resolver.ref(logicalId)));
      } else if (type === 'AWS::ApiGateway::RestApi') {
        model.restApis.push(readRestApi(stack, resolver, logicalId, base(logicalId), (reason) => model.warnings.push(`${stackName}/${logicalId}: ${reason}`)));
      }
    } catch (error) {
      if (!(error instanceof UnresolvedError)) throw error;
      model.warnings.push(`${stackName}/${logicalId} (${type}) not started: ${error.message}`);
    }
  }
}

/* ------------------------------------------------------------------ DynamoDB */

function readTable(resolver: StackResolver, logicalId: string, base: { service: string; stackName: string; logicalId: string }): TableDef {
  const props = (name: string) => resolver.property(logicalId, name) as never;
  const stream = props('StreamSpecification') as { StreamViewType?: string; StreamEnabled?: boolean } | undefined;
  const ttl = props('TimeToLiveSpecification') as { AttributeName?: string; Enabled?: boolean } | undefined;
  const indexes = (name: string) =>
    ((props(name) as TableDef['globalSecondaryIndexes'] | undefined) ?? []).map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection ?? { ProjectionType: 'ALL' },
    }));
  return {
    ...base,
    tableName: resolver.physicalName(logicalId),
    keySchema: props('KeySchema'),
    attributeDefinitions: props('AttributeDefinitions') ?? [],
    globalSecondaryIndexes: indexes('GlobalSecondaryIndexes'),
    localSecondaryIndexes: indexes('LocalSecondaryIndexes'),
    streamViewType: stream && stream.StreamEnabled !== false ? (stream.StreamViewType ?? 'NEW_AND_OLD_IMAGES') : undefined,
    ttlAttribute: ttl && ttl.Enabled !== false ? ttl.AttributeName : undefined,
  };
}

/* ------------------------------------------------------------------ SQS / SNS */

const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

function queueAttributes(props: (name: string) => unknown): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of QUEUE_ATTRIBUTES) {
    const value = props(name);
    if (value !== undefined) attributes[name] = String(value);
  }
  const redrive = props('RedrivePolicy');
  if (redrive !== undefined) attributes.RedrivePolicy = typeof redrive === 'string' ? redrive : JSON.stringify(redrive);
  return attributes;
}

function readSubscription(props: (name: string) => unknown, base: { service: string; stackName: string; logicalId: string }): SubscriptionDef {
  const attributes: Record<string, string> = {};
  const json = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  if (props('FilterPolicy') !== undefined) attributes.FilterPolicy = json(props('FilterPolicy'));
  if (props('FilterPolicyScope') !== undefined) attributes.FilterPolicyScope = String(props('FilterPolicyScope'));
  if (props('RawMessageDelivery') !== undefined) attributes.RawMessageDelivery = String(props('RawMessageDelivery'));
  if (props('RedrivePolicy') !== undefined) attributes.RedrivePolicy = json(props('RedrivePolicy'));
  return {
    ...base,
    topicArn: String(props('TopicArn')),
    protocol: String(props('Protocol')),
    endpoint: String(props('Endpoint')),
    attributes,
  };
}

/* ------------------------------------------------------------------ Lambda */

function readFunction(
  stack: AssemblyStack,
  resolver: StackResolver,
  logicalId: string,
  base: { service: string; stackName: string; logicalId: string },
  lenient: (value: unknown, logicalId: string) => unknown,
  options: BuildModelOptions,
): FunctionDef {
  const resource = stack.template.Resources[logicalId];
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
  const variables = ((resource.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, unknown>;
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(lenient(variables, logicalId) as Record<string, unknown>)) {
    environment[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const reserved = resolver.property(logicalId, 'ReservedConcurrentExecutions');
  const deadLetter = (resolver.property(logicalId, 'DeadLetterConfig') as { TargetArn?: string } | undefined)?.TargetArn;
  return {
    ...base,
    name,
    arn: lambdaArn(name),
    handler: String(resolver.property(logicalId, 'Handler') ?? 'index.handler'),
    runtime: String(resolver.property(logicalId, 'Runtime') ?? 'nodejs24.x'),
    codeDir,
    timeoutSeconds: Number(resolver.property(logicalId, 'Timeout') ?? 3),
    memorySize: Number(resolver.property(logicalId, 'MemorySize') ?? 128),
    environment,
    reservedConcurrency: reserved === undefined ? undefined : Number(reserved),
    deadLetterArn: deadLetter === undefined ? undefined : String(deadLetter),
  };
}

function readEventInvokeConfig(props: (name: string) => unknown, base: { service: string; stackName: string; logicalId: string }): EventInvokeConfigDef {
  const destinations = props('DestinationConfig') as { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } } | undefined;
  const number = (name: string) => (props(name) === undefined ? undefined : Number(props(name)));
  return {
    ...base,
    functionName: functionNameOf(String(props('FunctionName'))),
    maximumRetryAttempts: number('MaximumRetryAttempts'),
    maximumEventAgeSeconds: number('MaximumEventAgeInSeconds'),
    onSuccess: destinations?.OnSuccess?.Destination,
    onFailure: destinations?.OnFailure?.Destination,
  };
}

function readEventSourceMapping(
  resolver: StackResolver,
  logicalId: string,
  base: { service: string; stackName: string; logicalId: string },
): EventSourceMappingDef {
  const props = (name: string) => resolver.property(logicalId, name);
  const eventSourceArn = String(props('EventSourceArn') ?? '');
  const kind = eventSourceArn.startsWith('arn:aws:sqs:')
    ? 'sqs'
    : /^arn:aws:dynamodb:.*\/stream\//.test(eventSourceArn)
      ? 'dynamodb-stream'
      : 'unsupported';
  const filters = (props('FilterCriteria') as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? [];
  const destination = (props('DestinationConfig') as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure?.Destination;
  return {
    ...base,
    uuid: String(resolver.ref(logicalId)),
    functionName: functionNameOf(String(props('FunctionName'))),
    eventSourceArn,
    kind,
    enabled: props('Enabled') !== false && props('Enabled') !== 'false',
    batchSize: Number(props('BatchSize') ?? (kind === 'sqs' ? 10 : 100)),
    batchingWindowSeconds: Number(props('MaximumBatchingWindowInSeconds') ?? 0),
    reportBatchItemFailures: ((props('FunctionResponseTypes') as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
    startingPosition: String(props('StartingPosition') ?? 'LATEST'),
    maximumRetryAttempts: Number(props('MaximumRetryAttempts') ?? -1),
    maximumRecordAgeSeconds: Number(props('MaximumRecordAgeInSeconds') ?? -1),
    bisectBatchOnFunctionError: props('BisectBatchOnFunctionError') === true,
    maximumConcurrency: (props('ScalingConfig') as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency,
    onFailureDestination: destination,
    filterPatterns: filters.map((filter) => filter.Pattern),
  };
}

/* ------------------------------------------------------------------ Step Functions */

function readStateMachine(
  resolver: StackResolver,
  logicalId: string,
  base: { service: string; stackName: string; logicalId: string },
): StateMachineDef {
  const props = (name: string) => resolver.property(logicalId, name);
  let definition: unknown = props('Definition');
  if (definition === undefined) {
    const text = props('DefinitionString');
    if (typeof text !== 'string') throw new UnresolvedError(`state machine ${logicalId} has no Definition or DefinitionString (S3 definitions are not read)`);
    let substituted = text;
    const substitutions = (props('DefinitionSubstitutions') ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(substitutions)) {
      substituted = substituted.split(`\${${key}}`).join(typeof value === 'string' ? value : JSON.stringify(value));
    }
    definition = JSON.parse(substituted);
  }
  const name = resolver.physicalName(logicalId);
  return {
    ...base,
    name,
    arn: stateMachineArn(name),
    type: String(props('StateMachineType') ?? 'STANDARD'),
    roleArn: props('RoleArn') === undefined ? undefined : String(props('RoleArn')),
    definition: definition as Record<string, unknown>,
  };
}

/* ------------------------------------------------------------------ EventBridge */

/** EventBridge's defaults for a target without a RetryPolicy. */
const DEFAULT_TARGET_RETRY_ATTEMPTS = 185;
const DEFAULT_TARGET_EVENT_AGE_SECONDS = 86_400;

function readRule(resolver: StackResolver, logicalId: string, base: { service: string; stackName: string; logicalId: string }): RuleDef {
  const props = (name: string) => resolver.property(logicalId, name);
  const name = resolver.physicalName(logicalId);
  const state = String(props('State') ?? 'ENABLED');
  const targets = ((props('Targets') as Record<string, unknown>[] | undefined) ?? []).map((target): EventTargetDef => {
    const arn = String(target.Arn);
    const retry = (target.RetryPolicy ?? {}) as { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    const transformer = target.InputTransformer as { InputPathsMap?: Record<string, string>; InputTemplate?: string } | undefined;
    return {
      id: String(target.Id),
      arn,
      kind: targetKind(arn),
      input: target.Input === undefined ? undefined : String(target.Input),
      inputPath: target.InputPath === undefined ? undefined : String(target.InputPath),
      inputTransformer: transformer ? { inputPathsMap: transformer.InputPathsMap ?? {}, inputTemplate: String(transformer.InputTemplate ?? '') } : undefined,
      maximumRetryAttempts: Number(retry.MaximumRetryAttempts ?? DEFAULT_TARGET_RETRY_ATTEMPTS),
      maximumEventAgeSeconds: Number(retry.MaximumEventAgeInSeconds ?? DEFAULT_TARGET_EVENT_AGE_SECONDS),
      deadLetterArn: (target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn,
      messageGroupId: (target.SqsParameters as { MessageGroupId?: string } | undefined)?.MessageGroupId,
    };
  });
  return {
    ...base,
    name,
    arn: String(resolver.getAtt(logicalId, 'Arn')),
    eventBusName: eventBusNameOf(props('EventBusName')),
    enabled: state !== 'DISABLED',
    eventPattern: props('EventPattern'),
    scheduleExpression: props('ScheduleExpression') === undefined ? undefined : String(props('ScheduleExpression')),
    targets,
  };
}

function targetKind(arn: string): EventTargetDef['kind'] {
  const service = arn.split(':')[2];
  if (service === 'lambda') return 'lambda';
  if (service === 'sqs') return 'sqs';
  if (service === 'sns') return 'sns';
  if (service === 'states' && arn.includes(':stateMachine:')) return 'states';
  if (service === 'events' && arn.includes(':event-bus/')) return 'events';
  return 'unsupported';
}

/* ------------------------------------------------------------------ API Gateway (REST) */

function readRestApi(
  stack: AssemblyStack,
  resolver: StackResolver,
  apiLogicalId: string,
  base: { service: string; stackName: string; logicalId: string },
  warn: (reason: string) => void,
): RestApiDef {
  const resources = stack.template.Resources;
  const apiId = String(resolver.ref(apiLogicalId));
  const rootId = String(resolver.getAtt(apiLogicalId, 'RootResourceId'));
  const ofThisApi = (type: string) =>
    Object.entries(resources).filter(
      ([id, resource]) => resource.Type === type && resolver.isActive(id) && resolver.property(id, 'RestApiId') === apiId,
    );

  // Resource tree: id -> full path.
  const parts = new Map<string, { parentId: string; pathPart: string }>();
  for (const [id] of ofThisApi('AWS::ApiGateway::Resource')) {
    parts.set(String(resolver.ref(id)), {
      parentId: String(resolver.property(id, 'ParentId')),
      pathPart: String(resolver.property(id, 'PathPart')),
    });
  }
  const pathOf = (resourceId: string, depth = 0): string => {
    if (resourceId === rootId) return '/';
    const part = parts.get(resourceId);
    if (!part || depth > 50) throw new UnresolvedError(`API resource ${resourceId} is not part of ${apiLogicalId}`);
    const parent = pathOf(part.parentId, depth + 1);
    return `${parent === '/' ? '' : parent}/${part.pathPart}`;
  };

  const authorizers = new Map<string, AuthorizerDef>();
  for (const [id] of ofThisApi('AWS::ApiGateway::Authorizer')) {
    const identitySource = String(resolver.property(id, 'IdentitySource') ?? 'method.request.header.Authorization');
    authorizers.set(String(resolver.ref(id)), {
      id: String(resolver.ref(id)),
      name: String(resolver.property(id, 'Name') ?? id),
      type: String(resolver.property(id, 'Type')),
      providerArns: resolver.resolveLenient(resolver.template.Resources[id].Properties?.ProviderARNs ?? [], warn) as string[],
      identityHeader: /method\.request\.header\.([\w-]+)/.exec(identitySource)?.[1] ?? 'Authorization',
    });
  }

  const methods: MethodDef[] = [];
  for (const [id] of ofThisApi('AWS::ApiGateway::Method')) {
    const authorizerId = resolver.property(id, 'AuthorizerId');
    methods.push({
      httpMethod: String(resolver.property(id, 'HttpMethod')).toUpperCase(),
      resourcePath: pathOf(String(resolver.property(id, 'ResourceId'))),
      authorizationType: String(resolver.property(id, 'AuthorizationType') ?? 'NONE'),
      authorizer: authorizerId === undefined ? undefined : authorizers.get(String(authorizerId)),
      authorizationScopes: (resolver.property(id, 'AuthorizationScopes') as string[] | undefined) ?? [],
      apiKeyRequired: resolver.property(id, 'ApiKeyRequired') === true,
      integration: readIntegration(resolver.property(id, 'Integration') as Record<string, unknown> | undefined),
    });
  }

  // Stage: an explicit AWS::ApiGateway::Stage, else the StageName of a Deployment.
  let stageName = 'prod';
  let stageVariables: Record<string, string> | null = null;
  const stages = ofThisApi('AWS::ApiGateway::Stage');
  if (stages.length > 0) {
    stageName = String(resolver.property(stages[0][0], 'StageName'));
    const variables = resolver.property(stages[0][0], 'Variables') as Record<string, string> | undefined;
    stageVariables = variables && Object.keys(variables).length > 0 ? variables : null;
  } else {
    const deployment = ofThisApi('AWS::ApiGateway::Deployment').find(([id]) => resolver.property(id, 'StageName') !== undefined);
    if (deployment) stageName = String(resolver.property(deployment[0], 'StageName'));
  }

  const basePaths = Object.entries(resources)
    .filter(([id, resource]) => resource.Type === 'AWS::ApiGateway::BasePathMapping' && resolver.isActive(id) && resolver.property(id, 'RestApiId') === apiId)
    .map(([id]) => {
      const basePath = resolver.property(id, 'BasePath');
      return basePath === undefined || basePath === '(none)' ? '' : String(basePath).replace(/^\/+|\/+$/g, '');
    });

  return {
    ...base,
    id: apiId,
    name: String(resolver.property(apiLogicalId, 'Name') ?? apiLogicalId),
    stageName,
    stageVariables,
    basePaths,
    binaryMediaTypes: (resolver.property(apiLogicalId, 'BinaryMediaTypes') as string[] | undefined) ?? [],
    methods,
  };
}

function readIntegration(integration: Record<string, unknown> | undefined): IntegrationDef {
  const type = String(integration?.Type ?? 'NONE');
  if (type === 'AWS_PROXY') {
    const uri = String(integration?.Uri ?? '');
    const match = /functions\/(arn:[^/]+)\/invocations/.exec(uri);
    if (!match || !uri.includes(':lambda:')) return { type: 'UNSUPPORTED', description: `AWS_PROXY to ${uri}` };
    const timeout = Number(integration?.TimeoutInMillis ?? DEFAULT_INTEGRATION_TIMEOUT_MS);
    return { type: 'AWS_PROXY', functionName: functionNameOf(match[1]), timeoutMs: timeout };
  }
  if (type === 'MOCK') {
    const responses = (integration?.IntegrationResponses as Record<string, unknown>[] | undefined) ?? [];
    const response = responses.find((candidate) => !candidate.SelectionPattern) ?? responses[0] ?? {};
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((response.ResponseParameters ?? {}) as Record<string, string>)) {
      const header = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
      if (header) headers[header] = String(value).replace(/^'(.*)'$/, '$1');
    }
    const templates = (response.ResponseTemplates ?? {}) as Record<string, string>;
    return {
      type: 'MOCK',
      statusCode: Number(response.StatusCode ?? 200),
      headers,
      body: templates['application/json'],
    };
  }
  return { type: 'UNSUPPORTED', description: `${type} integration` };
}

/** Every user pool id the authorizer of an API accepts (undefined entries when a provider ARN is unresolved). */
export function userPoolIdsOf(authorizer: AuthorizerDef): (string | undefined)[] {
  return authorizer.providerArns.map((providerArn) => userPoolIdOf(providerArn));
}
