/**
 * `npx nx run local-cloud-bench:bench`: starts the local cloud from the assemblies in dist/apps and
 * measures, on loopback only, with bounded counts:
 * - start-up: from spawning the process to `/_local/health` = 200;
 * - idle memory (RSS of every process: Node with its worker threads, and Java) after start-up and
 *   again after the load;
 * - `GET /products/{sku}` with 10 concurrent keep-alive clients, after `--warmup` (3000) requests
 *   (every function instance is its own V8 isolate that compiles the AWS SDK's hot paths on its
 *   own: the first thousands of requests are slower), twice:
 *   throughput (closed loop: each client sends its next request when the last one is answered) and
 *   latency at a fixed offered rate (open loop, 500 req/s by default, latency measured from the
 *   scheduled send time so a stall is not hidden): p50, p99, errors;
 * - the CPU time per request of each process (local cloud, DynamoDB Local, this client), which
 *   tells a slower or busier machine from a slower local cloud;
 * - the floor (`--no-floor` to skip it): the same loads, in the same minute, on DynamoDB Local
 *   alone and on the function alone called in-process (bench-floor.ts), which is what this machine
 *   allows whatever the local cloud does.
 * Numbers are printed (or --json), not asserted; stops the local cloud and checks nothing is left.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildModel,
  discoverAssemblies,
  freePort,
  issueIdToken,
  loadAssembly,
  loadOrCreateSigningKey,
  localCloudMain,
  workspaceRoot,
} from '@shop/local-cloud';
import { stop, waitForHealth } from './bench-process';
import { measureFloor, type FloorResult } from './bench-floor';
import { measureColdStarts, type ColdStart } from './cold-starts';
import { closedLoop, getter, measureLoad, openLoop, summarize, type Latencies, type Measured } from './load';
import { formatCpu, referenceWorkMs, trackProcesses } from './process-cpu';

const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '10' },
    requests: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '500' },
    'rate-seconds': { type: 'string', default: '10' },
    'max-seconds': { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3000' },
    assemblies: { type: 'string' },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
    floor: { type: 'boolean', default: true },
    'cold-starts': { type: 'boolean', default: true },
    'cold-start-runs': { type: 'string', default: '5' },
    iam: { type: 'string', default: process.env.LOCAL_CLOUD_IAM ?? 'enforce' },
  },
  allowNegative: true,
});

const root = workspaceRoot();
const clients = Number(values.clients);
const total = Number(values.requests);
const maxSeconds = Number(values['max-seconds']);

interface Result {
  /** The local cloud's `--iam` mode during the run (`enforce`, as npm start runs it, by default). */
  iam: string;
  startupMs: number;
  reportedReadyMs?: number;
  throughput: Measured;
  fixedRate: Measured & { offeredRps: number };
  sequential: Latencies;
  idleRssMb: { total: number; byProcess: { pid: number; command: string; rssMb: number }[] };
  afterLoadRssMb: { total: number; byProcess: { pid: number; command: string; rssMb: number }[] };
  leftoverProcesses: number[];
  referenceWorkMs: { before: number; after: number };
  floor?: FloorResult;
  coldStarts?: ColdStart[];
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
    LOCAL_CLOUD_IAM: values.iam,
    ...(values.concurrency ? { LOCAL_CLOUD_CONCURRENCY: values.concurrency } : {}),
  };

  const started = performance.now();
  const child = spawn(process.execPath, [localCloudMain(root)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? 0;
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const health = await waitForHealth(base, child, 60_000);
    const startupMs = performance.now() - started;

    const sku = 'BENCH-0001';
    const token = await adminToken(join(root, assemblies));
    const created = await fetch(`${base}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        sku,
        name: 'Bench mug',
        description: 'A mug to measure with',
        category: 'bench',
        price: { amount: 1299, currency: 'EUR' },
      }),
    });
    if (created.status !== 201) throw new Error(`creating the bench product answered ${created.status}: ${await created.text()}`);

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = rssOfTree(pid);

    const path = `/products/${sku}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    const get = getter(`${base}${path}`, agent);
    await closedLoop(get, Number(values.warmup), clients, maxSeconds);
    const referenceBefore = referenceWorkMs();
    const tracked = trackProcesses(pid);
    const throughput = await measureLoad(tracked, () => closedLoop(get, total, clients, maxSeconds));
    const sequential = summarize(await closedLoop(get, Math.min(1000, total), 1, maxSeconds));
    const rate = Number(values.rate);
    const fixedRate = {
      ...(await measureLoad(tracked, () => openLoop(get, rate, Number(values['rate-seconds']), clients))),
      offeredRps: rate,
    };
    agent.destroy();
    const floor = values.floor
      ? await measureFloor({
          distDir: here,
          workspaceRoot: root,
          assemblies,
          localCloud: base,
          localCloudProcesses: tracked,
          path,
          sku,
          clients,
          warmup: Number(values.warmup),
          requests: total,
          rate,
          rateSeconds: Number(values['rate-seconds']),
          maxSeconds,
        })
      : undefined;
    const coldStarts = values['cold-starts']
      ? measureColdStarts({ distDir: here, assembliesRoot: join(root, assemblies), runs: Number(values['cold-start-runs']) })
      : undefined;
    const referenceWork = { before: referenceBefore, after: referenceWorkMs() };

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const afterLoad = rssOfTree(pid);
    const pids = [pid, ...descendants(pid)];
    await stop(child);
    const leftoverProcesses = pids.filter((id) => existsSync(`/proc/${id}`));

    const result: Result = {
      iam: values.iam,
      startupMs,
      reportedReadyMs: health.readyInMs,
      throughput,
      fixedRate,
      sequential,
      idleRssMb: idle,
      afterLoadRssMb: afterLoad,
      leftoverProcesses,
      referenceWorkMs: referenceWork,
      floor,
      coldStarts,
    };
    print(result);
  } catch (error) {
    process.stderr.write(`bench failed: ${(error as Error).message}\n--- local cloud output ---\n${output.slice(-4000)}\n`);
    await stop(child);
    process.exit(1);
  }
}

async function adminToken(assembliesRoot: string): Promise<string> {
  const stacks = discoverAssemblies(assembliesRoot).flatMap((location) => loadAssembly(location));
  const pool = buildModel(stacks, { sqsEndpoint: 'http://127.0.0.1:0', workDir: join(tmpdir(), 'local-cloud-bench') }).userPools[0];
  const key = await loadOrCreateSigningKey(join(root, '.local-cloud'));
  return issueIdToken(key, {
    username: 'admin',
    groups: ['admin'],
    userPoolId: pool?.id ?? 'us-east-1_local',
    clientId: pool?.clientIds[0] ?? 'local-client',
  });
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

function print(result: Result): void {
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const memory = (label: string, rss: Result['idleRssMb']) => [
    `       ${label}: ${rss.total} MB (${rss.byProcess.map((entry) => `${entry.command} ${entry.rssMb} MB`).join(', ')})`,
  ];
  const { throughput: t, fixedRate: f, sequential: q } = result;
  process.stdout.write(
    [
      '',
      `local cloud benchmark (loopback; --iam ${result.iam}; load average ${loadAverage()} on ${cpus().length} cores at the end)`,
      `  ${mark(result.startupMs <= 5000)} start-up to /_local/health = 200: ${(result.startupMs / 1000).toFixed(2)} s (target <= 5 s; the process reports ${result.reportedReadyMs} ms after its own start)`,
      `  GET /products/{sku} after ${values.warmup} warm-up requests, ${clients} concurrent keep-alive clients:`,
      `  ${mark(t.rps >= 500)} throughput (closed loop, ${t.requests} requests): ${t.rps.toFixed(0)} req/s (target >= 500); p50 ${ms(t.p50)}, p99 ${ms(t.p99)}, ${t.errors} errors`,
      `       CPU per request: ${formatCpu(t.cpuMsPerRequest)}`,
      `       at ${f.offeredRps} req/s offered (open loop, ${f.requests} requests, ${f.rps.toFixed(0)} req/s served):`,
      `  ${mark(f.p50 <= 5)} p50 ${ms(f.p50)} (target <= 5 ms)   p90 ${ms(f.p90)}`,
      `  ${mark(f.p99 <= 25)} p99 ${ms(f.p99)} (target <= 25 ms)   max ${ms(f.max)}`,
      `       CPU per request: ${formatCpu(f.cpuMsPerRequest)}`,
      ...(f.rps < f.offeredRps * 0.95
        ? [`       (the offered rate is above what this machine served: these latencies measure the queue)`]
        : []),
      `       one client at a time (${q.requests} requests): p50 ${ms(q.p50)}, p99 ${ms(q.p99)}, ${q.rps.toFixed(0)} req/s`,
      `  ${mark(t.errors + f.errors + q.errors === 0)} ${t.errors + f.errors + q.errors} errors`,
      ...floorLines(result.floor, f.offeredRps, ms),
      ...floorRatioLines(result, mark),
      ...coldStartLines(result.coldStarts),
      '  memory (RSS, all processes):',
      ...memory('idle after start-up', result.idleRssMb),
      ...memory('idle after the load', result.afterLoadRssMb),
      `  ${mark(result.leftoverProcesses.length === 0)} processes left after SIGTERM: ${result.leftoverProcesses.length ? result.leftoverProcesses.join(', ') : 'none'}`,
      `  machine speed: a reference workload took ${result.referenceWorkMs.before} ms of CPU before the load, ${result.referenceWorkMs.after} ms after (lower is faster; compare runs by it)`,
      '',
    ].join('\n'),
  );
}

function floorLines(floor: FloorResult | undefined, rate: number, ms: (value: number) => string): string[] {
  if (!floor) return [];
  const { dynamodb, handler } = floor;
  return [
    '  floor: the same load in the same minute without the local cloud (nothing local can do better here):',
    `       DynamoDB Local alone, the GetItem sent raw at ${rate} req/s offered: p50 ${ms(dynamodb.fixedRate.p50)}, p99 ${ms(dynamodb.fixedRate.p99)}, max ${ms(dynamodb.fixedRate.max)}, ${dynamodb.fixedRate.errors} errors`,
    `         CPU per request: ${formatCpu(dynamodb.fixedRate.cpuMsPerRequest)}`,
    `       the function alone (${handler.functionName} in-process, ${handler.processes} processes, bare HTTP server):`,
    `         closed loop ${handler.throughput.rps.toFixed(0)} req/s, p50 ${ms(handler.throughput.p50)}, p99 ${ms(handler.throughput.p99)}; CPU per request: ${formatCpu(handler.throughput.cpuMsPerRequest)}`,
    `         at ${rate} req/s offered (${handler.fixedRate.rps.toFixed(0)} served): p50 ${ms(handler.fixedRate.p50)}, p99 ${ms(handler.fixedRate.p99)}, max ${ms(handler.fixedRate.max)}, ${handler.throughput.errors + handler.fixedRate.errors} errors`,
    `         CPU per request: ${formatCpu(handler.fixedRate.cpuMsPerRequest)}`,
  ];
}

/** CPU per request without this bench's own client: what serving a GET cost the machine. */
const servingCpu = (cpu: Measured['cpuMsPerRequest']) => (cpu ? cpu.total - (cpu.byProcess.bench ?? 0) : undefined);

/**
 * The local cloud against its floor (the function alone), in the same run: CPU per GET (the
 * bench's client left out) in the closed loop and at the offered rate, and closed-loop throughput
 * (issue 14's targets: at most 1.10× the CPU, at least 85% of the throughput).
 */
function floorRatioLines(result: Result, mark: (ok: boolean) => string): string[] {
  const handler = result.floor?.handler;
  if (!handler) return [];
  const ratio = (local: Measured, floor: Measured) => {
    const [a, b] = [servingCpu(local.cpuMsPerRequest), servingCpu(floor.cpuMsPerRequest)];
    return a !== undefined && b ? a / b : undefined;
  };
  const closed = ratio(result.throughput, handler.throughput);
  const fixed = ratio(result.fixedRate, handler.fixedRate);
  const share = result.throughput.rps / handler.throughput.rps;
  const shown = (value: number | undefined) => (value === undefined ? 'not measured (no /proc)' : `${value.toFixed(2)}×`);
  return [
    '  the local cloud / its floor (the function alone), same run:',
    `  ${mark(closed !== undefined && closed <= 1.1)} CPU per GET (the bench's client left out), closed loop: ${shown(closed)} (target <= 1.10×)`,
    `  ${mark(fixed !== undefined && fixed <= 1.1)} CPU per GET at ${result.fixedRate.offeredRps} req/s offered: ${shown(fixed)} (target <= 1.10×)`,
    `  ${mark(share >= 0.85)} closed-loop throughput: ${(share * 100).toFixed(0)}% of the floor's (target >= 85%)`,
  ];
}

function coldStartLines(coldStarts: ColdStart[] | undefined): string[] {
  if (!coldStarts) return [];
  const [empty, ...functions] = coldStarts;
  const runs = empty.initMs.length;
  return [
    `  cold starts: each API function's init (its bundle loaded in a fresh Node.js process, as at a cold start; median of ${runs}) next to an empty handler's:`,
    `       ${empty.label}: ${empty.medianMs.toFixed(1)} ms`,
    ...functions.map(
      (fn) =>
        `       ${fn.label} (bundle ${fn.bundleKb} KB): ${fn.medianMs.toFixed(1)} ms, the empty handler +${(fn.medianMs - empty.medianMs).toFixed(1)} ms`,
    ),
  ];
}

const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');

void main();
