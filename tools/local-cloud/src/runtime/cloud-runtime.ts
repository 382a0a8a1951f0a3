import { join } from 'node:path';
import { CognitoAuthorizer } from '../api/authorizer';
import type { AssemblyStack } from '../assembly/cloud-assembly';
import { buildModel } from '../assembly/model';
import { awsServiceCaller } from '../api/aws-service-integration';
import { Gateway } from '../api/gateway';
import { lambdaArn, LOCAL_REGION } from '../assembly/naming';
import { loadOrCreateSigningKey, type SigningKey } from '../auth/tokens';
import { ControlPlaneGuard } from '../control-plane/guard';
import { controlSecretPath } from '../control-plane/secret';
import type { DynamoDbLocal } from '../emulators/dynamodb-local';
import { Messaging } from '../emulators/messaging';
import { EventBridge } from '../events/event-bridge';
import { FaultRegistry } from '../faults/registry';
import { LocalIamAuthority } from '../iam/authority';
import { DirectDynamodbFlags } from '../lambda/dynamodb-direct';
import { IamGate } from '../iam/gate';
import { eventTargetRefusal, serviceCallRefusal, stateMachineAuthorizer } from '../iam/on-behalf';
import { PublishCommand } from '@aws-sdk/client-sns';
import { AsyncInvoker, LAMBDA_ASYNC_DEFAULTS } from '../lambda/async-invoker';
import type { FunctionPool, FunctionPoolOptions, InvokeOptions, InvokeOutcome } from '../lambda/function-pool';
import type { Logger } from '../log';
import type { CloudModel } from '../resources/registry';
import { BucketNotifications } from '../s3/bucket-notifications';
import { serviceIntegrations } from '../sfn/service-integrations';
import { statusChangeDetail, StepFunctions } from '../sfn/step-functions';
import { Destinations } from './destinations';
import { keepingLines, LogStore } from './log-store';
import type { LocalCloudOptions } from './options';
import { notEmulatedSummary } from '../logs/not-emulated';

/**
 * The runtimes and emulators the resource kinds apply into, wired to each other: the gateway,
 * the function pools, Step Functions, EventBridge, Lambda's asynchronous invoker, the fault
 * registry, the destinations, and DynamoDB Local and fauxqs once they are up. LocalCloud starts
 * and stops them; the kinds in `resources/` fill them.
 */
export class CloudRuntime {
  readonly logger: Logger;
  /** Function output and the `cid=` lines, by correlation id (`/_local/logs`, the console). */
  readonly logs = new LogStore();
  readonly pools = new Map<string, FunctionPool>();
  readonly gateway: Gateway;
  readonly faults: FaultRegistry;
  readonly events: EventBridge;
  readonly asyncInvoker: AsyncInvoker;
  readonly sfn: StepFunctions;
  readonly destinations: Destinations;
  /** What the templates grant and the decision for each call (`resources/iam.ts` fills it; the AWS front door and endpoints ask it). */
  readonly iam: LocalIamAuthority;
  /** IAM on the wire: the functions' access keys and the check of their calls against `iam` (`--iam`). */
  readonly iamGate: IamGate;
  /** What the workers read before they send a DynamoDB call themselves (lambda/dynamodb-direct.ts). */
  readonly dynamodbFlags = new DirectDynamodbFlags();
  /** The buckets' notification configurations; the S3 front door hands them each object change. */
  readonly s3Notifications: BucketNotifications;
  /** The model of the loaded assemblies (undefined before the first read). */
  model?: CloudModel;
  /** The control-plane secret of this start (functions sign their AWS calls with it). */
  secret?: string;
  authorizer?: CognitoAuthorizer;
  signingKey?: SigningKey;
  readonly ports = { dynamodb: 0, messaging: 0 };
  /** With an external DynamoDB Local (`LOCAL_CLOUD_DYNAMODB_ENDPOINT`): the access key of this cloud's database there. */
  dynamodbAccessKeyId?: string;
  private emulators?: { messaging: Promise<Messaging>; dynamodb: Promise<DynamoDbLocal> };
  /** The emulators that have started (what a stop must stop). */
  readonly started: { messaging?: Messaging; dynamodb?: DynamoDbLocal } = {};

