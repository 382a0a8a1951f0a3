/**
 * `--persist`: the built local cloud (dist/tools/local-cloud/main.mjs) on the catalog fixture,
 * started, stopped and started again on one state folder: with --persist an item written through
 * the API is read back after the restart and the stream relay does not publish it again; without
 * --persist the same folder gives empty tables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverAssemblies, loadAssembly } from './assembly/cloud-assembly';
import { buildModel } from './assembly/model';
import { issueIdToken, loadOrCreateSigningKey } from './auth/tokens';
import { freePort } from './net';

const ROOT = join(__dirname, '../../..');
const FIXTURES = join(__dirname, '../fixtures/assemblies');
const MAIN = join(ROOT, 'dist/tools/local-cloud/main.mjs');
const NODE = join(ROOT, 'node_modules/.bin/node');

const stateDir = mkdtempSync(join(tmpdir(), 'local-cloud-persist-'));
const pool = buildModel(discoverAssemblies(FIXTURES).flatMap(loadAssembly), { sqsEndpoint: 'http://x', workDir: stateDir }).userPools[0];

interface Run {
  child: ChildProcess;
  base: string;
  output: () => string;
}
const running = new Set<Run>();

/** Starts the local cloud on the fixture and waits until /_local/health answers 200. */
async function start(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const port = await freePort();
  let output = '';
  const child = spawn(NODE, [MAIN, '--no-seed', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      LOCAL_CLOUD_ASSEMBLIES: FIXTURES,
      LOCAL_CLOUD_SERVICES: 'catalog,platform',
      LOCAL_CLOUD_STATE_DIR: stateDir,
      NO_COLOR: '1',
      // A DynamoDB Local of its own (what --persist needs), not the run's shared one.
      LOCAL_CLOUD_DYNAMODB_ENDPOINT: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const run = { child, base: `http://127.0.0.1:${port}`, output: () => output };
  running.add(run);
  const deadline = Date.now() + 45_000;
  while (
    (await fetch(`${run.base}/_local/health`).then(
      (response) => response.status,
      () => 0,
    )) !== 200
  ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the local cloud did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return run;
}

/** Stops it as Ctrl-C would and waits for the process to exit. */
async function stop(run: Run): Promise<void> {
  if (run.child.exitCode === null) {
    const exited = new Promise((resolve) => run.child.once('exit', resolve));
    run.child.kill('SIGTERM');
    await exited;
  }
  running.delete(run);
}

/** Waits (15 s at most) for a line of the run's output. */
async function until(run: Run, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!pattern.test(run.output())) {
    if (Date.now() > deadline) throw new Error(`no line matches ${pattern}:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How many stream records the run's relay (PublisherFunction) was invoked with, from its lines (`stream×<n>`). */
const recordsRelayed = (run: Run) =>
  [...run.output().matchAll(/catalog:PublisherFunction ok .* stream×(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);

const admin = async () =>
  issueIdToken(await loadOrCreateSigningKey(stateDir), {
    username: 'admin',
    groups: ['admin'],
    userPoolId: pool.id,
    clientId: pool.clientIds[0],
  });

const readItem = async (run: Run, id: string) => {
  const response = await fetch(`${run.base}/catalog/${id}`);
  return { status: response.status, body: (await response.json()) as unknown };
};

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx nx run local-cloud:build first`);
});

afterAll(async () => {
  for (const run of running) if (run.child.exitCode === null) run.child.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('--persist', () => {
  it('keeps the tables and the stream positions across a restart; without it the same folder starts empty', async () => {
    const first = await start(['--persist']);
    try {
      expect(first.output()).toContain(`--persist: tables and stream positions kept in ${join(stateDir, 'data')}`);
      const created = await fetch(`${first.base}/catalog`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await admin()}`, 'content-type': 'application/json', 'x-correlation-id': 'cid-kept' },
        body: JSON.stringify({ id: 'KEPT1', name: 'kept mug' }),
      });
      expect(created.status).toBe(201);
      // The table stream's relay published it; the queue consumer wrote its audit item and the topic's
      // subscriber its notify item, two more stream records the relay reads: wait until it has read
      // all three (a pause in its output is no proof under load), then until its output is quiet.
      await until(first, /catalog:PublisherFunction ok .* stream×1 cid=cid-kept/);
      await until(first, /catalog:AuditFunction ok .* cid=cid-kept/);
      const deadline = Date.now() + 45_000;
      while (recordsRelayed(first) < 3) {
        if (Date.now() > deadline) throw new Error(`the relay read ${recordsRelayed(first)} of 3 records:\n${first.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      let relayed = -1;
      while (relayed !== (first.output().match(/catalog:PublisherFunction ok/g) ?? []).length) {
        relayed = (first.output().match(/catalog:PublisherFunction ok/g) ?? []).length;
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
    } finally {
      await stop(first);
    }
    expect(existsSync(join(stateDir, 'data/dynamodb'))).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(join(stateDir, 'data/stream-checkpoints.json'), 'utf8')) as object)).not.toHaveLength(0);

    const second = await start(['--persist']);
    try {
      expect(second.output()).toContain(`--persist: tables and stream positions from ${join(stateDir, 'data')}`);
      expect(await readItem(second, 'KEPT1')).toEqual({ status: 200, body: { id: 'KEPT1', name: 'kept mug' } });
      // The relay goes on after the record it had published: nothing read twice.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(second.output()).not.toMatch(/catalog:PublisherFunction ok .* stream/);
    } finally {
      await stop(second);
    }

    const inMemory = await start([]);
    try {
      expect(await readItem(inMemory, 'KEPT1')).toEqual({ status: 404, body: { message: 'not found' } });
    } finally {
      await stop(inMemory);
    }
    // The kept data is still there for the next --persist.
    const third = await start(['--persist']);
    try {
      expect((await readItem(third, 'KEPT1')).status).toBe(200);
    } finally {
      await stop(third);
    }
  }, 240_000);

  it('refuses to run on a DynamoDB Local that runs already (LOCAL_CLOUD_DYNAMODB_ENDPOINT), saying why', async () => {
    const refused = start(['--persist'], { LOCAL_CLOUD_DYNAMODB_ENDPOINT: 'http://127.0.0.1:1' });
    await expect(refused).rejects.toThrow(/--persist keeps the tables in a DynamoDB Local of its own: unset LOCAL_CLOUD_DYNAMODB_ENDPOINT/);
  });
});
