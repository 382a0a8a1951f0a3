/**
 * `npm start` and the package's `local-cloud <dir>`: runs the local cloud in the foreground until
 * Ctrl-C (or SIGTERM), which stops everything it started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlSecretPath } from '../control-plane/secret';
import type { AppTarget } from './app-target';
import { renderBanner } from './banner';
import { prepareApp } from './prepare-app';
import { DynamoDbLocal } from '../emulators/dynamodb-local';
import { createLogger } from '../log';
import { freePortForJvm } from '../net';
import { HELP, readOptions } from './options';
import { seed } from './seed';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  let options: ReturnType<typeof readOptions>;
  try {
    options = readOptions();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${HELP}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  const logger = createLogger({ level: options.logLevel });
  if (options.app) {
    logger.info(`app ${options.app.name}: ${describeTarget(options.app)}; state in ${options.stateDir}`);
    try {
      await prepareApp(options.app, options.assembliesRoot, logger);
    } catch (error) {
      logger.error((error as Error).message);
      process.exit(1);
    }
  } else if (options.synth) synthesize(options.root, logger);
  // The JVM is the long pole: spawn it before loading the rest (fauxqs, the SDK, the state machine engine).
  const stateDir = options.stateDir;
  mkdirSync(stateDir, { recursive: true });
  const keptData = options.dataDir !== undefined && existsSync(join(options.dataDir, 'dynamodb'));
  if (options.dataDir) logger.info(`--persist: tables and stream positions ${keptData ? 'from' : 'kept in'} ${options.dataDir}`);
  if (options.dynamodbEndpoint && options.dataDir) {
    logger.error('--persist keeps the tables in a DynamoDB Local of its own: unset LOCAL_CLOUD_DYNAMODB_ENDPOINT to use it');
    process.exit(1);
  }
  if (options.dynamodbEndpoint)
    logger.info(`DynamoDB: the DynamoDB Local at ${options.dynamodbEndpoint}, tables under an access key of this start`);
  const dynamodb = options.dynamodbEndpoint
    ? DynamoDbLocal.external(options.dynamodbEndpoint, logger)
    : DynamoDbLocal.spawn({
        dataDir: options.dataDir,
        port: process.env.LOCAL_CLOUD_DYNAMODB_PORT ? Number(process.env.LOCAL_CLOUD_DYNAMODB_PORT) : await freePortForJvm(),
        jvmOptions: options.jvmOptions,
        stateDir,
        logger,
      });
  process.on('exit', () => dynamodb.killNow());
  const [{ LocalCloud }, { issueIdToken }] = await Promise.all([import('../local-cloud'), import('../auth/tokens')]);
  const cloud = new LocalCloud({
    dynamodb,
    assembliesRoot: options.assembliesRoot,
    services: options.services,
    stateDir: options.stateDir,
    dataDir: options.dataDir,
    deployRoot: options.deployRoot,
    maxExecutions: options.maxExecutions,
    workerScript: join(here, 'lambda-worker.mjs'),
    runtimeNodeModules: runtimeNodeModules(options.app),
    compileCacheDir: options.compileCacheDir,
    port: options.port,
    maxConcurrency: options.maxConcurrency,
    idleTimeoutMs: Number(process.env.LOCAL_CLOUD_IDLE_SECONDS ?? 60) * 1000,
    functionLogs: options.functionLogs,
    metricLogs: options.metricLogs,
    jvmOptions: options.jvmOptions,
    prewarm: options.prewarm,
    logger,
    messagingPort: process.env.LOCAL_CLOUD_SQS_PORT ? Number(process.env.LOCAL_CLOUD_SQS_PORT) : undefined,
    retryDelayScale: retryDelayScale(process.env.LOCAL_CLOUD_RETRY_DELAY_SCALE),
    scheduleSpeed: options.scheduleSpeed,
    iam: options.iam,
    awsOverHttp: options.awsOverHttp,
    dynamodbOverPort: options.dynamodbOverPort,
  });

  let devLoop: import('../dev/dev-loop').DevLoop | undefined;
  let exiting = false;
  const shutdown = async (signal: string, code = 0) => {
    if (exiting) {
      logger.warn('stopping now');
      cloud.killNow();
      process.exit(1);
    }
    exiting = true;
    logger.info(`${signal}: stopping the local cloud`);
    const force = setTimeout(() => {
      cloud.killNow();
      process.exit(code || 1);
    }, 8000);
    force.unref();
    await devLoop?.stop();
    await cloud.stop();
    logger.info('stopped; nothing left running');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
  process.on('exit', () => cloud.killNow());
  process.on('uncaughtException', (error) => {
    logger.error(`uncaught: ${error.stack ?? error}`);
    void shutdown('uncaughtException', 1);
  });

  try {
    await cloud.start();
  } catch (error) {
    logger.error(`start-up failed: ${(error as Error).message}`);
    await shutdown('start-up failure', 1);
    return;
  }

  const audience = cloud.tokenAudience();
  const token = async (role: 'admin' | 'customer') =>
    cloud.key && audience
      ? issueIdToken(cloud.key, {
          username: role === 'admin' ? 'admin' : 'seed-customer',
          groups: role === 'admin' ? ['admin'] : [],
          ...audience,
        })
      : undefined;
  if (options.seed && keptData) logger.info('--persist: the kept tables are not seeded again');
  else if (options.seed) {
    await seed({
      seedDir: join(options.root, 'tools/local-cloud/seed'),
      baseUrl: cloud.baseUrl,
      mountedBasePaths: cloud.routes().map((route) => route.basePath),
      token,
      logger,
    });
  }
  process.stdout.write(
    renderBanner({
      baseUrl: cloud.baseUrl,
      readySeconds: ((cloud.readyAt ?? Date.now()) - cloud.startedAt) / 1000,
      routes: cloud.routes(),
      urls: cloud.urls(),
      hasUserPool: Boolean(audience),
      secretPath: controlSecretPath(cloud.stateDir),
      stateDir: cloud.stateDir,
      app: options.app,
      assembliesRoot: options.assembliesRoot,
    }),
  );
  if (options.watch) {
    const [{ DevLoop }, { discoverAssemblies }] = await Promise.all([import('../dev/dev-loop'), import('../assembly/cloud-assembly')]);
    devLoop = new DevLoop({
      root: options.root,
      assembliesRoot: options.assembliesRoot,
      services: discoverAssemblies(options.assembliesRoot)
        .map((location) => location.service)
        .filter((service) => !options.services || options.services.includes(service)),
      cloud,
      logger,
    });
    try {
      await devLoop.start();
    } catch (error) {
      logger.error(`dev: watch mode did not start (${(error as Error).message}); the local cloud runs on without it`);
      await devLoop.stop();
      devLoop = undefined;
    }
  }
}

/** What `local-cloud <dir>` was given, in words. */
function describeTarget(app: AppTarget): string {
  if (app.kind === 'cdk-app') return `the CDK app in ${app.dir}`;
  if (app.kind === 'assembly') return `the cloud assembly ${app.dir}`;
  return `the assemblies in ${app.dir}`;
}

