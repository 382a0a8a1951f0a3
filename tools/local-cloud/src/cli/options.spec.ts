import { DEFAULT_MAX_EXECUTIONS, readOptions, stateDirOf } from './options';

describe('readOptions', () => {
  it('keeps 1000 finished executions per state machine unless --max-executions or LOCAL_CLOUD_MAX_EXECUTIONS says otherwise', () => {
    expect(readOptions([], {}).maxExecutions).toBe(DEFAULT_MAX_EXECUTIONS);
    expect(DEFAULT_MAX_EXECUTIONS).toBe(1000);
    expect(readOptions(['--max-executions', '25'], {}).maxExecutions).toBe(25);
    expect(readOptions([], { LOCAL_CLOUD_MAX_EXECUTIONS: '7' }).maxExecutions).toBe(7);
  });

  it.each(['0', '-1', '2.5', 'many'])('refuses --max-executions %s', (value) => {
    expect(() => readOptions([`--max-executions=${value}`], {})).toThrow(`--max-executions must be a positive integer (got ${value})`);
  });

  it('finds the state dir from LOCAL_CLOUD_STATE_DIR, absolute or relative to the workspace, else .local-cloud/', () => {
    expect(stateDirOf('/work/shop', {})).toBe('/work/shop/.local-cloud');
    expect(stateDirOf('/work/shop', { LOCAL_CLOUD_STATE_DIR: '/tmp/e2e-state' })).toBe('/tmp/e2e-state');
    expect(stateDirOf('/work/shop', { LOCAL_CLOUD_STATE_DIR: 'tmp/state' })).toBe('/work/shop/tmp/state');
  });

  it('reads --function-logs (all by default, json for the raw lines) and refuses an unknown mode', () => {
    expect(readOptions([], {}).functionLogs).toBe('all');
    expect(readOptions(['--function-logs', 'json'], {}).functionLogs).toBe('json');
    expect(readOptions([], { LOCAL_CLOUD_FUNCTION_LOGS: 'errors' }).functionLogs).toBe('errors');
    expect(() => readOptions(['--function-logs', 'loud'], {})).toThrow('--function-logs must be one of all, errors, json, none (got loud)');
    expect(readOptions([], {}).metricLogs).toBe(false);
    expect(readOptions(['--metric-logs'], {}).metricLogs).toBe(true);
  });

  it('keeps data in <state dir>/data only with --persist (or LOCAL_CLOUD_PERSIST=true), and watches only with --watch', () => {
    expect(readOptions([], {}).dataDir).toBeUndefined();
    expect(readOptions(['--persist'], { LOCAL_CLOUD_STATE_DIR: '/tmp/state' }).dataDir).toBe('/tmp/state/data');
    expect(readOptions([], { LOCAL_CLOUD_STATE_DIR: '/tmp/state', LOCAL_CLOUD_PERSIST: 'true' }).dataDir).toBe('/tmp/state/data');
    expect(readOptions([], {}).watch).toBe(false);
    expect(readOptions(['--watch'], {}).watch).toBe(true);
  });

  it('runs the schedules at real time unless --schedule-speed (or LOCAL_CLOUD_SCHEDULE_SPEED) says otherwise', () => {
    expect(readOptions([], {}).scheduleSpeed).toBe(1);
    expect(readOptions(['--schedule-speed', '60'], {}).scheduleSpeed).toBe(60);
    expect(readOptions([], { LOCAL_CLOUD_SCHEDULE_SPEED: '0.5' }).scheduleSpeed).toBe(0.5);
    expect(() => readOptions(['--schedule-speed', '0'], {})).toThrow('--schedule-speed must be a positive number (got 0)');
  });

  it('checks IAM in enforce mode unless --iam (or LOCAL_CLOUD_IAM) says warn or off', () => {
    expect(readOptions([], {}).iam).toBe('enforce');
    expect(readOptions(['--iam', 'warn'], {}).iam).toBe('warn');
    expect(readOptions([], { LOCAL_CLOUD_IAM: 'off' }).iam).toBe('off');
    expect(() => readOptions(['--iam', 'strict'], {})).toThrow('--iam must be one of enforce, warn, off (got strict)');
  });
});
