import { isTracingConfigured } from './tracer';

describe('isTracingConfigured', () => {
  const daemon = { AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000' };

  it.each([
    [{}, false],
    [daemon, true],
    [{ ...daemon, POWERTOOLS_TRACE_ENABLED: 'true' }, true],
    [{ ...daemon, POWERTOOLS_TRACE_ENABLED: 'false' }, false],
    [{ ...daemon, POWERTOOLS_TRACE_ENABLED: 'OFF' }, false],
    [{ ...daemon, POWERTOOLS_TRACE_ENABLED: '0' }, false],
    [{ POWERTOOLS_TRACE_ENABLED: 'true' }, false],
  ])('%j -> %s', (env, expected) => {
    expect(isTracingConfigured(env)).toBe(expected);
  });
});
