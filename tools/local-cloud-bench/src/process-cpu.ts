/**
 * CPU time of the local cloud's processes, for the benchmarks: read from /proc (Linux), so that
 * a number like "req/s" comes with what it cost, which tells a slow machine from a slow change.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) used so far, by kind of process: `bench` (this process), `local cloud (node)`, `DynamoDB Local (java)`. */
export type CpuSnapshot = Record<string, number>;

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** How DynamoDB Local's JVM is named in a snapshot. */
export const DYNAMODB_LOCAL = 'DynamoDB Local (java)';

const round = (value: number) => Math.round(value * 100) / 100;

function statOf(pid: number, file = `/proc/${pid}/stat`): { ppid: number; ms: number } {
  const text = readFileSync(file, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
}

/** The local cloud's process and its child processes (DynamoDB Local's JVM), found once. */
export interface TrackedProcesses {
  rootPid: number;
  /** What the root process is called in a snapshot. @default 'local cloud (node)' */
  rootKind?: string;
  children: { pid: number; kind: string }[];
}

/**
 * Finds the child processes of the local cloud (`rootPid`) to follow, so a snapshot reads only
 * their /proc entries: a JVM counts as DynamoDB Local, any other child as part of the root.
 */
export function trackProcesses(rootPid: number, rootKind = 'local cloud (node)'): TrackedProcesses {
  const children: TrackedProcesses['children'] = [];
  if (!existsSync('/proc/self/stat')) return { rootPid, rootKind, children };
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const pid = Number(entry);
      if (statOf(pid).ppid !== rootPid) continue;
      const command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      children.push({ pid, kind: command === 'java' ? DYNAMODB_LOCAL : rootKind });
    } catch {
      // Gone meanwhile.
    }
  }
  return { rootPid, rootKind, children };
}

/** The CPU time of this process, of the local cloud (worker threads included) and of its child processes. */
export function cpuSnapshot(tracked: TrackedProcesses): CpuSnapshot | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const own = process.cpuUsage();
  const snapshot: CpuSnapshot = { bench: (own.user + own.system) / 1000 };
  try {
    snapshot[tracked.rootKind ?? 'local cloud (node)'] = statOf(tracked.rootPid).ms;
  } catch {
    return undefined;
  }
  for (const { pid, kind } of tracked.children) {
    try {
      snapshot[kind] = (snapshot[kind] ?? 0) + statOf(pid).ms;
    } catch {
      // Gone meanwhile: it used what it used until then.
    }
  }
  return snapshot;
}

/**
 * CPU time (ms) so far of the threads of one process, by group: `classify` names a thread's group
 * from its name (`/proc/<pid>/task/<tid>/comm`, at most 15 characters). A thread that has exited
 * no longer counts, so compare two snapshots over a phase where threads live on (warm instances).
 */
export function threadSnapshot(pid: number, classify: (threadName: string) => string): CpuSnapshot | undefined {
  if (!existsSync(`/proc/${pid}/task`)) return undefined;
  const snapshot: CpuSnapshot = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const group = classify(name);
      snapshot[group] = (snapshot[group] ?? 0) + statOf(Number(tid), `/proc/${pid}/task/${tid}/stat`).ms;
    } catch {
      // Exited meanwhile.
    }
  }
  return snapshot;
}

/**
 * Groups the local cloud's threads: its function instances (worker threads named after their
 * function's label, `basket:RouterFunction`), its main thread (gateway, pollers, SQS/SNS, Step
 * Functions), V8's background threads (GC, compilers: shared by every isolate) and the rest
 * (libuv's pool, ...). With `byFunction`, each function's instances are a group of their own,
 * named by the label (Linux keeps the first 15 bytes of a thread's name: labels that share them
 * are counted together).
 */
export function localCloudThreads(functionLabels: string[], options: { byFunction?: boolean } = {}): (threadName: string) => string {
  const functions = new Map(functionLabels.map((label) => [label.slice(0, 15), label]));
  return (threadName) => {
    const label = functions.get(threadName);
    if (label) return options.byFunction ? label : 'functions';
    if (threadName === 'MainThread') return 'main thread';
    if (threadName.startsWith('V8')) return 'V8 background';
    return 'other';
  };
}

/** CPU ms per unit of work (a request, an order) between two snapshots, by process and in total. */
export function cpuPerUnit(start: CpuSnapshot | undefined, end: CpuSnapshot | undefined, units: number) {
  if (!start || !end || units <= 0) return undefined;
  const byProcess = Object.fromEntries(Object.keys(end).map((kind) => [kind, round((end[kind] - (start[kind] ?? 0)) / units)]));
  return { total: round(Object.values(byProcess).reduce((sum, value) => sum + value, 0)), byProcess };
}

/** `3.1 ms (bench 0.3, local cloud (node) 2.1, DynamoDB Local (java) 0.7)` */
export function formatCpu(cpu: ReturnType<typeof cpuPerUnit>): string {
  if (!cpu) return 'not measured (no /proc)';
  return `${cpu.total} ms (${Object.entries(cpu.byProcess)
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ')})`;
}

/**
 * CPU ms this process takes for a fixed piece of work (JSON and SHA-256, like a request's):
 * printed next to the results, because a shared 2-core VM runs the same work up to twice as
 * slowly from one minute to the next, and a result means little without that.
 */
export function referenceWorkMs(): number {
  const item = { name: 'x'.repeat(200), lines: [1, 2, 3, { sku: 'MUG' }], price: { amount: 1299, currency: 'EUR' } };
  const started = process.cpuUsage();
  for (let index = 0; index < 20_000; index += 1) {
    const text = JSON.stringify({ ...item, index });
    createHash('sha256').update(text).digest('hex');
    JSON.parse(text);
  }
  const used = process.cpuUsage(started);
  return round((used.user + used.system) / 1000);
}
