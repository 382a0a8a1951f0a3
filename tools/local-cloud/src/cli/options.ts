import { QUICK_START_JVM_OPTIONS } from '@shop/emulators';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { IAM_MODES, type IamMode } from '../iam/gate';
import type { FunctionLogMode } from '../lambda/function-pool';
import type { LogLevel } from '../log';
import { detectAppTarget, type AppTarget } from './app-target';
import { appStateDir } from './user-state-dir';

/** The workspace root: the nearest folder up from `from` with an nx.json (`from` itself when there is none). */
export function workspaceRoot(from = process.cwd()): string {
  return findWorkspaceRoot(from) ?? resolve(from);
}

/** The nearest folder up from `from` with an nx.json, if any: the shop's checkout. */
function findWorkspaceRoot(from: string): string | undefined {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return dir;
}

/** The local cloud's state dir (signing key, control secret, pid file): LOCAL_CLOUD_STATE_DIR, else `.local-cloud/`, from the workspace root. */
export function stateDirOf(root = workspaceRoot(), env = process.env): string {
  return resolve(root, env.LOCAL_CLOUD_STATE_DIR ?? '.local-cloud');
}

export interface CliOptions {
  /** The shop's workspace root; for another app (`local-cloud <dir>`), the app's folder. */
  root: string;
  /**
   * The app given on the command line (`local-cloud <dir>`, or the current folder outside an Nx
   * workspace); none: the shop itself (`npm start`), with its defaults (dist/apps, `.local-cloud/`).
   */
  app?: AppTarget;
  port: number;
  assembliesRoot: string;
  services?: string[];
  stateDir: string;
  /** Keep the tables (and the stream positions) in `<state dir>/data` across restarts (`--persist`); none: in memory. */
  dataDir?: string;
  seed: boolean;
  functionLogs: FunctionLogMode;
  /** Show the functions' EMF metric lines (folded away by default). */
  metricLogs: boolean;
  logLevel: LogLevel;
  maxConcurrency: number;
  /** Finished executions kept per state machine. */
  maxExecutions: number;
  prewarm: boolean;
  jvmOptions: string;
  /** A DynamoDB Local that runs already (env LOCAL_CLOUD_DYNAMODB_ENDPOINT), used in place of one of its own. */
  dynamodbEndpoint?: string;
  /** The functions' AWS calls over loopback HTTP rather than their worker's port (env LOCAL_CLOUD_AWS_OVER_HTTP=true). */
  awsOverHttp: boolean;
  /** Every DynamoDB call of a function over its worker's port, none sent by the worker itself (env LOCAL_CLOUD_DYNAMODB_OVER_PORT=true). */
  dynamodbOverPort: boolean;
  /** Run `nx run-many -t synth -c local` first (what npm start does); a CDK app (`app.kind` cdk-app) is always synthesized. */
  synth: boolean;
  /** V8 code cache of the functions' modules: the shop's node_modules/.cache, another app's state dir. */
  compileCacheDir: string;
  /** The only folder `POST /_local/deploy` may load a `dir` from: the shop's dist/, another app's assemblies root. */
  deployRoot: string;
  /** Watch mode (`npm run dev`): swap a service in again when its sources change. */
  watch: boolean;
  /** EventBridge schedules run this many times faster than real time (`--schedule-speed`). */
  scheduleSpeed: number;
  /** `--iam`: functions' AWS calls checked against their roles and refused (`enforce`), only logged (`warn`), or not checked (`off`). */
  iam: IamMode;
}

/**
 * Concurrent instances per function: one per core plus one (at least 3). An instance runs one
 * invocation at a time and sits idle while it waits for its downstream calls (a DynamoDB Local
 * GetItem is about a third of a product read), so one instance per core leaves the cores idle
 * part of the time; the extra one fills that gap. Each instance costs a V8 isolate (~60 MB) and a
 * JIT warm-up; raise it to reproduce higher concurrency.
 */
export const DEFAULT_CONCURRENCY = Math.max(3, availableParallelism() + 1);

