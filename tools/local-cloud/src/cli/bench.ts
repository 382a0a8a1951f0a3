/**
 * `npx nx run local-cloud:bench` (or `npm run bench:local-cloud`): starts the local cloud from the
 * assemblies in dist/apps, measures the time to `/_local/health` = 200, loads
 * `GET /products/{sku}` with 10 concurrent keep-alive clients for a bounded number of requests,
 * reports p50/p99/req/s/errors and the idle memory of every process (Node and Java), then stops
 * it. Loopback only. Numbers are printed, not asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverAssemblies, loadAssembly } from '../assembly/cloud-assembly';
import { buildModel } from '../assembly/model';
import { issueIdToken, loadOrCreateSigningKey } from '../auth/tokens';
import { workspaceRoot } from './options';

const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '10' },
    requests: { type: 'string', default: '5000' },
    'max-seconds': { type: 'string', default: '30' },
    warmup: { type: 'string', default: '300' },
    assemblies: { type: 'string' },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
  },
});

const root = workspaceRoot();
const clients = Number(values.clients);
const total = Number(values.requests);
const maxSeconds = Number(values['max-seconds']);

interface Result {
  startupMs: number;
  reportedReadyMs?: number;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  idleRssMb: { total: number; byProcess: { pid: number; command: string; rssMb: number }[] };
  leftoverProcesses: number[];
}

async function main(): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const assemblies = values.assemblies ?? 'dist/apps';
  const env = {
    ...process.env,
    PORT: String(port),
    LOCAL_CLOUD_ASSEMBLIES: assemblies,
    LOCAL_CLOUD_FUNCTION_LOGS: 'none',
    LOCAL_CLOUD_LOG_LEVEL: 'warn',
    LOCAL_CLOUD_SEED: 'false',
    ...(values.concurrency ? { LOCAL_CLOUD_CONCURRENCY: values.concurrency } : {}),
  };

  const started = performance.now();
  const child = spawn(process.execPath, [join(here, 'main.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const health = await waitForHealth(base, child, 60_000);
    const startupMs = performance.now() - started;

    const sku = 'BENCH-0001';
    const token = await adminToken(join(root, assemblies));
    const created = await fetch(`${base}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ sku, name: 'Bench mug', description: 'A mug to measure with', category: 'bench', price: { amount: 1299, currency: 'EUR' } }),
    });
    if (created.status !== 201) throw new Error(`creating the bench product answered ${created.status}: ${await created.text()}`);

    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    await load(`${base}/products/${sku}`, agent, Number(values.warmup), clients, maxSeconds);
    const run = await load(`${base}/products/${sku}`, agent, total, clients, maxSeconds);
    agent.destroy();

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = rssOfTree(child.pid!);
    const pids = [child.pid!, ...descendants(child.pid!)];
    await stop(child);
    const leftoverProcesses = pids.filter((pid) => existsSync(`/proc/${pid}`));

    const sorted = run.latencies.sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
    const result: Result = {
      startupMs,
      reportedReadyMs: health.readyInMs,
      requests: run.count,
      errors: run.errors,
      seconds: run.seconds,
      rps: run.count / run.seconds,
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      max: sorted[sorted.length - 1] ?? NaN,
      idleRssMb: idle,
      leftoverProcesses,
    };
    print(result);
  } catch (error) {
    process.stderr.write(`bench failed: ${(error as Error).message}\n--- local cloud output ---\n${output.slice(-4000)}\n`);
    await stop(child);
    process.exit(1);
  }
}

async function waitForHealth(base: string, child: ChildProcess, timeoutMs: number): Promise<{ readyInMs?: number }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the local cloud exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${base}/_local/health`);
      if (response.status === 200) return (await response.json()) as { readyInMs?: number };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('health did not answer 200 in time');
}

async function adminToken(assembliesRoot: string): Promise<string> {
  const stacks = discoverAssemblies(assembliesRoot).flatMap((location) => loadAssembly(location));
  const pool = buildModel(stacks, { sqsEndpoint: 'http://127.0.0.1:0', workDir: join(tmpdir(), 'local-cloud-bench') }).userPools[0];
  const key = await loadOrCreateSigningKey(join(root, '.local-cloud'));
  return issueIdToken(key, { username: 'admin', groups: ['admin'], userPoolId: pool?.id ?? 'us-east-1_local', clientId: pool?.clientIds[0] ?? 'local-client' });
}

function get(url: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
  });
}

async function load(url: string, agent: http.Agent, count: number, concurrency: number, maxSeconds: number) {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  const worker = async () => {
    while (issued < count && performance.now() < deadline) {
      issued += 1;
      const t0 = performance.now();
      try {
        const status = await get(url, agent);
        if (status !== 200) errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, count: latencies.length, errors, seconds: (performance.now() - started) / 1000 };
}

function descendants(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry), ...descendants(Number(entry)));
    } catch {
      // Gone meanwhile.
    }
  }
  return children;
}

function rssOfTree(pid: number) {
  const byProcess = [pid, ...descendants(pid)].map((id) => {
    const status = readFileSync(`/proc/${id}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const command = readFileSync(`/proc/${id}/comm`, 'utf8').trim();
    return { pid: id, command, rssMb: Math.round(rssKb / 102.4) / 10 };
  });
  return { total: Math.round(byProcess.reduce((sum, entry) => sum + entry.rssMb, 0) * 10) / 10, byProcess };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
}

function print(result: Result): void {
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  process.stdout.write(
    [
      '',
      'local cloud benchmark (loopback, this machine)',
      `  ${mark(result.startupMs <= 5000)} start-up to /_local/health = 200: ${(result.startupMs / 1000).toFixed(2)} s (target <= 5 s; the process itself reports ${result.reportedReadyMs} ms)`,
      `  GET /products/{sku}, ${clients} concurrent clients, ${result.requests} requests in ${result.seconds.toFixed(2)} s:`,
      `  ${mark(result.p50 <= 5)} p50 ${ms(result.p50)} (target <= 5 ms)`,
      `       p90 ${ms(result.p90)}`,
      `  ${mark(result.p99 <= 25)} p99 ${ms(result.p99)} (target <= 25 ms)   max ${ms(result.max)}`,
      `  ${mark(result.rps >= 500)} ${result.rps.toFixed(0)} requests/s (target >= 500)`,
      `  ${mark(result.errors === 0)} ${result.errors} errors`,
      `  idle memory (RSS) of the whole local cloud: ${result.idleRssMb.total} MB`,
      ...result.idleRssMb.byProcess.map((entry) => `       ${entry.command} (pid ${entry.pid}): ${entry.rssMb} MB`),
      `  ${mark(result.leftoverProcesses.length === 0)} processes left after SIGTERM: ${result.leftoverProcesses.length ? result.leftoverProcesses.join(', ') : 'none'}`,
      '',
    ].join('\n'),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

void main();
