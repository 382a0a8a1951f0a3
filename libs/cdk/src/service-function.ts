import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AlarmedDeadLetterQueue } from './dead-letter-queue';
import { ShopCdkError } from './errors';
import { suppressNag } from './nag';
import type { ServiceTable, TableAccess } from './service-table';
import type { ServiceTopic } from './service-topic';
import { publish } from './ssm-discovery';
import type { StageConfig } from './stage-config';
import { bundleDir } from './workspace';

/** CloudWatch namespace of every metric the shop's functions emit through Powertools. */
export const METRICS_NAMESPACE = 'ServerlessShop';

/** Thrown when a function's bundle has not been built. */
export class BundleNotFoundError extends ShopCdkError {
  constructor(readonly service: string, readonly fn: string, readonly dir: string) {
    super(`No bundle for ${service}/${fn} at ${dir}: run \`npx nx run ${service}:build\` first.`);
    this.name = 'BundleNotFoundError';
  }
}

/** Properties of a {@link ServiceFunction}. */
export interface ServiceFunctionProps {
  /** The owning service: `POWERTOOLS_SERVICE_NAME` and the bundle's folder `dist/apps/<service>`. */
  readonly service: string;
  /** The function's name within the service: its bundle is `dist/apps/<service>/bundles/<name>`. */
  readonly name: string;
  /** The stage: log retention, log level, removal policy of the log group. */
  readonly stage: StageConfig;
  /** What the function does, shown in the console. */
  readonly description: string;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB (CPU grows with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Extra environment variables. Resource names and ARNs come from the `bind*` methods instead.
   * @default - only the Powertools variables and NODE_OPTIONS
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The function's code. Tests pass `lambda.Code.fromInline(...)` so they need no build.
   * @default lambda.Code.fromAsset(`<workspace>/dist/apps/<service>/bundles/<name>`), checked to
   * hold an `index.js`
   */
  readonly code?: lambda.Code;
}

/** Settings of a DynamoDB stream consumer (see {@link ServiceFunction.consumeTableStream}). */
export interface TableStreamConsumerOptions {
  /**
   * Records per invocation.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Retries of a failing batch before its description goes to the dead-letter queue.
   * @default 5
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this are not retried any more (they go to the dead-letter queue).
   * @default Duration.hours(6)
   */
  readonly maxRecordAge?: Duration;
}

/** What {@link ServiceFunction.consumeTableStream} created. */
export interface TableStreamConsumer {
  /** The event source mapping. */
  readonly eventSource: sources.DynamoEventSource;
  /** On-failure destination of the mapping, with its alarm. */
  readonly deadLetterQueue: AlarmedDeadLetterQueue;
}

/**
 * A Lambda function of a service with the shop's defaults: arm64, Node.js 24, active X-Ray
 * tracing, its own log group with the stage's retention, source maps, Powertools settings, the
 * esbuild bundle from `dist`, and a role that starts with nothing but writing its own logs.
 * Access to other resources is added with the `bind*` methods, each of which grants the least
 * privilege needed and sets the environment variable that names the resource in one call.
 */
export class ServiceFunction extends Construct {
  /** The function. */
  readonly function: lambda.Function;
  /** The function's execution role. */
  readonly role: iam.Role;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;

  private readonly props: ServiceFunctionProps;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.props = props;
    const { service, name, stage } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy: the function may
    // write to its own log group only, not create or write any log group of the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${service}/${name}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.code ?? ServiceFunction.bundleCode(service, name),
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 512,
      environment: {
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: stage.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });

    suppressNag(this.role, [
      {
        id: 'AwsSolutions-IAM5',
        appliesTo: ['Resource::*'],
        reason:
          'Only actions that support no resource-level permissions use Resource "*": X-Ray ' +
          'PutTraceSegments/PutTelemetryRecords (active tracing) and, for DynamoDB stream consumers, ' +
          'dynamodb:ListStreams. Every other statement names its resource.',
      },
    ]);
  }

  /**
   * The esbuild bundle of a function, `dist/apps/<service>/bundles/<fn>`, resolved from the
   * workspace root (not the current directory).
   * @throws BundleNotFoundError when the bundle has not been built.
   */
  static bundleCode(service: string, fn: string): lambda.Code {
    const dir = bundleDir(service, fn);
    if (!existsSync(join(dir, 'index.js'))) throw new BundleNotFoundError(service, fn, dir);
    return lambda.Code.fromAsset(dir);
  }

  /** The Lambda function's name. */
  get functionName(): string {
    return this.function.functionName;
  }

  /** Sets an environment variable of the function. */
  addEnvironment(key: string, value: string): this {
    this.function.addEnvironment(key, value);
    return this;
  }

  /**
   * Lets the function use `table` as `access` describes (item actions on the table ARN, Query on
   * the named index ARNs only) and sets `envVar` to the table's name.
   * @param envVar name of the environment variable. @default 'TABLE_NAME'
   */
  bindTable(table: ServiceTable, access: TableAccess = {}, envVar = 'TABLE_NAME'): this {
    table.grantAccess(this.function, access);
    return this.addEnvironment(envVar, table.tableName);
  }

  /**
   * Lets the function publish to `topic` (sns:Publish on that topic only) and sets `envVar` to
   * the topic's ARN.
   * @param envVar name of the environment variable. @default 'TOPIC_ARN'
   */
  bindTopic(topic: ServiceTopic, envVar = 'TOPIC_ARN'): this {
    topic.grantPublish(this.function);
    return this.addEnvironment(envVar, topic.topicArn);
  }

  /**
   * Publishes the function's ARN for other services to find (e.g. a saga command another
   * service's state machine invokes) as the SSM parameter `/shop/<stage>/<service>/<name>`.
   * The parameter belongs to the function's stack (construct id `Param-<name>`, as
   * {@link publish} on the stack gives it), so it keeps its logical id wherever the call moves.
   * @param description @default 'ARN of the <service> <function name> function (<stage>)'
   */
  publishArn(name: string, description?: string): ssm.StringParameter {
    const { service, stage } = this.props;
    return publish(
      Stack.of(this),
      stage.stage,
      service,
      name,
      this.function.functionArn,
      description ?? `ARN of the ${service} ${this.props.name} function (${stage.stage})`,
    );
  }

  /**
   * Makes the function consume `table`'s DynamoDB stream: from the oldest record, with partial
   * batch responses (`ReportBatchItemFailures`), the failing batch bisected, bounded retries, and
   * the description of each batch that still fails sent to an alarmed SQS dead-letter queue
   * (the records themselves stay readable in the stream for 24 hours). Grants stream read only.
   */
  consumeTableStream(table: ServiceTable, options: TableStreamConsumerOptions = {}): TableStreamConsumer {
    const deadLetterQueue = new AlarmedDeadLetterQueue(this, 'StreamDlq', {
      stage: this.props.stage,
      purpose: `${this.props.service}/${this.props.name} could not process a batch of the table stream`,
    });
    const eventSource = new sources.DynamoEventSource(table.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: options.batchSize ?? 10,
      bisectBatchOnError: true,
      retryAttempts: options.retryAttempts ?? 5,
      maxRecordAge: options.maxRecordAge ?? Duration.hours(6),
      reportBatchItemFailures: true,
      // One poller per shard keeps each item's changes in order.
      parallelizationFactor: 1,
      onFailure: new sources.SqsDlq(deadLetterQueue.queue),
    });
    this.function.addEventSource(eventSource);
    return { eventSource, deadLetterQueue };
  }
}