/**
 * Builds and synthesizes what is stale (Nx cache) with the `local` configuration. A service that
 * fails to build is reported and left out; the others still start.
 */
function synthesize(root: string, logger: ReturnType<typeof createLogger>): void {
  logger.info('synthesizing the services and writing their OpenAPI documents (nx run-many -t synth openapi -c local) ...');
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/.bin/nx'), 'run-many', '-t', 'synth', 'openapi', '-c', 'local', '--output-style=static'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false' },
    },
  );
  if (result.status !== 0) {
    logger.warn(
      'some services did not build or synthesize (see above): starting with the assemblies that are there; a failed service may run an older assembly or none',
    );
  }
}

/** LOCAL_CLOUD_RETRY_DELAY_SCALE: a positive number, else the default (1). */
function retryDelayScale(value: string | undefined): number | undefined {
  const scale = Number(value);
  return value && Number.isFinite(scale) && scale > 0 ? scale : undefined;
}

/**
 * The functions' NODE_PATH: the node_modules holding the AWS SDK v3 clients the local cloud ships
 * (its own dependencies; the shop's node_modules when run from the workspace), as the Lambda runtime
 * provides the SDK; then, for another app, the app's own node_modules (a client it installed there
 * that the local cloud does not ship). A client found in neither fails the function's cold start
 * with a message naming it (lambda/sdk-modules.ts).
 */
function runtimeNodeModules(app: AppTarget | undefined): string | undefined {
  const folders: string[] = [];
  try {
    const sdk = createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb');
    folders.push(sdk.slice(0, sdk.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length));
  } catch {
    // no SDK next to the local cloud: only the app's own
  }
  if (app && existsSync(join(app.appDir, 'node_modules'))) folders.push(join(app.appDir, 'node_modules'));
  return folders.length ? folders.join(delimiter) : undefined;
}

void main();
