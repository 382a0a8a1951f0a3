/**
 * @shop/observability: the Powertools logger, tracer and metrics of a service, the correlation
 * id carried across hops, the middy wrapper handlers export as `handler`, and cold-start config.
 */
export * from './errors';
export * from './config';
export * from './correlation-id';
export * from './observability';
export * from './with-observability';
export { MetricUnit } from '@aws-lambda-powertools/metrics';
