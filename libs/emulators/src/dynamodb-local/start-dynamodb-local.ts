import { tmpdir } from 'node:os';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { DynamoDbLocalStartError } from '../errors';
import { assertJava } from './java';
import { DYNAMODB_LOCAL_HOST, spawnDynamoDbLocal } from './spawn-dynamodb-local';

/** Options of {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /**
   * TCP port to listen on.
   * @default a free port on 127.0.0.1 below the ephemeral range ({@link findPortForSlowStart}), picked at start (retried if another process takes it first)
   */
  readonly port?: number;
  /**
   * How long to wait for DynamoDB Local to answer HTTP before giving up.
   * @default 60000 (a cold JVM on a busy 2-core machine can take several seconds)
   */
  readonly startTimeoutMs?: number;
}

/** A running, in-memory DynamoDB Local, owned by this Node process. */
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

const PORT_ATTEMPTS = 3;

/**
 * Starts DynamoDB Local in memory on 127.0.0.1 (see `spawnDynamoDbLocal`) for a test run and
 * resolves once it answers HTTP. Checks Java first, so that a missing or old Java says how to fix
 * it; runs it with the quick-start JVM flags; writes its output to a temporary log file whose
 * tail is in the error of a failed start; never leaves a JVM behind when this process exits, and
 * does not keep it alive.
 *
 * @throws JavaNotFoundError when Java 17+ is not on the PATH.
 * @throws DynamoDbLocalStartError when it exits early or does not answer in time.
 */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  assertJava();
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findPortForSlowStart());
    try {
      return await launch(port, timeoutMs);
    } catch (error) {
      // A free port can be taken between probing and binding; only then is another try worth it.
      if (options.port !== undefined || !isPortTaken(error) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
};

/**
 * Whether a failed start failed because another process had the port: the plain jar says "Could
 * not start server on port", the loopback launcher's Jetty "Address already in use".
 */
export const isPortTaken = (error: unknown): boolean =>
  error instanceof DynamoDbLocalStartError && /could not start server on port|address already in use/i.test(error.message);

const launch = async (port: number, timeoutMs: number): Promise<DynamoDbLocal> => {
  const logFile = path.join(tmpdir(), `shop-dynamodb-local-${process.pid}-${port}.log`);
  const dynamodb = spawnDynamoDbLocal({ port, logFile });
  // Never leave a JVM behind, even when the test runner exits without its teardown.
  const killOnExit = () => dynamodb.killNow();
  process.once('exit', killOnExit);
  let startupMs: number;
  try {
    startupMs = await dynamodb.ready(timeoutMs);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await dynamodb.stop(5000);
    throw error;
  }
  // Let the runner's process end even if the teardown never runs (the exit hook still kills Java).
  dynamodb.unref();
  return {
    endpoint: dynamodb.endpoint,
    port,
    pid: dynamodb.pid as number,
    loopbackOnly: dynamodb.loopbackOnly,
    startupMs,
    logFile,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await dynamodb.stop(5000);
      rmSync(logFile, { force: true });
    },
  };
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

/** The lowest port {@link findPortForSlowStart} picks: below it are the well-known servers' ports. */
const SLOW_START_LOWEST_PORT = 10_000;

/**
 * The OS's ephemeral port range, `[lowest, highest]`: where it picks the ports of `listen(0)` (what
 * {@link findFreePort} and most test helpers use) and of outgoing connections. Linux says so in
 * /proc; elsewhere, IANA's 49152–65535 (macOS's and Windows' default).
 */
export const ephemeralPortRange = (procFile = '/proc/sys/net/ipv4/ip_local_port_range'): [number, number] => {
  try {
    const [lowest, highest] = readFileSync(procFile, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lowest) && Number.isInteger(highest) && lowest > 0 && highest >= lowest) return [lowest, highest];
  } catch {
    // not Linux: the default below
  }
  return [49_152, 65_535];
};

/**
 * A port free on `host` for a server that binds it only seconds later, as DynamoDB Local's JVM
 * does: picked at random below the OS's ephemeral range ({@link ephemeralPortRange}), where neither
 * another process's `listen(0)` nor an outgoing connection can take it in the meantime. With
 * {@link findFreePort}, a local cloud or test started alongside could be handed the same port while
 * the JVM boots (seen with two local clouds at once). Falls back to {@link findFreePort} when that
 * range leaves no room or no try finds a free port.
 */
export const findPortForSlowStart = async (host = DYNAMODB_LOCAL_HOST, tries = 20): Promise<number> => {
  const [ephemeralLowest] = ephemeralPortRange();
  const room = ephemeralLowest - SLOW_START_LOWEST_PORT;
  if (room < 1000) return findFreePort(host);
  for (let attempt = 0; attempt < tries; attempt++) {
    const port = SLOW_START_LOWEST_PORT + Math.floor(Math.random() * room);
    if (await canListen(port, host)) return port;
  }
  return findFreePort(host);
};

const canListen = (port: number, host: string): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