/** Finished executions kept per state machine: enough to look back over a bench run, bounded so a long session does not grow. */
export const DEFAULT_MAX_EXECUTIONS = 1000;

const positiveInteger = (name: string, value: string | number): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${name} must be a positive integer (got ${value})`);
  return number;
};

const positiveNumber = (name: string, value: string | number): number => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${name} must be a positive number (got ${value})`);
  return number;
};

const iamMode = (value: string): IamMode => {
  const mode = IAM_MODES.find((candidate) => candidate === value);
  if (!mode) throw new Error(`--iam must be one of ${IAM_MODES.join(', ')} (got ${value})`);
  return mode;
};

const FUNCTION_LOG_MODES: readonly FunctionLogMode[] = ['all', 'errors', 'json', 'none'];

const functionLogMode = (value: string): FunctionLogMode => {
  const mode = FUNCTION_LOG_MODES.find((candidate) => candidate === value);
  if (!mode) throw new Error(`--function-logs must be one of ${FUNCTION_LOG_MODES.join(', ')} (got ${value})`);
  return mode;
};

/**
 * Options from the command line, then the environment (PORT, LOCAL_CLOUD_*), then defaults.
 * Run `node dist/tools/local-cloud/main.mjs --help` for the list.
 */
export function readOptions(argv = process.argv.slice(2), env = process.env, cwd = process.cwd()): CliOptions & { help: boolean } {
  const { values, positionals } = parse(argv);
  if (positionals.length > 1) throw new Error(`one app folder at most (got ${positionals.join(' ')})`);
  if (values.help === true) {
    const locations = shopLocations(cwd, env, values.assemblies);
    return { ...locations, ...rest(values, env, undefined, locations.stateDir), help: true };
  }
  const shopRoot = positionals.length === 0 ? shopWorkspace(cwd) : undefined;
  const app = shopRoot ? undefined : detectAppTarget(resolve(cwd, positionals[0] ?? '.'));
  if (app && values.watch)
    throw new Error("--watch is the shop's watch mode (Nx projects); for another app, synthesize again and POST /_local/deploy");
  if (app && values.assemblies) throw new Error('--assemblies is for the shop; give the app folder as the argument instead');
  const locations = app ? appLocations(app, cwd, env) : shopLocations(shopRoot ?? cwd, env, values.assemblies);
  return { ...locations, ...rest(values, env, app, locations.stateDir), help: false };
}

/**
 * The shop's checkout around `cwd`, if any: an Nx workspace holding this tool (another team's Nx
 * workspace is an app like any other: its `nx run <service>:deploy` and dist/apps are not ours).
 */
function shopWorkspace(cwd: string): string | undefined {
  const root = findWorkspaceRoot(cwd);
  return root && existsSync(join(root, 'tools/local-cloud/project.json')) ? root : undefined;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      assemblies: { type: 'string' },
      service: { type: 'string', multiple: true },
      'no-seed': { type: 'boolean' },
      persist: { type: 'boolean' },
      'function-logs': { type: 'string' },
      'metric-logs': { type: 'boolean' },
      'log-level': { type: 'string' },
      concurrency: { type: 'string' },
      'max-executions': { type: 'string' },
      'no-prewarm': { type: 'boolean' },
      synth: { type: 'boolean' },
      watch: { type: 'boolean' },
      'schedule-speed': { type: 'string' },
      iam: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
}

type ParsedValues = ReturnType<typeof parse>['values'];

/** Where the shop's run reads and writes: dist/apps, `.local-cloud/` and node_modules/.cache, as npm start always did. */
function shopLocations(root: string, env: NodeJS.ProcessEnv, assemblies: string | undefined) {
  return {
    root,
    assembliesRoot: resolve(root, assemblies ?? env.LOCAL_CLOUD_ASSEMBLIES ?? 'dist/apps'),
    stateDir: stateDirOf(root, env),
    compileCacheDir: join(root, 'node_modules/.cache/local-cloud-compile'),
    deployRoot: join(root, 'dist'),
  };
}

