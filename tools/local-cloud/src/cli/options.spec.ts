import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_EXECUTIONS, readOptions, stateDirOf } from './options';

const WORKSPACE = join(__dirname, '../../../..');

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

  it("sends the functions' AWS calls over their worker's port unless LOCAL_CLOUD_AWS_OVER_HTTP=true", () => {
    expect(readOptions([], {}).awsOverHttp).toBe(false);
    expect(readOptions([], { LOCAL_CLOUD_AWS_OVER_HTTP: 'true' }).awsOverHttp).toBe(true);
  });
});

describe('readOptions: the shop or another app', () => {
  let scratch: string;
  beforeEach(() => (scratch = mkdtempSync(join(tmpdir(), 'options-app-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('without <dir> inside the workspace: the shop, as npm start always ran (dist/apps, .local-cloud/, node_modules/.cache, seeded)', () => {
    const options = readOptions([], {}, join(WORKSPACE, 'tools/local-cloud'));
    expect(options).toMatchObject({
      app: undefined,
      root: WORKSPACE,
      assembliesRoot: join(WORKSPACE, 'dist/apps'),
      stateDir: join(WORKSPACE, '.local-cloud'),
      compileCacheDir: join(WORKSPACE, 'node_modules/.cache/local-cloud-compile'),
      deployRoot: join(WORKSPACE, 'dist'),
      seed: true,
    });
  });

  it('with a CDK app folder (relative to the current one): state, assemblies and compile cache in its per-user cache folder, no seed', () => {
    mkdirSync(join(scratch, 'notes'));
    writeFileSync(join(scratch, 'notes/cdk.json'), '{"app":"node app.js"}');
    const options = readOptions(['notes', '--persist'], { XDG_CACHE_HOME: join(scratch, 'cache') }, scratch);
    const stateDir = options.stateDir;
    expect(stateDir).toMatch(new RegExp(`^${join(scratch, 'cache/local-cloud/notes-')}[0-9a-f]{8}$`));
    expect(options).toMatchObject({
      app: { kind: 'cdk-app', dir: join(scratch, 'notes'), name: 'notes' },
      root: join(scratch, 'notes'),
      assembliesRoot: join(stateDir, 'assemblies'),
      deployRoot: join(stateDir, 'assemblies'),
      compileCacheDir: join(stateDir, 'compile-cache'),
      dataDir: join(stateDir, 'data'),
      seed: false,
    });
  });

  it('LOCAL_CLOUD_STATE_DIR still overrides, relative to the current folder; a folder of assemblies is read where it is', () => {
    mkdirSync(join(scratch, 'out/api'), { recursive: true });
    writeFileSync(join(scratch, 'out/api/manifest.json'), '{}');
    expect(readOptions([join(scratch, 'out')], { LOCAL_CLOUD_STATE_DIR: 'state' }, scratch)).toMatchObject({
      app: { kind: 'assemblies' },
      stateDir: join(scratch, 'state'),
      assembliesRoot: join(scratch, 'out'),
    });
  });

  it("without <dir> outside the shop's workspace (another team's Nx workspace too): the current folder is the app", () => {
    writeFileSync(join(scratch, 'manifest.json'), '{}');
    expect(readOptions([], { XDG_CACHE_HOME: join(scratch, 'cache') }, scratch).app).toMatchObject({ kind: 'assembly', dir: scratch });
    writeFileSync(join(scratch, 'nx.json'), '{}');
    expect(readOptions([], { XDG_CACHE_HOME: join(scratch, 'cache') }, scratch).app).toMatchObject({ kind: 'assembly', dir: scratch });
  });

  it('refuses the shop-only --watch and --assemblies with an app, two folders, and a folder that holds no app', () => {
    writeFileSync(join(scratch, 'manifest.json'), '{}');
    expect(() => readOptions([scratch, '--watch'], {}, scratch)).toThrow("--watch is the shop's watch mode");
    expect(() => readOptions([scratch, '--assemblies', 'x'], {}, scratch)).toThrow('--assemblies is for the shop');
    expect(() => readOptions([scratch, scratch], {}, scratch)).toThrow('one app folder at most');
    mkdirSync(join(scratch, 'src'));
    expect(() => readOptions(['src'], {}, scratch)).toThrow('holds no CDK app');
  });
});
