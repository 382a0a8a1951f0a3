import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { resolveCorrelationId } from './correlation-id';
import type { Observability } from './observability';

/** Options of {@link withObservability}. */
export interface WithObservabilityOptions<TEvent> {
  /** The service's utilities from `createObservability()`. */
  readonly observability: Observability;
  /**
   * Finds the invocation's correlation id. Return `undefined` when the event has none (e.g. a
   * batch whose records each carry their own): a new id is made.
   * @default resolveCorrelationId (x-correlation-id header, envelope, API Gateway request id, new UUID)
   */
  readonly correlationId?: (event: TEvent) => string | undefined;
  /** Log the incoming event (never in production: it may hold personal data). @default false */
  readonly logEvent?: boolean;
  /** Record the handler's response in the trace. @default false */
  readonly captureResponse?: boolean;
}

/** Middleware that puts the correlation id on every log line and on the trace. */
export const correlationIdMiddleware = <TEvent>(
  observability: Pick<Observability, 'logger' | 'tracer'>,
  find: (event: TEvent) => string | undefined = resolveCorrelationId,
): MiddlewareObj<TEvent> => ({
  before: (request) => {
    const id = find(request.event) ?? resolveCorrelationId(request.event);
    observability.logger.setCorrelationId(id);
    observability.tracer.putAnnotation('correlationId', id);
  },
});

/**
 * Wraps a plain Lambda function with the shop's observability: Lambda context and correlation
 * id on every log line (keys reset after each invocation), a traced handler segment, metrics
 * flushed after each invocation with a cold-start metric. Handlers export the result as `handler`.
 *
 * @example
 * export const handler = withObservability(routeProductRequest, { observability });
 */
export const withObservability = <TEvent, TResult>(
  fn: (event: TEvent, context: Context) => Promise<TResult>,
  options: WithObservabilityOptions<TEvent>,
): MiddyfiedHandler<TEvent, TResult> => {
  const { logger, tracer, metrics } = options.observability;
  return middy<TEvent, TResult>(fn)
    .use(captureLambdaHandler(tracer, { captureResponse: options.captureResponse ?? false }))
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: options.logEvent ?? false }))
    .use(correlationIdMiddleware(options.observability, options.correlationId))
    .use(logMetrics(metrics, { captureColdStartMetric: true, throwOnEmptyMetrics: false }));
};