/**
 * Where another app's run reads and writes: everything under its per-user state dir
 * (`LOCAL_CLOUD_STATE_DIR`, relative to the current folder, overrides it); a single assembly or a
 * synthesized app is served from `<state dir>/assemblies/<app name>`.
 */
function appLocations(app: AppTarget, cwd: string, env: NodeJS.ProcessEnv) {
  const stateDir = env.LOCAL_CLOUD_STATE_DIR ? resolve(cwd, env.LOCAL_CLOUD_STATE_DIR) : appStateDir(app.appDir, env);
  const assembliesRoot = app.kind === 'assemblies' ? app.dir : join(stateDir, 'assemblies');
  return { root: app.appDir, assembliesRoot, stateDir, compileCacheDir: join(stateDir, 'compile-cache'), deployRoot: assembliesRoot };
}

/** The options that do not depend on which app runs. */
function rest(values: ParsedValues, env: NodeJS.ProcessEnv, app: AppTarget | undefined, stateDir: string) {
  const services =
    values.service?.flatMap((value) => value.split(',')).filter(Boolean) ?? env.LOCAL_CLOUD_SERVICES?.split(',').filter(Boolean);
  return {
    app,
    port: Number(values.port ?? env.PORT ?? 3000),
    services: services?.length ? services : undefined,
    dataDir: values.persist === true || env.LOCAL_CLOUD_PERSIST === 'true' ? join(stateDir, 'data') : undefined,
    // The demo catalog is the shop's: another app gets none.
    seed: !app && values['no-seed'] !== true && env.LOCAL_CLOUD_SEED !== 'false',
    functionLogs: functionLogMode(values['function-logs'] ?? env.LOCAL_CLOUD_FUNCTION_LOGS ?? 'all'),
    metricLogs: values['metric-logs'] === true || env.LOCAL_CLOUD_METRIC_LOGS === 'true',
    logLevel: (values['log-level'] ?? env.LOCAL_CLOUD_LOG_LEVEL ?? 'info') as LogLevel,
    maxConcurrency: Number(values.concurrency ?? env.LOCAL_CLOUD_CONCURRENCY ?? DEFAULT_CONCURRENCY),
    maxExecutions: positiveInteger(
      '--max-executions',
      values['max-executions'] ?? env.LOCAL_CLOUD_MAX_EXECUTIONS ?? DEFAULT_MAX_EXECUTIONS,
    ),
    prewarm: values['no-prewarm'] !== true && env.LOCAL_CLOUD_PREWARM !== 'false',
    jvmOptions: env.LOCAL_CLOUD_JVM_OPTIONS ?? QUICK_START_JVM_OPTIONS,
    dynamodbEndpoint: env.LOCAL_CLOUD_DYNAMODB_ENDPOINT || undefined,
    awsOverHttp: env.LOCAL_CLOUD_AWS_OVER_HTTP === 'true',
    dynamodbOverPort: env.LOCAL_CLOUD_DYNAMODB_OVER_PORT === 'true',
    synth: values.synth === true,
    watch: values.watch === true,
    scheduleSpeed: positiveNumber('--schedule-speed', values['schedule-speed'] ?? env.LOCAL_CLOUD_SCHEDULE_SPEED ?? 1),
    iam: iamMode(values.iam ?? env.LOCAL_CLOUD_IAM ?? 'enforce'),
  };
}