  constructor(readonly options: LocalCloudOptions) {
    this.logger = keepingLines(options.logger, this.logs);
    this.iam = new LocalIamAuthority({ logger: this.logger, onChange: () => this.dynamodbFlags.forgetAdmissions() });
    this.iamGate = new IamGate({ mode: options.iam ?? 'enforce', logger: this.logger });
    this.iamGate.authority = this.iam;
    const guard = new ControlPlaneGuard({
      port: options.port,
      secret: () => this.secret,
      secretFile: controlSecretPath(options.stateDir),
      acceptsAccessKeyId: (key) => this.iamGate.keys.accepts(key),
    });
    this.gateway = new Gateway({
      logger: this.logger,
      guard,
      functionPool: (name) => this.pools.get(name),
      authorizer: () => this.authorizer,
      awsServices: awsServiceCaller({ messaging: () => this.messaging(), dynamodb: () => this.dynamodb(), sfn: () => this.sfn }),
      mayInvoke: this.apiMayInvoke,
    });
    this.destinations = new Destinations({
      messaging: () => this.messaging(),
      asyncInvoker: () => this.asyncInvoker,
      events: () => this.events,
      sfn: () => this.sfn,
      logger: this.logger,
    });
    this.asyncInvoker = this.createAsyncInvoker();
    this.events = new EventBridge({
      delivery: this.destinations.targetDelivery(),
      logger: this.logger,
      retryDelayScale: this.retryDelayScale,
      scheduleSpeed: this.options.scheduleSpeed,
      targetRefusal: (rule, target) => eventTargetRefusal(this.iamGate, rule, target),
    });
    this.faults = new FaultRegistry({
      logger: this.logger,
      onChange: () => this.dynamodbFlags.setWatched(this.faults.lists('dynamodb')),
    });
    this.s3Notifications = new BucketNotifications({
      invokeAsync: (name, payload) => this.asyncInvoker.accept(name, payload, 's3'),
      sendMessage: (queueArn, body) => this.destinations.sendMessage(queueArn, body),
      publish: async (topicArn, message, subject) => {
        await (await this.messaging()).sns.send(new PublishCommand({ TopicArn: topicArn, Message: message, Subject: subject }));
      },
      emit: (event) => this.events.emit(event),
      logger: this.logger,
    });
    this.sfn = this.createStepFunctions();
  }

  /** IAM: may API Gateway invoke this function for this method or route (the function's `AWS::Lambda::Permission`s decide)? */
  readonly apiMayInvoke = (functionName: string, sourceArn: string): boolean =>
    !serviceCallRefusal(this.iamGate, {
      service: 'apigateway.amazonaws.com',
      sourceArn,
      action: 'lambda:InvokeFunction',
      resource: lambdaArn(functionName),
    });

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get retryDelayScale(): number {
    return this.options.retryDelayScale ?? 1;
  }

  /** Loads (or creates) the state folder's token signing key; the Cognito authorizer checks tokens with it. */
  async loadSigningKey(): Promise<void> {
    this.signingKey = await loadOrCreateSigningKey(this.options.stateDir);
    this.authorizer = new CognitoAuthorizer(this.signingKey.publicKey);
  }

  /**
   * Reads the stacks into the model the runtimes use, and logs what is not emulated (of one
   * service on a redeploy; counts by type) and the warnings.
   */
  load(stacks: AssemblyStack[], only?: string): CloudModel {
    // Queue URLs on the front door: the SDK sends SQS calls to the origin of their QueueUrl.
    const model = buildModel(stacks, { sqsEndpoint: `${this.baseUrl}/_aws/sqs`, workDir: this.options.stateDir });
    this.model = model;
    const notEmulated = model.notEmulated.filter((resource) => !only || resource.service === only);
    const summary = notEmulatedSummary(notEmulated);
    if (summary) this.logger.info(summary);
    for (const warning of model.warnings) this.logger.warn(warning);
    return model;
  }

  /**
   * Starts fauxqs and waits for DynamoDB Local (spawned first: the JVM is the long pole); the
   * kinds' apply waits for the one it needs. `up` is told as each answers.
   */
  startEmulators(dynamodb: DynamoDbLocal, up: (part: 'dynamodb' | 'messaging', what: string) => void): Promise<unknown> {
    this.emulators = {
      dynamodb: dynamodb.ready().then(() => (up('dynamodb', 'DynamoDB Local answers'), (this.started.dynamodb = dynamodb))),
      messaging: Messaging.start(this.ports.messaging, this.logger, this.options.dataDir && join(this.options.dataDir, 's3')).then(
        (messaging) => (up('messaging', 'fauxqs listens'), (this.started.messaging = messaging)),
      ),
    };
    return Promise.all([this.emulators.dynamodb, this.emulators.messaging]);
  }

  /** fauxqs, once it listens. */
  messaging(): Promise<Messaging> {
    return this.emulators?.messaging ?? Promise.reject(new Error('fauxqs is not started'));
  }

  /** DynamoDB Local, once it answers. */
  dynamodb(): Promise<DynamoDbLocal> {
    return this.emulators?.dynamodb ?? Promise.reject(new Error('DynamoDB Local is not started'));
  }

