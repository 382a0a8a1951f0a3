import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PidFileInUseError } from '../errors';
import type { DynamoDbLocalJar } from './java';
import { launcherArgs, QUICK_START_JVM_OPTIONS, spawnDynamoDbLocal } from './spawn-dynamodb-local';

const jar: DynamoDbLocalJar = { dir: '/ddb', file: '/ddb/DynamoDBLocal.jar', cacheDir: '/cache' };
const quiet = { debug: jest.fn(), warn: jest.fn(), error: jest.fn() };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'emulators-spec-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('launcherArgs', () => {
  it('runs the loopback launcher in memory with telemetry off, on the port, with the quick-start JVM flags', () => {
    expect(launcherArgs(jar, '/cache/abc', { port: 8123 })).toEqual([
      ...QUICK_START_JVM_OPTIONS.split(' '),
      '-Djava.library.path=/ddb/DynamoDBLocal_lib',
      '-cp',
      `/ddb/DynamoDBLocal.jar${path.delimiter}/cache/abc`,
      'LoopbackDynamoDbLocal',
      '-inMemory',
      '-disableTelemetry',
      '-port',
      '8123',
    ]);
  });

  it("keeps the JVM's own defaults when given no JVM options", () => {
    expect(launcherArgs(jar, '/cache/abc', { port: 8123, jvmOptions: '' })[0]).toBe('-Djava.library.path=/ddb/DynamoDBLocal_lib');
  });

  it('puts the JVM options first and asks for one shared database when told to', () => {
    const args = launcherArgs(jar, '/cache/abc', { port: 8123, sharedDb: true, jvmOptions: ' -Xshare:auto  -XX:TieredStopAtLevel=1 ' });

    expect(args.slice(0, 2)).toEqual(['-Xshare:auto', '-XX:TieredStopAtLevel=1']);
    expect(args).toContain('-sharedDb');
    expect(args.indexOf('-sharedDb')).toBeGreaterThan(args.indexOf('-inMemory'));
  });

  it('keeps the data in a folder instead of in memory when given a dbPath (made absolute: the JVM runs in the jar folder)', () => {
    const args = launcherArgs(jar, '/cache/abc', { port: 8123, sharedDb: true, dbPath: 'data/dynamodb' });

    expect(args).not.toContain('-inMemory');
    expect(args.slice(args.indexOf('-dbPath'), args.indexOf('-dbPath') + 2)).toEqual(['-dbPath', path.resolve('data/dynamodb')]);
  });
});

describe('spawnDynamoDbLocal', () => {
  it('refuses a pid file whose owner still runs, and leaves the file alone', () => {
    const pidFile = path.join(dir, 'dynamodb-local.pid');
    writeFileSync(pidFile, `999999 ${process.ppid}`);

    expect(() => spawnDynamoDbLocal({ port: 1, pidFile, logger: quiet })).toThrow(PidFileInUseError);
    expect(readFileSync(pidFile, 'utf8')).toBe(`999999 ${process.ppid}`);
  });
});