export const HELP = `Usage: local-cloud [<dir>] [options]      any CDK app (the package's bin: npx local-cloud ./my-app)
       npm start [-- options]             the shop (node dist/tools/local-cloud/main.mjs [options])

Runs synthesized CDK assemblies on this machine: no Docker, no AWS account. Needs Node.js 24 and Java 17+ (DynamoDB Local).

<dir>, from any folder (relative to the current one):
  a CDK app (has cdk.json)   synthesized first by its "app" command (CDK_OUTDIR, CDK_CONTEXT_JSON, as cdk synth runs it)
  a cdk.out                  one cloud assembly (manifest.json inside)
  a folder of assemblies     <name>/manifest.json or <name>/cdk.out/manifest.json, one service each
With no <dir>: inside the shop's workspace, its dist/apps/*/cdk.out (npm start); anywhere else, the current folder.
State (signing key, control secret, pid file, --persist data, the synthesized assembly, the V8 compile cache) goes to
a per-user cache folder for another app: $XDG_CACHE_HOME/local-cloud/<app>-<hash of its path> (~/.cache/... on Linux,
~/Library/Caches/... on macOS, %LOCALAPPDATA%\\local-cloud\\... on Windows); the shop keeps .local-cloud/ in its workspace.

  --port <n>              HTTP port (env PORT, default 3000)
  --assemblies <dir>      the shop only: folder of <service>/cdk.out (env LOCAL_CLOUD_ASSEMBLIES, default dist/apps)
  --service <a,b>         only these services (env LOCAL_CLOUD_SERVICES)
  --no-seed               do not create the shop's demo catalog (env LOCAL_CLOUD_SEED=false; another app is never seeded)
  --persist               keep the tables and the stream positions in <state dir>/data across restarts;
                          queues, messages and executions stay in memory (env LOCAL_CLOUD_PERSIST=true; default: all in memory)
  --function-logs <mode>  all | errors | json | none: the functions' own output as readable lines (all), their warnings and
                          errors only, the raw JSON lines, or nothing (env LOCAL_CLOUD_FUNCTION_LOGS, default all)
  --metric-logs           show the functions' EMF metric lines, folded away by default (env LOCAL_CLOUD_METRIC_LOGS=true)
  --log-level <level>     debug | info | warn | error (env LOCAL_CLOUD_LOG_LEVEL)
  --concurrency <n>       concurrent instances per function (env LOCAL_CLOUD_CONCURRENCY, default: one per core plus one, at least 3)
  --max-executions <n>    finished executions kept per state machine, oldest dropped first (env LOCAL_CLOUD_MAX_EXECUTIONS, default 1000)
  --no-prewarm            do not start one instance of each API function right after start-up
  --schedule-speed <x>    EventBridge schedules (rate/cron) run x times faster than real time: at 60, rate(1 minute) fires
                          every second (env LOCAL_CLOUD_SCHEDULE_SPEED, default 1)
  --iam <mode>            enforce | warn | off: each function's AWS calls (and the calls made for a state machine, an API, a
                          subscription, a rule) are checked against the IAM policies of the templates and refused with
                          AccessDenied as AWS would (enforce), only logged and recorded in /_local/iam (warn), or not checked
                          (off) (env LOCAL_CLOUD_IAM, default enforce)
  --synth                 the shop: first run \`nx run-many -t synth -c local\` (cached; npm start passes it)
  --watch                 the shop's watch mode (npm run dev): a change to a service's sources (or a lib it uses) is bundled and swapped
                          in; a change its stack reads is synthesized again (nx run <service>:synth -c local) and deployed
Environment only: LOCAL_CLOUD_JVM_OPTIONS (DynamoDB Local JVM flags), LOCAL_CLOUD_STATE_DIR (the state folder above: the shop's
.local-cloud, another app's per-user cache folder),
LOCAL_CLOUD_IDLE_SECONDS (idle function instances are recycled after this, down to one; default 60),
LOCAL_CLOUD_DYNAMODB_PORT / LOCAL_CLOUD_SQS_PORT (fixed emulator ports; default free ports),
LOCAL_CLOUD_DYNAMODB_ENDPOINT (http://127.0.0.1:<port>: a DynamoDB Local that runs already, without -sharedDb, in place of one of
its own; each start keeps its tables there under an access key of its own, so several local clouds can share one JVM; not with --persist),
LOCAL_CLOUD_RETRY_DELAY_SCALE (multiplies the waits between Lambda async, EventBridge target and stream retries; tests: 0.01),
LOCAL_CLOUD_AWS_OVER_HTTP=true (the functions' AWS calls reach the local cloud over loopback HTTP rather than their worker thread's
port: to compare the two),
LOCAL_CLOUD_DYNAMODB_OVER_PORT=true (every DynamoDB call of a function crosses the main thread, none is sent by its worker thread
straight to DynamoDB Local once IAM admitted its kind: to compare the two).
`;