  /** How a poller invokes a function by name (a function that is gone answers as Lambda would). */
  invokerFor(functionName: string): (event: unknown, options: InvokeOptions) => Promise<InvokeOutcome> {
    return (event, options) => {
      const pool = this.pools.get(functionName);
      if (!pool) {
        return Promise.resolve({
          requestId: '-',
          ok: false,
          kind: 'crash' as const,
          error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${functionName}` },
          durationMs: 0,
        });
      }
      return pool.invoke(event, options);
    };
  }

  /** As many batches in flight as the function has instances (Lambda scales its pollers up to the function's concurrency). */
  concurrencyOf(functionName: string): number {
    return this.pools.get(functionName)?.concurrencyLimit ?? 1;
  }

  /** What a function's pool is made with; its credentials are its own (the access key names the function, so its role). */
  functionPoolOptions(functionName: string): FunctionPoolOptions {
    return {
      workerScript: this.options.workerScript,
      maxConcurrency: this.options.maxConcurrency,
      idleTimeoutMs: this.options.idleTimeoutMs,
      baseEnvironment: this.baseEnvironment(),
      overrideEnvironment: { ...this.endpointEnvironment(), ...this.credentialEnvironment(functionName) },
      logger: this.logger,
      functionLogs: this.options.functionLogs,
      metricLogs: this.options.metricLogs,
      compileCacheDir: this.options.compileCacheDir,
      faults: this.faults,
      logSink: (label, line) => this.logs.add(label, line),
      awsCalls: this.options.awsOverHttp
        ? undefined
        : {
            origin: this.baseUrl,
            serve: (call) => this.gateway.serveAwsCall(call),
            dynamodb: () =>
              this.options.dynamodbOverPort || !this.ports.dynamodb
                ? undefined
                : {
                    endpoint: `http://127.0.0.1:${this.ports.dynamodb}`,
                    accessKeyId: this.dynamodbAccessKeyId,
                    flags: this.dynamodbFlags.buffer,
                  },
          },
    };
  }

  /** Environment that wins over the template: the local cloud's own AWS endpoints and a tracer that needs no X-Ray daemon. */
  endpointEnvironment(): Record<string, string> {
    const base = this.baseUrl;
    return {
      AWS_ENDPOINT_URL_DYNAMODB: `${base}/_aws/dynamodb`,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: `${base}/_aws/dynamodbstreams`,
      AWS_ENDPOINT_URL_SQS: `${base}/_aws/sqs`,
      AWS_ENDPOINT_URL_SNS: `${base}/_aws/sns`,
      AWS_ENDPOINT_URL_S3: `${base}/_aws/s3`,
      AWS_ENDPOINT_URL_STS: `${base}/_aws/sts`,
      AWS_ENDPOINT_URL_SFN: `${base}/_aws/sfn`,
      AWS_ENDPOINT_URL_SSM: `${base}/_aws/ssm`,
      AWS_ENDPOINT_URL_LAMBDA: `${base}/_aws/lambda`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: `${base}/_aws/events`,
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    };
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
   * The function's credentials, over anything the template says (as Lambda's are): an access key
   * of its own (`ASIA...`, mapped back to the function and its role by `iam.keys`), so IAM knows
   * who calls from the SigV4 `Credential=`; the control secret as the secret access key, so the SDK
   * signs every `/_aws/*` call with it and the guard keeps other processes out. The secret is shared:
   * it proves "started by this local cloud", not who; the key says who. Never listed by `/_local/resources`.
   */
  private credentialEnvironment(functionName: string): Record<string, string> {
    if (!this.secret) throw new Error('the control secret is made at start, before any function');
    return { AWS_ACCESS_KEY_ID: this.iamGate.keys.issue(functionName), AWS_SECRET_ACCESS_KEY: this.secret, AWS_SESSION_TOKEN: 'local' };
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
      sendToDestination: (arn, payload, attributes) => this.destinations.send(arn, payload, attributes),
      logger: this.logger,
      // Lambda waits about a minute before the first retry and two before the second.
      retryDelayMs: (attempt) => Math.round(attempt * 60_000 * this.retryDelayScale),
      throttleDelayMs: Math.round(1000 * this.retryDelayScale),
    });
  }

  private createStepFunctions(): StepFunctions {
    return new StepFunctions({
      invokeFunction: async (name, payload, options) => this.pools.get(name)?.invoke(payload, options),
      integration: serviceIntegrations({
        messaging: () => this.messaging(),
        dynamodb: () => this.dynamodb(),
        putEvents: (entries) => this.events.putEvents(entries),
      }),
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
      authorize: stateMachineAuthorizer(this.iamGate),
    });
  }
}
