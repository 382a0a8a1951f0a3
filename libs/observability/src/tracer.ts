import type { Tracer } from '@aws-lambda-powertools/tracer';

/** Values of `POWERTOOLS_TRACE_ENABLED` that switch tracing off (Powertools' extended boolean parsing). */
const FALSY = new Set(['0', 'n', 'no', 'f', 'false', 'off']);

/**
 * Whether traces can be recorded: tracing is not switched off (`POWERTOOLS_TRACE_ENABLED`, on by
 * default as in Powertools) and an X-Ray daemon receives segments (`AWS_XRAY_DAEMON_ADDRESS`, which
 * Lambda sets when the function has active tracing).
 */
export const isTracingConfigured = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env.AWS_XRAY_DAEMON_ADDRESS) && !FALSY.has((env.POWERTOOLS_TRACE_ENABLED ?? 'true').trim().toLowerCase());

/** The public methods of the Powertools `Tracer` (its `provider` aside), which the no-op tracer implements. */
type TracerMethods = Omit<{ [K in keyof Tracer]: Tracer[K] }, 'provider'>;

const passThroughDecorator = () => () => undefined;

/**
 * A tracer for when tracing is off: what a disabled Powertools `Tracer` does (clients returned
 * unwrapped, decorators leave methods as they are, annotations and metadata dropped, no segment),
 * without loading the Powertools tracer or `aws-xray-sdk-core`. That SDK installs async hooks as
 * soon as it is loaded, which cost every promise of every invocation even with tracing disabled.
 * Its `provider` is not there: nothing in the shop uses it.
 */
class NoopTracer implements TracerMethods {
  addErrorAsMetadata(): void {
    // tracing is off: nothing to record
  }
  addResponseAsMetadata(): void {
    // tracing is off: nothing to record
  }
  addServiceNameAnnotation(): void {
    // tracing is off: nothing to record
  }
  annotateColdStart(): void {
    // tracing is off: nothing to record
  }
  captureAWS<T>(aws: T): T {
    return aws;
  }
  captureAWSClient<T>(service: T): T {
    return service;
  }
  captureAWSv3Client<T>(service: T): T {
    return service;
  }
  captureLambdaHandler = passThroughDecorator as unknown as Tracer['captureLambdaHandler'];
  captureMethod = passThroughDecorator as unknown as Tracer['captureMethod'];
  getRootXrayTraceId(): string | undefined {
    return undefined;
  }
  getSegment(): undefined {
    return undefined;
  }
  isTraceSampled(): boolean {
    return false;
  }
  isTracingEnabled(): boolean {
    return false;
  }
  putAnnotation(): void {
    // tracing is off: nothing to record
  }
  putMetadata(): void {
    // tracing is off: nothing to record
  }
  setSegment(): void {
    // tracing is off: nothing to record
  }
}

/**
 * The service's tracer, built once at cold start. With tracing configured
 * ({@link isTracingConfigured}) it is the Powertools `Tracer`, loaded here on demand (a `require`
 * of `./powertools-tracer` inside the function, so a bundle keeps the module lazy: it is evaluated
 * only on this path) and left to apply its own rules; otherwise a no-op tracer with the same
 * methods. A configuration switch, the same in Lambda, tests and the local cloud: no "am I local"
 * branch.
 */
export const createTracer = (serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracer => {
  if (!isTracingConfigured(env)) return new NoopTracer() as unknown as Tracer;
  const { Tracer: PowertoolsTracer } = require('./powertools-tracer') as typeof import('./powertools-tracer');
  return new PowertoolsTracer({ serviceName });
};
