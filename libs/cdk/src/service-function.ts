import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { numericSettings, standardAlarm, type AlarmSettings } from './alarms';
import { AlarmedDeadLetterQueue } from './dead-letter-queue';
import { ShopCdkError } from './errors';
import { FunctionRole } from './function-role';
import { ServiceDashboard, type DashboardSection } from './service-dashboard';
import type { ServiceTable, TableAccess } from './service-table';
import type { ServiceTopic } from './service-topic';
import { publish } from './ssm-discovery';
import type { StageConfig } from './stage-config';
import { bundleDir } from './workspace';

/** CloudWatch namespace of every metric the shop's functions emit through Powertools. */
export const METRICS_NAMESPACE = 'ServerlessShop';

/** Thrown when a function's bundle has not been built. */
export class BundleNotFoundError extends ShopCdkError {
  constructor(
    readonly service: string,
    readonly fn: string,
    readonly dir: string,
  ) {
    super(`No bundle for ${service}/${fn} at ${dir}: run \`npx nx run ${service}:build\` first.`);
    this.name = 'BundleNotFoundError';
  }
}

/**
 * An environment variable of a function: its name, or an entry of the service's env module
 * (`envVar` of `@shop/observability/env`), whose `name` the handler reads the value by.
 */
export type EnvName = string | { readonly name: string };

const envName = (variable: EnvName): string => (typeof variable === 'string' ? variable : variable.name);

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
  /**
   * Overrides of the function's standard alarms.
   * @default - the defaults of {@link FunctionAlarms}
   */
  readonly alarms?: FunctionAlarms;
}

/** The standard alarms of every {@link ServiceFunction}; each field overrides that alarm's defaults. */
export interface FunctionAlarms {
  /**
   * Error rate: `Errors / Invocations` (Sum per period) above the threshold.
   * @default threshold 0.05 (5 %), period 1 minute, 3 of 5 datapoints: a rate rather than a count,
   * because saga commands report business outcomes (out of stock, declined) as function errors
   * and a busy minute of those is not an outage; a function that fails every call pages in 3 minutes.
   * A function invoked less often than once a minute (a schedule) needs a period of its own rhythm:
   * minutes without invocations are missing data, which never breaches.
   */
  readonly errorRate?: AlarmSettings;
  /**
   * Throttles (Sum per period) at or above the threshold.
   * @default threshold 1, period 1 minute, 3 of 5 datapoints: a concurrency limit hit again and
   * again, not one burst that retries absorb
   */
  readonly throttles?: AlarmSettings;
}

/** Settings of a DynamoDB stream consumer (see {@link ServiceFunction.consumeTableStream}). */
export interface TableStreamConsumerOptions {
  /**
   * Records per invocation.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Overrides of the relay's iterator-age alarm: the age of the last record of the batches the
   * function receives (`IteratorAge` Maximum per period) above the threshold.
   * @default threshold 5 minutes, period 1 minute, 1 of 1 datapoint: a record waiting that long is
   * failing (retried in place, holding the records behind it) or the relay cannot keep up, and the
   * stream keeps records for 24 hours only
   */
  readonly iteratorAgeAlarm?: AlarmSettings<Duration>;
}

/** What {@link ServiceFunction.consumeTableStream} created. */
export interface TableStreamConsumer {
  /** The event source mapping. */
  readonly eventSource: sources.DynamoEventSource;
  /** On-failure destination of the mapping, with its alarm: the last resort, see {@link ServiceFunction.consumeTableStream}. */
  readonly deadLetterQueue: AlarmedDeadLetterQueue;
  /** In alarm while the relay is behind: see {@link TableStreamConsumerOptions.iteratorAgeAlarm}. */
  readonly iteratorAgeAlarm: cloudwatch.Alarm;
}

