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

describe('createObservability tracer', () => {
  const env = { POWERTOOLS_SERVICE_NAME: 'product', AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000' };

  it('is a no-op when tracing is switched off, and leaves clients and handlers as they are', () => {
    const { tracer } = createObservability({ env: { ...env, POWERTOOLS_TRACE_ENABLED: 'false' } });
    const client = { send: jest.fn() };
    expect(tracer.isTracingEnabled()).toBe(false);
    expect(tracer.captureAWSv3Client(client)).toBe(client);
    expect(tracer.getSegment()).toBeUndefined();
    expect(() => tracer.putMetadata('k', 'v')).not.toThrow();
  });

  it('is the Powertools tracer when tracing is on and a daemon is configured', () => {
    const { tracer } = createObservability({ env });
    expect(tracer.constructor.name).toBe('Tracer');
  });
});
