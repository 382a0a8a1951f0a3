import http, { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { discoverAssemblies, loadAssembly, type AssemblyStack } from './assembly/cloud-assembly';
import { freePort } from './net';
import { buildModel, type CloudModel, type EventSourceMappingDef, type QueueDef, type SubscriptionDef, type TopicDef } from './assembly/model';
import { eventBusNameOf, functionNameOf, LOCAL_REGION, queueArn, queueNameOf, queueUrl, stableId } from './assembly/naming';
import type { SsmParameters } from './assembly/ssm-parameters';
import { CognitoAuthorizer } from './api/authorizer';
import { Gateway, type HttpAnswer } from './api/gateway';
import { issueIdToken, loadOrCreateSigningKey, type SigningKey } from './auth/tokens';
import { eventBridgeEndpoint, lambdaEndpoint, ssmEndpoint, stepFunctionsEndpoint } from './aws-api/endpoints';
import { awsFrontDoor } from './aws-api/front-door';
import { deploySource } from './control-plane/deploy-source';
import { ControlPlaneGuard } from './control-plane/guard';
import { jsonBody, pathRest } from './control-plane/input';
import { controlSecretPath, createControlSecret, LOCAL_ACCESS_KEY_ID, removeControlSecret } from './control-plane/secret';
import { awsJsonCall } from './emulators/aws-json-client';
import { DynamoDbLocal } from './emulators/dynamodb-local';
import { Messaging } from './emulators/messaging';
import { EventBridge, RuleNotFoundError, type TargetDelivery } from './events/event-bridge';
import { faultsEndpoint } from './faults/faults-endpoint';
import { FaultRegistry } from './faults/registry';
import { faultTargets } from './faults/targets';
import { AsyncInvoker, LAMBDA_ASYNC_DEFAULTS } from './lambda/async-invoker';
import { FunctionPool, type FunctionLogMode } from './lambda/function-pool';
import type { Logger } from './log';
import { SqsPoller } from './pollers/sqs-poller';
import { StreamPoller } from './pollers/stream-poller';
import { statusChangeDetail, StepFunctions } from './sfn/step-functions';

export interface LocalCloudOptions {
  /** Folder of the services' assemblies: `<root>/<service>/cdk.out` (dist/apps). */
  assembliesRoot: string;
  /** Only these services (default: every assembly found). */
  services?: string[];
  /** Where the signing key, control secret, pid file and inline code live (git-ignored `.local-cloud/`). */
  stateDir: string;
  /** The only folder `POST /_local/deploy` may load a `dir` from: the workspace's `dist/`. */
  deployRoot: string;
  /** Finished executions kept per state machine (oldest dropped first; running ones always kept). */
  maxExecutions?: number;
  /** Path of the built lambda-worker.mjs. */
  workerScript: string;
  /** node_modules that stands in for the Lambda runtime's (the AWS SDK for bundles that leave it out): NODE_PATH. */
  runtimeNodeModules?: string;
  /** V8 code cache of the functions' modules, shared by every instance (see lambda-worker.ts). */
  compileCacheDir?: string;
  port: number;
  dynamodbPort?: number;
  messagingPort?: number;
  /** Concurrent instances per function (Lambda's concurrency). */
  maxConcurrency: number;
  idleTimeoutMs: number;
  functionLogs: FunctionLogMode;
  jvmOptions: string;
  /** Java source of the loopback launcher for DynamoDB Local (see DynamoDbLocalOptions.launcherSource). */
  dynamodbLauncherSource?: string;
  /** A DynamoDB Local spawned before this module was even loaded (the JVM is the long pole of the start-up). */
  dynamodb?: DynamoDbLocal;
  /** Start one instance of every function behind an API right after start-up (the first request is then warm). */
  prewarm: boolean;
  logger: Logger;
  /** Test knob: Step Functions retry interval override (ms). */
  sfnRetryIntervalMs?: number;
  /**
   * Test knob: multiplies the delays the local cloud itself waits between retries (Lambda's
   * asynchronous retries, EventBridge target retries, stream batch retries). Default 1.
   */
  retryDelayScale?: number;
}

type Poller = SqsPoller | StreamPoller;

/** What one service runs, so that a redeploy can replace exactly that. */
interface ServiceRuntime {
  service: string;
  stacks: AssemblyStack[];
  queues: QueueDef[];
  topics: TopicDef[];
  functions: string[];
  pollers: Poller[];
}

export interface DeployReport {
  service: string;
  durationMs: number;
  tables: Record<string, string>;
  functions: number;
  routes: number;
  queues: number;
  topics: number;
  stateMachines: number;
  rules: number;
  warnings: string[];
}

/** `POST /_local/tokens`: who the ID token is for (unknown fields refused). */
const TOKEN_REQUEST = z.strictObject({
  username: z.string().regex(/^[^\s\p{C}]{1,128}$/u, 'a user name: 1 to 128 characters, no spaces'),
  groups: z.array(z.string().regex(/^[^\s\p{C}]{1,128}$/u)).max(10).optional(),
  ttlSeconds: z.int().min(1).max(86_400).optional(),
  expired: z.boolean().optional(),
});

/** `POST /_local/deploy`: a service, and optionally the folder of its assembly inside the workspace's dist/. */
const DEPLOY_REQUEST = z.strictObject({
  service: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a service name (lower-case letters, digits, dashes)'),
  dir: z.string().min(1).max(4096).optional(),
});

/**
 * The whole shop on one machine: reads the assemblies, starts DynamoDB Local and fauxqs, creates
 * what the templates declare, runs the functions in worker threads and serves every API, event
 * source mapping and state machine. `deploy(service)` swaps one service's new assembly in.
 */
export class LocalCloud {
  private readonly options: LocalCloudOptions;
  private readonly logger: Logger;
  private server?: Server;
  private dynamodb?: DynamoDbLocal;
  private messaging?: Messaging;
  private signingKey?: SigningKey;
  private authorizer?: CognitoAuthorizer;
  private readonly pools = new Map<string, FunctionPool>();
  private readonly services = new Map<string, ServiceRuntime>();
  private readonly gateway: Gateway;
  private sfn: StepFunctions;
  private readonly events: EventBridge;
  private readonly asyncInvoker: AsyncInvoker;
  /** Injected faults (`/_local/faults`), applied by the AWS front door, the function pools and Step Functions. */
  private readonly faults: FaultRegistry;
  /** Keep-alive connections from the front door to DynamoDB Local and fauxqs. */
  private readonly emulatorAgents = [new http.Agent({ keepAlive: true }), new http.Agent({ keepAlive: true })];
  private ssm?: SsmParameters;
  private model?: CloudModel;
  private readonly parts: Record<string, boolean> = { http: false, dynamodb: false, messaging: false, resources: false };
  private ports = { dynamodb: 0, messaging: 0 };
  private stopping?: Promise<void>;
  private deploying: Promise<unknown> = Promise.resolve();
  /** The control-plane secret of this start (functions sign their AWS calls with it). */
  private secret?: string;
  /** When the process started (start-up times count from there, module loading included). */
  readonly startedAt = Math.round(performance.timeOrigin);
  readyAt?: number;

  constructor(options: LocalCloudOptions) {
    this.options = options;
    this.logger = options.logger;
    const guard = new ControlPlaneGuard({ port: options.port, secret: () => this.secret, secretFile: controlSecretPath(options.stateDir) });
    this.gateway = new Gateway({ logger: this.logger, guard, functionPool: (name) => this.pools.get(name), authorizer: () => this.authorizer });
    this.asyncInvoker = this.createAsyncInvoker();
    this.events = new EventBridge({ delivery: this.targetDelivery(), logger: this.logger, retryDelayScale: this.retryDelayScale });
    this.faults = new FaultRegistry({ logger: this.logger });
    this.sfn = this.createStepFunctions();
  }

  get stateDir(): string {
    return this.options.stateDir;
  }

  private get retryDelayScale(): number {
    return this.options.retryDelayScale ?? 1;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get ready(): boolean {
    return Object.values(this.parts).every(Boolean);
  }

  get cloudModel(): CloudModel | undefined {
    return this.model;
  }

  routes() {
    return this.gateway.routes();
  }

  async start(): Promise<void> {
    mkdirSync(this.options.stateDir, { recursive: true });
    this.secret = createControlSecret(this.options.stateDir);
    this.ports = {
      dynamodb: this.options.dynamodb?.port ?? this.options.dynamodbPort ?? (await freePort()),
      messaging: this.options.messagingPort ?? (await freePort()),
    };
    this.registerLocalHandlers();
    await this.listen();

    // The JVM takes the longest: start it first, do everything else while it boots.
    this.dynamodb = this.options.dynamodb ?? DynamoDbLocal.spawn({
      port: this.ports.dynamodb,
      jvmOptions: this.options.jvmOptions,
      launcherSource: this.options.dynamodbLauncherSource,
      pidFile: join(this.options.stateDir, 'dynamodb-local.pid'),
      logger: this.logger,
    });
    const phase = (name: string) => this.logger.debug(`start-up: ${name} at ${Date.now() - this.startedAt} ms`);
    const dynamodbReady = this.dynamodb.ready().then(() => {
      this.parts.dynamodb = true;
      phase('DynamoDB Local answers');
    });
    const messagingReady = Messaging.start(this.ports.messaging, this.logger).then((messaging) => {
      this.messaging = messaging;
      this.parts.messaging = true;
      phase('fauxqs listens');
    });
    const keyReady = loadOrCreateSigningKey(this.options.stateDir).then((key) => {
      this.signingKey = key;
      this.authorizer = new CognitoAuthorizer(key.publicKey);
    });

    const locations = discoverAssemblies(this.options.assembliesRoot).filter((location) => !this.options.services || this.options.services.includes(location.service));
    if (locations.length === 0) {
      this.logger.warn(`no assemblies under ${this.options.assembliesRoot} (synthesize with: npx nx run-many -t synth -c local)`);
    }
    const stacks = locations.flatMap((location) => loadAssembly(location));
    const stages = new Map(stacks.map((stack) => [stack.service, /^shop-([a-z0-9]+)-/.exec(stack.stackName)?.[1]]));
    if (new Set([...stages.values()].filter(Boolean)).size > 1) {
      this.logger.warn(
        `the assemblies come from different stages (${[...stages].map(([service, stage]) => `${service}: ${stage}`).join(', ')}); their SSM names will not meet. Synthesize with: npx nx run-many -t synth -c local`,
      );
    }
    const model = this.buildModel(stacks);
    this.reportModel(model);
    phase(`${stacks.length} stacks read and resolved`);

    for (const service of model.services) {
      this.services.set(service, { service, stacks: stacks.filter((stack) => stack.service === service), queues: [], topics: [], functions: [], pollers: [] });
    }
    for (const service of model.services) this.startFunctionsAndApis(model, service);

    await Promise.all([messagingReady, keyReady]);
    await this.applyMessaging(model, model.services);
    phase('queues, topics and subscriptions created');
    await dynamodbReady;
    await Promise.all(model.services.map((service) => this.applyTables(model, service)));
    phase('tables created');
    const pollersReady: Promise<void>[] = [];
    for (const service of model.services) pollersReady.push(...this.startPollers(model, service));
    await Promise.all(pollersReady);
    for (const service of model.services) this.startRules(model, service);
    this.parts.resources = true;
    this.readyAt = Date.now();
    this.logger.info(`local cloud ready in ${this.readyAt - this.startedAt} ms at ${this.baseUrl}`);
    // Functions start on demand, as in Lambda; the API ones get one instance now so the first request is warm.
    if (this.options.prewarm) void this.prewarmApiFunctions(model);
  }

  /** Swaps the freshly synthesized assembly of one service in; its tables keep their data. */
  deploy(service: string, dir?: string): Promise<DeployReport> {
    const run = this.deploying.then(() => this.doDeploy(service, dir));
    this.deploying = run.catch(() => undefined);
    return run;
  }

  private async doDeploy(service: string, dir?: string): Promise<DeployReport> {
    const started = Date.now();
    const location = dir
      ? { service, dir }
      : discoverAssemblies(this.options.assembliesRoot).find((candidate) => candidate.service === service);
    if (!location) throw new Error(`no assembly for ${service} under ${this.options.assembliesRoot}`);
    const fresh = loadAssembly(location);
    const others = [...this.services.values()].filter((runtime) => runtime.service !== service).flatMap((runtime) => runtime.stacks);
    const model = this.buildModel([...others, ...fresh]);
    const old = this.services.get(service);
    this.logger.info(`deploying ${service} from ${location.dir}`);

    // Stop what the old assembly ran (pollers hand their stream positions over).
    const checkpoints = new Map<string, Map<string, string>>();
    for (const poller of old?.pollers ?? []) {
      if (poller instanceof StreamPoller) checkpoints.set(poller.mapping.logicalId, poller.checkpoints);
      await poller.stop();
    }
    this.events.unregister(service);
    const oldPools = (old?.functions ?? []).map((name) => this.pools.get(name)).filter((pool): pool is FunctionPool => pool !== undefined);
    for (const name of old?.functions ?? []) this.pools.delete(name);

    const runtime: ServiceRuntime = { service, stacks: fresh, queues: [], topics: [], functions: [], pollers: [] };
    this.services.set(service, runtime);
    this.startFunctionsAndApis(model, service);
    await this.mq.removeSubscriptions(service);
    await this.applyMessaging(model, [service]);
    for (const queue of old?.queues ?? []) if (!runtime.queues.some((candidate) => candidate.name === queue.name)) await this.mq.deleteQueue(queue);
    for (const topic of old?.topics ?? []) if (!runtime.topics.some((candidate) => candidate.arn === topic.arn)) await this.mq.deleteTopic(topic);
    const tables = await this.applyTables(model, service);
    await Promise.all(this.startPollers(model, service, checkpoints));
    this.startRules(model, service);
    await Promise.all(oldPools.map((pool) => pool.stop({ drain: true })));
    this.reportModel(model, service);
    const report: DeployReport = {
      service,
      durationMs: Date.now() - started,
      tables,
      functions: model.functions.filter((fn) => fn.service === service).length,
      routes: model.restApis.filter((api) => api.service === service).reduce((sum, api) => sum + api.methods.length, 0),
      queues: runtime.queues.length,
      topics: runtime.topics.length,
      stateMachines: model.stateMachines.filter((machine) => machine.service === service).length,
      rules: model.rules.filter((rule) => rule.service === service).length,
      warnings: model.warnings.filter((warning) => fresh.some((stack) => warning.startsWith(`${stack.stackName}/`))),
    };
    this.logger.info(`deployed ${service} in ${report.durationMs} ms`);
    return report;
  }

  private get mq(): Messaging {
    if (!this.messaging) throw new Error('fauxqs is not started');
    return this.messaging;
  }

  private get ddb(): DynamoDbLocal {
    if (!this.dynamodb) throw new Error('DynamoDB Local is not started');
    return this.dynamodb;
  }

  private get ssmParameters(): SsmParameters {
    if (!this.ssm) throw new Error('no assembly loaded');
    return this.ssm;
  }

  private runtime(service: string): ServiceRuntime {
    const runtime = this.services.get(service);
    if (!runtime) throw new Error(`service ${service} is not loaded`);
    return runtime;
  }

  private buildModel(stacks: AssemblyStack[]): CloudModel {
    const model = buildModel(stacks, {
      // Queue URLs on the front door: the SDK sends SQS calls to the origin of their QueueUrl.
      sqsEndpoint: `${this.baseUrl}/_aws/sqs`,
      workDir: this.options.stateDir,
    });
    this.model = model;
    this.ssm = model.ssm;
    return model;
  }

  private reportModel(model: CloudModel, only?: string): void {
    const inScope = <T extends { service: string }>(items: T[]) => items.filter((item) => !only || item.service === only);
    const notEmulated = inScope(model.notEmulated);
    if (notEmulated.length > 0) {
      const byType = new Map<string, string[]>();
      for (const resource of notEmulated) byType.set(resource.type, [...(byType.get(resource.type) ?? []), `${resource.stackName}/${resource.logicalId}`]);
      this.logger.info(`not emulated (${notEmulated.length}): ${[...byType].map(([type, ids]) => `${type} [${ids.join(', ')}]`).join('; ')}`);
    }
    for (const warning of model.warnings) this.logger.warn(warning);
    for (const mapping of inScope(model.eventSourceMappings)) {
      if (mapping.kind === 'unsupported') this.logger.warn(`event source mapping ${mapping.stackName}/${mapping.logicalId} on ${mapping.eventSourceArn} is not emulated`);
      if (mapping.filterPatterns.length > 0) this.logger.warn(`event source mapping ${mapping.stackName}/${mapping.logicalId}: FilterCriteria are not applied locally (every record is delivered)`);
    }
  }

  private startFunctionsAndApis(model: CloudModel, service: string): void {
    const runtime = this.runtime(service);
    for (const def of model.functions.filter((fn) => fn.service === service)) {
      this.pools.set(
        def.name,
        new FunctionPool(def, {
          workerScript: this.options.workerScript,
          maxConcurrency: this.options.maxConcurrency,
          idleTimeoutMs: this.options.idleTimeoutMs,
          baseEnvironment: this.baseEnvironment(),
          overrideEnvironment: { ...this.endpointEnvironment(), ...this.credentialEnvironment() },
          logger: this.logger,
          functionLogs: this.options.functionLogs,
          compileCacheDir: this.options.compileCacheDir,
          faults: this.faults,
        }),
      );
      runtime.functions.push(def.name);
    }
    this.gateway.mount(service, model.restApis.filter((api) => api.service === service));
    this.sfn.unregister(service);
    this.sfn.register(model.stateMachines.filter((machine) => machine.service === service));
  }

  private async prewarmApiFunctions(model: CloudModel): Promise<void> {
    const names = new Set(model.restApis.flatMap((api) => api.methods.flatMap((method) => (method.integration.type === 'AWS_PROXY' ? [method.integration.functionName] : []))));
    await Promise.all([...names].map((name) => this.pools.get(name)?.prewarm()));
  }

  /**
   * Queues, then topics, then subscriptions, each phase for every given service: a service may
   * subscribe to another's topic. A subscription whose topic does not exist (its service is not
   * loaded) is reported and skipped.
   */
  private async applyMessaging(model: CloudModel, services: string[]): Promise<void> {
    for (const service of services) {
      const runtime = this.runtime(service);
      runtime.queues = model.queues.filter((queue) => queue.service === service);
      await this.mq.ensureQueues(runtime.queues);
    }
    for (const service of services) {
      const runtime = this.runtime(service);
      runtime.topics = model.topics.filter((topic) => topic.service === service);
      await this.mq.ensureTopics(runtime.topics);
    }
    for (const subscription of model.subscriptions.filter((candidate) => services.includes(candidate.service))) {
      const where = `subscription ${subscription.stackName}/${subscription.logicalId}`;
      try {
        if (subscription.protocol === 'sqs') {
          await this.mq.ensureSubscriptions([subscription]);
        } else if (subscription.protocol === 'lambda') {
          // SNS -> Lambda: an internal queue subscribed in the function's place, polled into SNS events.
          const internal = this.internalQueueFor(subscription);
          await this.mq.ensureQueues([internal]);
          this.runtime(subscription.service).queues.push(internal);
          await this.mq.ensureSubscriptions([
            { ...subscription, protocol: 'sqs', endpoint: internal.arn, attributes: { ...subscription.attributes, RawMessageDelivery: 'false' } },
          ]);
        } else {
          this.logger.warn(`${where}: protocol ${subscription.protocol} is not emulated`);
        }
      } catch (error) {
        this.logger.warn(`${where} to ${subscription.topicArn} not created: ${(error as Error).message} (is the topic's service loaded?)`);
      }
    }
  }

  private internalQueueFor(subscription: SubscriptionDef): QueueDef {
    const name = `local-cloud-sns-${stableId(`${subscription.stackName}/${subscription.logicalId}`, 12)}`;
    return {
      service: subscription.service,
      stackName: subscription.stackName,
      logicalId: `${subscription.logicalId}(lambda subscription)`,
      name,
      url: queueUrl(this.mq.endpoint, name),
      arn: queueArn(name),
      attributes: { VisibilityTimeout: '2' },
    };
  }

  private async applyTables(model: CloudModel, service: string): Promise<Record<string, string>> {
    const tables = model.tables.filter((candidate) => candidate.service === service);
    const states = await Promise.all(tables.map((table) => this.ddb.ensureTable(table)));
    return Object.fromEntries(tables.map((table, index) => [table.tableName, states[index] ?? 'kept']));
  }

  private startPollers(model: CloudModel, service: string, checkpoints = new Map<string, Map<string, string>>()): Promise<void>[] {
    const runtime = this.runtime(service);
    const ready: Promise<void>[] = [];
    const invokerFor = (functionName: string) => (event: unknown, options: Parameters<FunctionPool['invoke']>[1]) => {
      const pool = this.pools.get(functionName);
      if (!pool) {
        return Promise.resolve({ requestId: '-', ok: false, kind: 'crash' as const, error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${functionName}` }, durationMs: 0 });
      }
      return pool.invoke(event, options);
    };
    // As many batches in flight as the function has instances (Lambda scales SQS pollers up to the function's concurrency).
    const concurrencyOf = (functionName: string) => this.pools.get(functionName)?.concurrencyLimit ?? 1;
    for (const mapping of model.eventSourceMappings.filter((candidate) => candidate.service === service && candidate.enabled)) {
      if (mapping.kind === 'sqs') {
        const poller = new SqsPoller(
          mapping,
          { queue: this.mq.queueApi, invoke: invokerFor(mapping.functionName), logger: this.logger },
          { queueUrl: queueUrl(this.mq.endpoint, queueNameOf(mapping.eventSourceArn)), concurrency: concurrencyOf(mapping.functionName) },
        );
        poller.start();
        runtime.pollers.push(poller);
      } else if (mapping.kind === 'dynamodb-stream') {
        const poller = new StreamPoller(
          mapping,
          {
            streams: { describeTable: (name) => this.ddb.describeTable(name), streamsCall: (operation, body, signal) => this.ddb.streamsCall(operation, body, signal) },
            invoke: invokerFor(mapping.functionName),
            sendToDestination: (arn, payload) => this.sendToDestination(arn, payload),
            logger: this.logger,
          },
          { checkpoints: checkpoints.get(mapping.logicalId), retryBaseMs: 500 * this.retryDelayScale, retryMaxMs: 10_000 * this.retryDelayScale },
        );
        poller.start();
        ready.push(poller.ready);
        runtime.pollers.push(poller);
      }
    }
    for (const subscription of model.subscriptions.filter((candidate) => candidate.service === service && candidate.protocol === 'lambda')) {
      const internal = this.internalQueueFor(subscription);
      const functionName = functionNameOf(subscription.endpoint);
      const mapping: EventSourceMappingDef = {
        service,
        stackName: subscription.stackName,
        logicalId: `${subscription.logicalId}`,
        uuid: internal.name,
        functionName,
        eventSourceArn: internal.arn,
        kind: 'sqs',
        enabled: true,
        batchSize: 1,
        batchingWindowSeconds: 0,
        reportBatchItemFailures: false,
        startingPosition: 'LATEST',
        maximumRetryAttempts: 2,
        maximumRecordAgeSeconds: -1,
        bisectBatchOnFunctionError: false,
        filterPatterns: [],
      };
      const poller = new SqsPoller(
        mapping,
        { queue: this.mq.queueApi, invoke: invokerFor(functionName), logger: this.logger },
        { queueUrl: internal.url, shape: 'sns', subscriptionArn: `${subscription.topicArn}:${internal.name}`, concurrency: concurrencyOf(functionName) },
      );
      poller.start();
      runtime.pollers.push(poller);
    }
    return ready;
  }

  /** Sends a record to a destination ARN (SQS, SNS, a function invoked asynchronously, an event bus). */
  private async sendToDestination(arn: string, payload: unknown, attributes?: Record<string, string>): Promise<void> {
    const body = JSON.stringify(payload);
    if (arn.startsWith('arn:aws:sqs:')) {
      await this.sendMessage(arn, body, { attributes });
    } else if (arn.startsWith('arn:aws:sns:')) {
      await this.mq.sns.send(new PublishCommand({ TopicArn: arn, Message: body, MessageAttributes: stringAttributes(attributes) }));
    } else if (arn.startsWith('arn:aws:lambda:')) {
      this.asyncInvoker.accept(functionNameOf(arn), payload, 'destination');
    } else if (arn.startsWith('arn:aws:events:')) {
      const success = (payload as { requestContext?: { condition?: string } }).requestContext?.condition === 'Success';
      const result = this.events.putEvents([
        { Source: 'lambda', DetailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`, Detail: body, EventBusName: eventBusNameOf(arn) },
      ]);
      if (result.FailedEntryCount > 0) throw new Error(`destination ${arn} refused the record: ${JSON.stringify(result.Entries[0])}`);
    } else {
      this.logger.warn(`destination ${arn} is not emulated`);
    }
  }

  private async sendMessage(queueArnOrUrl: string, body: string, options: { messageGroupId?: string; attributes?: Record<string, string> } = {}): Promise<void> {
    await this.mq.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl(this.mq.endpoint, queueNameOf(queueArnOrUrl)),
        MessageBody: body,
        MessageGroupId: options.messageGroupId,
        MessageAttributes: stringAttributes(options.attributes),
      }),
    );
  }

  private startRules(model: CloudModel, service: string): void {
    this.events.unregister(service);
    this.events.register(
      model.rules.filter((rule) => rule.service === service),
      model.eventBuses.filter((bus) => bus.service === service),
    );
  }

  /** How EventBridge reaches its targets here: every call throws when the delivery fails. */
  private targetDelivery(): TargetDelivery {
    return {
      invokeAsync: (functionName, payload, source) => {
        this.asyncInvoker.accept(functionName, payload, source);
      },
      sendMessage: (queue, body, options) => this.sendMessage(queue, body, options),
      publish: async (topicArn, message) => {
        await this.mq.sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
      },
      startExecution: async (stateMachineArn, input) => {
        this.sfn.startExecution({ stateMachineArn, input });
      },
    };
  }

  private createAsyncInvoker(): AsyncInvoker {
    return new AsyncInvoker({
      invoke: async (name, payload, options) => this.pools.get(name)?.invoke(payload, options),
      exists: (name) => this.pools.has(name),
      configOf: (name) => {
        const config = this.model?.eventInvokeConfigs.find((candidate) => candidate.functionName === name);
        return {
          maximumRetryAttempts: config?.maximumRetryAttempts ?? LAMBDA_ASYNC_DEFAULTS.maximumRetryAttempts,
          maximumEventAgeSeconds: config?.maximumEventAgeSeconds ?? LAMBDA_ASYNC_DEFAULTS.maximumEventAgeSeconds,
          onSuccess: config?.onSuccess,
          onFailure: config?.onFailure,
          deadLetterArn: this.pools.get(name)?.def.deadLetterArn,
        };
      },
      sendToDestination: (arn, payload, attributes) => this.sendToDestination(arn, payload, attributes),
      logger: this.logger,
      // Lambda waits about a minute before the first retry and two before the second.
      retryDelayMs: (attempt) => Math.round(attempt * 60_000 * this.retryDelayScale),
      throttleDelayMs: Math.round(1000 * this.retryDelayScale),
    });
  }

  private createStepFunctions(): StepFunctions {
    return new StepFunctions({
      invokeFunction: async (name, payload, options) => this.pools.get(name)?.invoke(payload, options),
      integration: (service, action, parameters) => this.serviceIntegration(service, action, parameters),
      logger: this.logger,
      retryIntervalMs: this.options.sfnRetryIntervalMs,
      maxExecutions: this.options.maxExecutions,
      onStatusChange: (execution) => {
        this.events.emit({
          source: 'aws.states',
          'detail-type': 'Step Functions Execution Status Change',
          resources: [execution.executionArn],
          detail: statusChangeDetail(execution),
          time: execution.stopDate ?? execution.startDate,
        });
      },
      faults: this.faults,
    });
  }

  /** Step Functions optimized integrations on the local emulators (SNS publish, SQS send, DynamoDB item calls). */
  private async serviceIntegration(service: string, action: string, parameters: Record<string, unknown>): Promise<unknown> {
    const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
    if (service === 'sns' && action === 'publish') {
      const result = await this.mq.sns.send(
        new PublishCommand({ ...(parameters as object), Message: text(parameters.Message) } as ConstructorParameters<typeof PublishCommand>[0]),
      );
      return { MessageId: result.MessageId, SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: result.$metadata.requestId } };
    }
    if (service === 'sqs' && action === 'sendMessage') {
      const result = await this.mq.sqs.send(
        new SendMessageCommand({ ...(parameters as object), MessageBody: text(parameters.MessageBody) } as ConstructorParameters<typeof SendMessageCommand>[0]),
      );
      return { MessageId: result.MessageId, MD5OfMessageBody: result.MD5OfMessageBody, SdkHttpMetadata: { HttpStatusCode: 200 } };
    }
    if (service === 'dynamodb' && ['getItem', 'putItem', 'updateItem', 'deleteItem'].includes(action)) {
      return awsJsonCall(this.ddb.endpoint, `DynamoDB_20120810.${action.charAt(0).toUpperCase()}${action.slice(1)}`, parameters);
    }
    throw Object.assign(new Error(`arn:aws:states:::${service}:${action} is not emulated locally`), { name: 'States.Runtime' });
  }

  /** Environment every function gets below its template's variables. */
  private baseEnvironment(): Record<string, string> {
    return {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      LANG: 'en_US.UTF-8',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: ':UTC',
      ...(this.options.runtimeNodeModules ? { NODE_PATH: this.options.runtimeNodeModules } : {}),
    };
  }

  /**
   * The function's credentials, over anything the template says (as Lambda's are): the control
   * secret as the secret access key, so the SDK signs every `/_aws/*` call with it. Never listed
   * by `/_local/resources`.
   */
  private credentialEnvironment(): Record<string, string> {
    if (!this.secret) throw new Error('the control secret is made at start, before any function');
    return { AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: this.secret, AWS_SESSION_TOKEN: 'local' };
  }

  /** Environment that wins over the template: the local cloud's own AWS endpoints and a tracer that needs no X-Ray daemon. */
  private endpointEnvironment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_DYNAMODB: `${this.baseUrl}/_aws/dynamodb`,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: `${this.baseUrl}/_aws/dynamodbstreams`,
      AWS_ENDPOINT_URL_SQS: `${this.baseUrl}/_aws/sqs`,
      AWS_ENDPOINT_URL_SNS: `${this.baseUrl}/_aws/sns`,
      AWS_ENDPOINT_URL_STS: `${this.baseUrl}/_aws/sts`,
      AWS_ENDPOINT_URL_SFN: `${this.baseUrl}/_aws/sfn`,
      AWS_ENDPOINT_URL_SSM: `${this.baseUrl}/_aws/ssm`,
      AWS_ENDPOINT_URL_LAMBDA: `${this.baseUrl}/_aws/lambda`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: `${this.baseUrl}/_aws/events`,
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    };
  }

  private async listen(): Promise<void> {
    const server = createServer({ keepAliveTimeout: 65_000 }, this.gateway.listener);
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new Error(`port ${this.options.port} is in use (set PORT to use another)`) : error),
      );
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.parts.http = true;
  }

  private registerLocalHandlers(): void {
    const json = (statusCode: number, body: unknown): HttpAnswer => ({ statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body, null, 2) });
    // The functions' DynamoDB, SQS and SNS calls pass here (faults apply); the main thread's own calls go to the emulators directly.
    const [dynamodbAgent, messagingAgent] = this.emulatorAgents;
    const dynamodb = `http://127.0.0.1:${this.ports.dynamodb}`;
    const messaging = `http://127.0.0.1:${this.ports.messaging}`;
    this.gateway.addLocalHandler('/_aws/dynamodb', awsFrontDoor({ upstream: dynamodb, agent: dynamodbAgent, faults: { service: 'dynamodb', registry: this.faults } }));
    this.gateway.addLocalHandler('/_aws/dynamodbstreams', awsFrontDoor({ upstream: dynamodb, agent: dynamodbAgent }));
    this.gateway.addLocalHandler(
      '/_aws/sqs',
      awsFrontDoor({ upstream: messaging, agent: messagingAgent, faults: { service: 'sqs', registry: this.faults }, queueUrlBase: `${this.baseUrl}/_aws/sqs` }),
    );
    this.gateway.addLocalHandler('/_aws/sns', awsFrontDoor({ upstream: messaging, agent: messagingAgent, faults: { service: 'sns', registry: this.faults } }));
    this.gateway.addLocalHandler('/_aws/sts', awsFrontDoor({ upstream: messaging, agent: messagingAgent }));
    this.gateway.addLocalHandler(
      '/_local/faults',
      faultsEndpoint(
        this.faults,
        faultTargets({
          model: () => this.model,
          functions: () => [...this.pools.values()].map((pool) => ({ name: pool.def.name, label: pool.label })),
          stateMachines: () => this.sfn.list(),
        }),
      ),
    );
    this.gateway.addLocalHandler('/_aws/sfn', stepFunctionsEndpoint(() => this.sfn));
    this.gateway.addLocalHandler('/_aws/ssm', ssmEndpoint(() => this.ssmParameters));
    this.gateway.addLocalHandler(
      '/_aws/lambda',
      lambdaEndpoint((name) => this.pools.get(name), '/_aws/lambda', (name, payload) => this.asyncInvoker.accept(name, payload, 'lambda:event')),
    );
    this.gateway.addLocalHandler('/_aws/events', eventBridgeEndpoint(() => this.events));
    this.gateway.addLocalHandler('/_local/rules', async (request) => {
      const rest = pathRest(request.path, '/_local/rules').split('/').filter(Boolean);
      if (rest.length === 0 && request.httpMethod === 'GET') return json(200, this.events.describe());
      if (rest.length === 2 && rest[1] === 'run') {
        if (request.httpMethod !== 'POST') return json(405, { message: 'POST /_local/rules/<name or ARN>/run fires a scheduled rule now' });
        try {
          const event = this.events.runRule(rest[0]);
          return json(200, { eventId: event.id, event });
        } catch (error) {
          return json(error instanceof RuleNotFoundError ? 404 : 400, { message: (error as Error).message });
        }
      }
      return json(404, { message: 'GET /_local/rules lists the rules; POST /_local/rules/<name or ARN>/run fires a scheduled one now' });
    });
    this.gateway.addLocalHandler('/_local/health', async () =>
      json(this.ready ? 200 : 503, { status: this.ready ? 'ready' : 'starting', parts: this.parts, uptimeMs: Date.now() - this.startedAt, readyInMs: this.readyAt ? this.readyAt - this.startedAt : undefined }),
    );
    this.gateway.addLocalHandler('/_local/routes', async () => json(200, this.routes()));
    this.gateway.addLocalHandler('/_local/resources', async () => json(200, this.describe()));
    this.gateway.addLocalHandler('/_local/executions', async (request) => {
      const id = pathRest(request.path, '/_local/executions');
      if (!id) {
        return json(
          200,
          this.sfn.list().flatMap((machine) => this.sfn.listExecutions(machine.arn).map(({ executionArn, name, status, startDate, stopDate }) => ({ executionArn, name, status, startDate, stopDate }))),
        );
      }
      try {
        const execution = this.sfn.describeExecution(id);
        return json(200, JSON.parse(JSON.stringify(execution, (key, value) => (key === 'done' || key === 'abort' ? undefined : value))));
      } catch (error) {
        return json(404, { message: (error as Error).message });
      }
    });
    // Tokens for tests and tools that drive the local cloud over HTTP (same as `npm run token`).
    this.gateway.addLocalHandler('/_local/tokens', async (request) => {
      if (request.httpMethod !== 'POST') return json(405, { message: 'POST {"username": "alice", "groups": ["admin"]}' });
      const body = jsonBody(request, TOKEN_REQUEST);
      const audience = this.tokenAudience() ?? { userPoolId: 'us-east-1_local', clientId: 'local-client' };
      if (!this.signingKey) return json(503, { message: 'the signing key is not loaded yet: try again in a moment' });
      const ttlSeconds = body.ttlSeconds ?? 3600;
      const now = Math.floor(Date.now() / 1000) - (body.expired ? ttlSeconds + 60 : 0);
      const token = await issueIdToken(this.signingKey, { username: body.username, groups: body.groups ?? [], ttlSeconds, now, ...audience });
      return json(200, { token, ...audience });
    });
    this.gateway.addLocalHandler('/_local/deploy', async (request) => {
      if (request.httpMethod !== 'POST') return json(405, { message: 'POST {"service": "<name>"}' });
      const { service, dir } = jsonBody(request, DEPLOY_REQUEST);
      const location = deploySource(service, dir, { assembliesRoot: this.options.assembliesRoot, deployRoot: this.options.deployRoot });
      try {
        return json(200, await this.deploy(service, location.dir));
      } catch (error) {
        this.logger.error(`deploy ${service} failed: ${(error as Error).stack ?? error}`);
        return json(500, { message: (error as Error).message });
      }
    });
  }

  describe() {
    const model = this.model;
    return {
      baseUrl: this.baseUrl,
      endpoints: this.endpointEnvironment(),
      // The emulators themselves, past the front door and its faults (a test reading data back).
      emulators: { dynamodb: `http://127.0.0.1:${this.ports.dynamodb}`, sqs: `http://127.0.0.1:${this.ports.messaging}`, sns: `http://127.0.0.1:${this.ports.messaging}` },
      services: [...this.services.keys()],
      tables: model?.tables.map(({ service, tableName, streamViewType }) => ({ service, tableName, streamViewType })),
      queues: model?.queues.map(({ service, name, url, attributes }) => ({ service, name, url, redrive: attributes.RedrivePolicy })),
      topics: model?.topics.map(({ service, name, arn }) => ({ service, name, arn })),
      subscriptions: model?.subscriptions.map(({ service, topicArn, protocol, endpoint, attributes }) => ({
        service,
        topicArn,
        protocol,
        endpoint,
        attributes,
        // fauxqs keeps the RedrivePolicy but never redrives: see the README's "What runs where".
        deadLetterQueue: attributes.RedrivePolicy ? { arn: deadLetterTargetOf(attributes.RedrivePolicy), emulated: false } : undefined,
      })),
      functions: [...this.pools.values()].map((pool) => ({ name: pool.def.name, label: pool.label, handler: pool.def.handler, timeout: pool.def.timeoutSeconds, ...pool.stats() })),
      eventSourceMappings: model?.eventSourceMappings.map(({ service, logicalId, kind, functionName, eventSourceArn, batchSize }) => ({ service, logicalId, kind, functionName, eventSourceArn, batchSize })),
      stateMachines: this.sfn.list().map(({ name, arn }) => ({ name, arn })),
      eventBuses: this.events.listBuses(),
      rules: this.events.describe(),
      ssmParameters: this.ssm?.all().map(({ name, value }) => ({ name, value })),
      userPools: model?.userPools,
      notEmulated: model?.notEmulated,
      warnings: model?.warnings,
    };
  }

  /** Local token parameters: the first user pool and client in the loaded assemblies. */
  tokenAudience(): { userPoolId: string; clientId: string } | undefined {
    const pool = this.model?.userPools[0];
    return pool ? { userPoolId: pool.id, clientId: pool.clientIds[0] ?? 'local-client' } : undefined;
  }

  get key(): SigningKey | undefined {
    return this.signingKey;
  }

  /** Stops everything it started: pollers, functions, fauxqs, DynamoDB Local (and waits for the JVM to exit), the server. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.secret) removeControlSecret(this.options.stateDir, this.secret);
      this.events.stop();
      this.asyncInvoker.stop();
      const pollers = [...this.services.values()].flatMap((runtime) => runtime.pollers);
      await Promise.allSettled(pollers.map((poller) => poller.stop()));
      await Promise.allSettled([...this.pools.values()].map((pool) => pool.stop()));
      this.server?.closeAllConnections();
      await Promise.allSettled([
        new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve())),
        this.messaging?.stop(),
        this.dynamodb?.stop(),
      ]);
      for (const agent of this.emulatorAgents) agent.destroy();
    })();
    return this.stopping;
  }

  /** Synchronous last resort on process exit: no JVM left behind. */
  killNow(): void {
    this.dynamodb?.killNow();
  }
}

/** SQS/SNS message attributes of type String from a plain record (undefined when there are none). */
function stringAttributes(attributes: Record<string, string> | undefined): Record<string, MessageAttributeValue> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));
}

/** The `deadLetterTargetArn` of a RedrivePolicy (JSON text); undefined when it is not readable. */
function deadLetterTargetOf(redrivePolicy: string): string | undefined {
  try {
    return (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  } catch {
    return undefined;
  }
}
