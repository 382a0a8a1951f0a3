/**
 * `npm start`: runs the local cloud in the foreground until Ctrl-C (or SIGTERM), which stops
 * everything it started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlSecretPath } from '../control-plane/secret';
import { DynamoDbLocal } from '../emulators/dynamodb-local';
import { createLogger } from '../log';
import { freePort } from '../net';
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
  if (options.synth) synthesize(options.root, logger);
  // The JVM is the long pole: spawn it before loading the rest (fauxqs, the SDK, the state machine engine).
  const stateDir = options.stateDir;
  mkdirSync(stateDir, { recursive: true });
  const keptData = options.dataDir !== undefined && existsSync(join(options.dataDir, 'dynamodb'));
  if (options.dataDir) logger.info(`--persist: tables and stream positions ${keptData ? 'from' : 'kept in'} ${options.dataDir}`);
  const dynamodb = DynamoDbLocal.spawn({
    dataDir: options.dataDir,
    port: process.env.LOCAL_CLOUD_DYNAMODB_PORT ? Number(process.env.LOCAL_CLOUD_DYNAMODB_PORT) : await freePort(),
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
    deployRoot: join(options.root, 'dist'),
    maxExecutions: options.maxExecutions,
    workerScript: join(here, 'lambda-worker.mjs'),
    runtimeNodeModules: runtimeNodeModules(),
    compileCacheDir: join(options.root, 'node_modules/.cache/local-cloud-compile'),
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
  process.stdout.write(banner(cloud, Boolean(audience)));
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

function banner(cloud: import('../local-cloud').LocalCloud, hasUserPool: boolean): string {
  const lines = ['', `Local cloud: ${cloud.baseUrl}  (ready in ${((cloud.readyAt ?? Date.now()) - cloud.startedAt) / 1000} s)`, ''];
  for (const route of cloud.routes()) {
    lines.push(`  ${route.service.padEnd(10)} ${cloud.baseUrl}/${route.basePath}`);
    const byResource = new Map<string, Map<string, string[]>>();
    for (const method of route.methods) {
      const path = `/${route.basePath}${method.resourcePath === '/' ? '' : method.resourcePath}`;
      const auth =
        method.authorizationType === 'NONE'
          ? 'public'
          : method.authorizationType === 'COGNITO_USER_POOLS'
            ? 'token'
            : method.authorizationType;
      const byAuth = byResource.get(path) ?? new Map<string, string[]>();
      byAuth.set(auth, [...(byAuth.get(auth) ?? []), method.httpMethod]);
      byResource.set(path, byAuth);
    }
    for (const [path, byAuth] of byResource) {
      lines.push(`    ${path.padEnd(28)} ${[...byAuth].map(([auth, methods]) => `${auth}: ${methods.join(' ')}`).join('   ')}`);
    }
  }
  if (cloud.routes().length === 0) lines.push('  no REST API found in the assemblies');
  for (const { service, name, url } of cloud.urls()) lines.push(`  ${service.padEnd(10)} ${url}  ${name}`);
  lines.push('');
  lines.push(
    hasUserPool
      ? '  Tokens (ID tokens of the local user pool, valid 1 h):'
      : '  Tokens (no user pool in the assemblies; any local token is accepted):',
  );
  lines.push('    npm run -s token -- --admin              # admin group');
  lines.push('    npm run -s token -- --customer alice     # a customer');
  lines.push(`    curl -H "Authorization: Bearer $(npm run -s token -- --admin)" ${cloud.baseUrl}/...`);
  lines.push('');
  lines.push(`  Local endpoints: /_local/health  /_local/routes  /_local/resources  /_local/executions/<id>  POST /_local/deploy`);
  lines.push(
    `  POST and other changes to /_local/* need header x-local-cloud-secret: the content of ${controlSecretPath(cloud.stateDir)} (new at each start)`,
  );
  lines.push('  Redeploy one service after a change: npx nx run <service>:deploy -c local');
  lines.push('  Ctrl-C stops everything.');
  lines.push('');
  return `${lines.join('\n')}\n`;
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

/** The node_modules holding the AWS SDK v3, as the Lambda runtime provides it. */
function runtimeNodeModules(): string | undefined {
  try {
    const sdk = createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb');
    return sdk.slice(0, sdk.lastIndexOf('/node_modules/') + '/node_modules'.length);
  } catch {
    return undefined;
  }
}

void main();
