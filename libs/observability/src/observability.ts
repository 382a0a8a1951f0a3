import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { requireEnv } from './config';
import { createTracer } from './tracer';

/** The three Powertools utilities of one service, created once per Lambda module. */
export interface Observability {
  /** The service name every log line, trace and metric is tagged with. */
  readonly serviceName: string;
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly metrics: Metrics;
}

/** Options of {@link createObservability}; environment variables fill what is not given. */
export interface ObservabilityOptions {
  /** @default process.env.POWERTOOLS_SERVICE_NAME (required one way or the other) */
  readonly serviceName?: string;
  /** CloudWatch metrics namespace. @default process.env.POWERTOOLS_METRICS_NAMESPACE */
  readonly namespace?: string;
  /** Environment to read, for tests. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Metrics reduced to recording one value; ask for this rather than a whole `Metrics`. */
export interface MetricSink {
  addMetric(name: string, unit: MetricUnit, value: number): void;
}

/** A logger reduced to what most code needs; ask for this rather than a whole `Logger`. */
export type LogSink = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * Creates the service's Powertools logger, tracer and metrics. Call once at module scope.
 *
 * The tracer is configured, not detected: it is the Powertools `Tracer` only when tracing is
 * switched on (`POWERTOOLS_TRACE_ENABLED` not false) and an X-Ray daemon is there to receive it
 * (`AWS_XRAY_DAEMON_ADDRESS`, set by Lambda with active tracing); otherwise a no-op tracer with the
 * same methods, see {@link createTracer}. This is the same switch wherever the code runs (a Lambda
 * without active tracing, tests, the local cloud), not an "am I local" branch.
 * @throws MissingEnvironmentVariableError when no service name is given nor in the environment.
 */
export const createObservability = (options: ObservabilityOptions = {}): Observability => {
  const env = options.env ?? process.env;
  const serviceName = options.serviceName ?? requireEnv('POWERTOOLS_SERVICE_NAME', env);
  const namespace = options.namespace ?? env.POWERTOOLS_METRICS_NAMESPACE;
  const logger = new Logger({ serviceName });
  // Metrics warns on every flush without metrics ("No application metrics to publish"), which is
  // normal for a read request: keep that at debug level, in the structured log.
  const metricsLogger = {
    trace: logger.trace.bind(logger),
    debug: logger.debug.bind(logger),
    info: logger.info.bind(logger),
    warn: logger.debug.bind(logger),
    error: logger.error.bind(logger),
  };
  return {
    serviceName,
    logger,
    tracer: createTracer(serviceName, env),
    metrics: new Metrics({ serviceName, logger: metricsLogger, ...(namespace ? { namespace } : {}) }),
  };
};
