import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { cpuPerUnit, cpuSnapshot, formatCpu, localCloudThreads, referenceWorkMs, threadSnapshot, trackProcesses } from './process-cpu';

describe('cpuPerUnit', () => {
  it('divides what each process used between two snapshots by the units of work, and totals it', () => {
    const start = { bench: 100, 'local cloud (node)': 1000, 'DynamoDB Local (java)': 500 };
    const end = { bench: 130, 'local cloud (node)': 1400, 'DynamoDB Local (java)': 650 };
    expect(cpuPerUnit(start, end, 100)).toEqual({
      total: 5.8,
      byProcess: { bench: 0.3, 'local cloud (node)': 4, 'DynamoDB Local (java)': 1.5 },
    });
  });

  it('counts a process that appeared during the run from zero', () => {
    expect(cpuPerUnit({ bench: 0 }, { bench: 10, java: 40 }, 10)).toEqual({ total: 5, byProcess: { bench: 1, java: 4 } });
  });

  it('has nothing to say without both snapshots or without work', () => {
    expect(cpuPerUnit(undefined, { bench: 1 }, 1)).toBeUndefined();
    expect(cpuPerUnit({ bench: 1 }, { bench: 2 }, 0)).toBeUndefined();
  });
});

describe('formatCpu', () => {
  it('prints the total and each process', () => {
    expect(formatCpu({ total: 5.8, byProcess: { bench: 0.3, node: 4, java: 1.5 } })).toBe('5.8 ms (bench 0.3, node 4, java 1.5)');
    expect(formatCpu(undefined)).toBe('not measured (no /proc)');
  });
});

const onLinux = process.platform === 'linux' ? it : it.skip; // /proc is Linux's

describe('cpuSnapshot', () => {
  onLinux('reads the CPU time of a running process from /proc', () => {
    const tracked = trackProcesses(process.pid);
    const before = cpuSnapshot(tracked);
    referenceWorkMs();
    const after = cpuSnapshot(tracked);
    expect(before?.['local cloud (node)']).toBeGreaterThanOrEqual(0);
    expect(after?.bench).toBeGreaterThan(before?.bench ?? Number.POSITIVE_INFINITY);
  });

  onLinux('counts a child process that is not a JVM as part of the root, under the name given', async () => {
    // The child burns 300 ms of its own CPU time (not of wall time: the machine may be busy), then says so.
    const child = spawn(process.execPath, [
      '-e',
      'while (process.cpuUsage().user + process.cpuUsage().system < 300000); process.stdout.write("burnt"); setTimeout(() => {}, 10000)',
    ]);
    try {
      await new Promise((resolve, reject) => {
        child.stdout.once('data', resolve);
        child.once('exit', reject);
      });
      const tracked = trackProcesses(process.pid, 'floor (node)');
      expect(tracked.children).toContainEqual({ pid: child.pid, kind: 'floor (node)' });
      const withChild = cpuSnapshot(tracked)?.['floor (node)'] ?? 0;
      const rootOnly = cpuSnapshot({ ...tracked, children: [] })?.['floor (node)'] ?? 0;
      expect(withChild - rootOnly).toBeGreaterThanOrEqual(200); // the child's 300 ms busy loop
    } finally {
      child.kill();
    }
  });

  onLinux('has nothing to say about a process that is gone', () => {
    expect(cpuSnapshot(trackProcesses(2 ** 22 + 12345))).toBeUndefined();
  });
});

describe('threadSnapshot', () => {
  onLinux('adds up the CPU time of the threads of each group, a worker thread by its name', async () => {
    // The worker burns 300 ms of its own thread's CPU time (not of wall time), then says so.
    const worker = new Worker(
      "const { parentPort } = require('node:worker_threads'); const used = () => { const { user, system } = process.threadCpuUsage(); return user + system; }; while (used() < 300000); parentPort.postMessage('burnt'); setTimeout(() => {}, 10000);",
      { eval: true, name: 'product:RouterFunction' },
    );
    try {
      await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const snapshot = threadSnapshot(process.pid, localCloudThreads(['product:RouterFunction']));
      expect(snapshot?.functions).toBeGreaterThanOrEqual(200); // the worker's 300 ms busy loop
      expect(snapshot?.['main thread']).toBeGreaterThan(0);
    } finally {
      await worker.terminate();
    }
  });

  onLinux('has nothing to say about a process that is gone', () => {
    expect(threadSnapshot(2 ** 22 + 12345, () => 'any')).toBeUndefined();
  });
});

describe('localCloudThreads', () => {
  it("tells function instances (Linux keeps 15 bytes of a thread's name), the main thread and V8's threads apart", () => {
    const classify = localCloudThreads(['basket:RouterFunction', 'order:PlaceOrderFunction']);
    expect(classify('basket:RouterFu')).toBe('functions');
    expect(classify('order:PlaceOrde')).toBe('functions');
    expect(classify('payment:ChargeP')).toBe('other');
    expect(classify('MainThread')).toBe('main thread');
    expect(classify('V8Worker')).toBe('V8 background');
    expect(classify('libuv-worker')).toBe('other');
  });

  it('names each function by its label when asked to split the functions', () => {
    const classify = localCloudThreads(['basket:RouterFunction', 'order:PlaceOrderFunction'], { byFunction: true });
    expect(classify('basket:RouterFu')).toBe('basket:RouterFunction');
    expect(classify('order:PlaceOrde')).toBe('order:PlaceOrderFunction');
    expect(classify('MainThread')).toBe('main thread');
  });
});

describe('referenceWorkMs', () => {
  it('takes some CPU time, every time the same work', () => {
    expect(referenceWorkMs()).toBeGreaterThan(0);
  });
});
