import { MissingEnvironmentVariableError } from './errors';
import { createObservability } from './observability';

describe('createObservability', () => {
  it('names logger, tracer and metrics after POWERTOOLS_SERVICE_NAME', () => {
    const { serviceName, tracer } = createObservability({ env: { POWERTOOLS_SERVICE_NAME: 'product' } });
    expect(serviceName).toBe('product');
    expect(tracer.isTracingEnabled()).toBe(false);
  });

  it('prefers an explicit service name', () => {
    expect(createObservability({ serviceName: 'basket', env: {} }).serviceName).toBe('basket');
  });

  it('fails fast without a service name', () => {
    expect(() => createObservability({ env: {} })).toThrow(new MissingEnvironmentVariableError('POWERTOOLS_SERVICE_NAME'));
  });

  it('keeps tracing off outside Lambda even when asked for, so local runs need no X-Ray daemon', () => {
    const { tracer } = createObservability({ env: { POWERTOOLS_SERVICE_NAME: 'product', POWERTOOLS_TRACE_ENABLED: 'true' } });
    expect(tracer.isTracingEnabled()).toBe(false);
    expect(() => tracer.putAnnotation('k', 'v')).not.toThrow();
    expect(() => tracer.getSegment()).not.toThrow();
  });
});