/**
 * A Lambda function of a service with the shop's defaults: arm64, Node.js 24, active X-Ray
 * tracing, its own log group with the stage's retention, source maps, Powertools settings, the
 * esbuild bundle from `dist`, and a role that starts with nothing but writing its own logs.
 * Access to other resources is added with the `bind*` methods, each of which grants the least
 * privilege needed and sets the environment variable that names the resource in one call.
 * Every function has the standard alarms ({@link FunctionAlarms}) and a section of the stack's
 * {@link ServiceDashboard}.
 */
export class ServiceFunction extends Construct {
  /** The function. */
  readonly function: lambda.Function;
  /** The function's execution role. */
  readonly role: FunctionRole;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** In alarm while too many invocations fail: see {@link FunctionAlarms.errorRate}. */
  readonly errorRateAlarm: cloudwatch.Alarm;
  /** In alarm while invocations are throttled: see {@link FunctionAlarms.throttles}. */
  readonly throttlesAlarm: cloudwatch.Alarm;
  /** The function's section of the stack's dashboard. */
  readonly dashboardSection: DashboardSection;

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
    this.role = new FunctionRole(this, 'Role', { description: `Execution role of ${service}/${name}` });
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

    const fn = this.function;
    this.errorRateAlarm = standardAlarm(this, 'ErrorRateAlarm', {
      stage,
      description: `${service}/${name}: more than the threshold's share of invocations failed (Errors / Invocations); see its logs.`,
      metric: new cloudwatch.MathExpression({
        expression: 'errors / invocations',
        usingMetrics: {
          errors: fn.metricErrors({ statistic: cloudwatch.Stats.SUM }),
          invocations: fn.metricInvocations({ statistic: cloudwatch.Stats.SUM }),
        },
        label: 'error rate',
      }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      defaults: { threshold: 0.05, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3 },
      settings: props.alarms?.errorRate,
    });
    this.throttlesAlarm = standardAlarm(this, 'ThrottlesAlarm', {
      stage,
      description: `${service}/${name}: invocations are throttled (a concurrency limit is reached).`,
      metric: fn.metricThrottles({ statistic: cloudwatch.Stats.SUM }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      defaults: { threshold: 1, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3 },
      settings: props.alarms?.throttles,
    });
    this.dashboardSection = ServiceDashboard.of(this)
      .addSection(`function ${service}/${name}`)
      .addGraph('invocations, errors, throttles', [fn.metricInvocations(), fn.metricErrors(), fn.metricThrottles()])
      .addGraph('duration p50, p99', [fn.metricDuration({ statistic: 'p50' }), fn.metricDuration({ statistic: 'p99' })])
      .addAlarm('error rate', this.errorRateAlarm)
      .addAlarm('throttles', this.throttlesAlarm);
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

  /** Sets an environment variable of the function, named by a string or by the service's env module (`ORDER_ENV.topicArn`). */
  addEnvironment(key: EnvName, value: string): this {
    this.function.addEnvironment(envName(key), value);
    return this;
  }

  /**
   * Lets the function use `table` as `access` describes (item actions on the table ARN, Query on
   * the named index ARNs only) and sets `envVar` to the table's name.
   * @param envVar the environment variable (its name, or the service's env module's entry). @default 'TABLE_NAME'
   */
  bindTable(table: ServiceTable, access: TableAccess = {}, envVar: EnvName = 'TABLE_NAME'): this {
    table.grantAccess(this.function, access);
    return this.addEnvironment(envVar, table.tableName);
  }

  /**
   * Lets the function publish to `topic` (sns:Publish on that topic only) and sets `envVar` to
   * the topic's ARN.
   * @param envVar the environment variable (its name, or the service's env module's entry). @default 'TOPIC_ARN'
   */
  bindTopic(topic: ServiceTopic, envVar: EnvName = 'TOPIC_ARN'): this {
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
   * Publishes the function's name for operators to invoke it by (e.g. a replay run by hand) as the
   * SSM parameter `/shop/<stage>/<service>/<name>`, a child of the function's stack like
   * {@link publishArn}'s.
   */
  publishName(name: string, description: string): ssm.StringParameter {
    const { service, stage } = this.props;
    return publish(Stack.of(this), stage.stage, service, name, this.functionName, description);
  }

  /**
   * Makes the function consume `table`'s DynamoDB stream as a relay that never drops a record:
   * from the oldest record, one poller per shard, partial batch responses
   * (`ReportBatchItemFailures`: the handler reports the first failing record and every later one,
   * as `createOutboxRelay` of `@shop/messaging` does) and no retry or age limit
   * (`MaximumRetryAttempts` and `MaximumRecordAgeInSeconds` -1), so a failing record is retried
   * until it succeeds and the records after it wait: per-item order is kept. No bisection: partial
   * batch responses already retry from the failing record, and splitting a batch only reorders the
   * retries. An alarm fires when the relay falls behind (`IteratorAge`, see
   * {@link TableStreamConsumerOptions.iteratorAgeAlarm}) long before the stream's 24-hour
   * retention ends. The on-failure SQS dead-letter queue (alarmed) stays as the last resort for
   * records that would expire from the stream unpublished: the description of their batch lands
   * there, so an operator knows which events to replay. Grants stream read, and sending to that queue.
   */
  consumeTableStream(table: ServiceTable, options: TableStreamConsumerOptions = {}): TableStreamConsumer {
    const { service, name, stage } = this.props;
    const deadLetterQueue = new AlarmedDeadLetterQueue(this, 'StreamDlq', {
      stage,
      purpose: `${service}/${name} could not process a batch of the table stream`,
    });
    const eventSource = new sources.DynamoEventSource(table.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: options.batchSize ?? 10,
      reportBatchItemFailures: true,
      bisectBatchOnError: false,
      // One poller per shard keeps each item's changes in order.
      parallelizationFactor: 1,
      // Grant: the CDK's SqsDlq grants the role `grantSendMessages` on the dead-letter queue
      // (SendMessage, GetQueueAttributes, GetQueueUrl). Lambda sends with SendMessage only, and only
      // for a batch of records about to expire from the stream unpublished (24 hours of failing), a
      // path the e2e suite does not walk: its IAM report lists all three as unused. GetQueueAttributes
      // and GetQueueUrl come with the CDK helper.
      onFailure: new sources.SqsDlq(deadLetterQueue.queue),
    });
    this.function.addEventSource(eventSource);
    // -1 ("until the record expires") written out rather than left to CloudFormation's default (as
    // bisection's false above), so the template says it and an update from a bounded mapping resets it.
    const mapping = this.function.node.children.find(
      (child): child is lambda.EventSourceMapping =>
        child instanceof lambda.EventSourceMapping && child.eventSourceMappingId === eventSource.eventSourceMappingId,
    );
    if (!mapping) throw new ShopCdkError(`${this.node.path}: the stream's event source mapping was not created.`);
    const cfnMapping = mapping.node.defaultChild as lambda.CfnEventSourceMapping;
    cfnMapping.maximumRetryAttempts = -1;
    cfnMapping.maximumRecordAgeInSeconds = -1;

    const iteratorAge = this.function.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM });
    const iteratorAgeAlarm = standardAlarm(this, 'IteratorAgeAlarm', {
      stage,
      description:
        `${service}/${name} is behind on the table stream: a record is failing and retried (the records after it wait) ` +
        'or the relay cannot keep up. Records expire after 24 hours.',
      metric: iteratorAge,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      defaults: {
        threshold: Duration.minutes(5).toMilliseconds(),
        period: Duration.minutes(1),
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      },
      settings: numericSettings(options.iteratorAgeAlarm, (age) => age.toMilliseconds()),
    });
    this.dashboardSection
      .addAlarm('stream iterator age (ms)', iteratorAgeAlarm)
      .addAlarm('stream batches given up (DLQ)', deadLetterQueue.alarm);
    return { eventSource, deadLetterQueue, iteratorAgeAlarm };
  }
}
