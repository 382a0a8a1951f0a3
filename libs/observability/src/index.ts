/**
 * @shop/observability: the Powertools logger, tracer and metrics of a service, the correlation
 * id carried across hops, the middy wrapper handlers export as `handler`, and a handler's cold
 * start in one call ({@link coldStart}: observability, typed environment, traced clients). A
 * service's env module imports `envVar` from the secondary entry point `@shop/observability/env`,
 * which loads no Powertools, so that its stack can import it at synth time.
 */
export * from './errors';
export * from './config';
export * from './env';
export * from './cold-start';
export * from './correlation-id';
export * from './observability';
export * from './with-observability';
export * from './operator-replay';
export { MetricUnit } from '@aws-lambda-powertools/metrics';
