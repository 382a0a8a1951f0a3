/**
 * The load the benchmarks put on an HTTP endpoint: closed and open loops over keep-alive
 * connections, bounded in count and time, and their latency percentiles.
 */
import http from 'node:http';
import { cpuPerUnit, cpuSnapshot, type TrackedProcesses } from './process-cpu';

/** Sends one request; resolves with the HTTP status. */
export type Send = () => Promise<number>;

/** `GET url` over `agent`, body drained. */
export const getter =
  (url: string, agent: http.Agent): Send =>
  () =>
    new Promise((resolve, reject) => {
      const request = http.get(url, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      request.on('error', reject);
    });

/** `POST url` with fixed headers and body over `agent` (e.g. an AWS JSON-protocol call), body drained. */
export const poster =
  (url: string, agent: http.Agent, headers: Record<string, string>, body: string): Send =>
  () =>
    new Promise((resolve, reject) => {
      const request = http.request(
        url,
        { agent, method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.end(body);
    });

/**
 * One request over `agent` with its body read as text: the benches' client for calls whose answer
 * matters. node:http on a keep-alive agent costs the bench (which shares the cores it measures)
 * about half the CPU of `fetch` per request.
 */
export const exchange = (agent: http.Agent, url: string, method: string, headers: Record<string, string>, body?: string) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = http.request(
      url,
      { agent, method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });

export interface Run {
  latencies: number[];
  errors: number;
  seconds: number;
}

export interface Latencies {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Sends once: `true` for a 200, `false` for any other status or a failed request. */
const succeeds = async (send: Send): Promise<boolean> => {
  try {
    return (await send()) === 200;
  } catch {
    return false;
  }
};

/** Closed loop: each of `concurrency` clients sends its next request when the previous one is answered. */
export async function closedLoop(send: Send, count: number, concurrency: number, maxSeconds: number): Promise<Run> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  const client = async () => {
    while (issued < count && performance.now() < deadline) {
      issued += 1;
      const t0 = performance.now();
      if (!(await succeeds(send))) errors += 1;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

/**
 * Open loop at a fixed rate, spread over `concurrency` clients: request i is due at i/rate s; its
 * latency counts from that due time, so queueing behind a slow request is measured, not hidden.
 */
export async function openLoop(send: Send, rate: number, seconds: number, concurrency: number): Promise<Run> {
  const count = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const client = async () => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      const due = started + (index * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!(await succeeds(send))) errors += 1;
      latencies.push(performance.now() - due);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

/** The median of some samples (the mean of the middle two for an even count). */
export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function summarize(run: Run): Latencies {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  return {
    requests: sorted.length,
    errors: run.errors,
    seconds: run.seconds,
    rps: sorted.length / run.seconds,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Latencies of a load, with the CPU each request cost the `tracked` processes. */
export type Measured = Latencies & { cpuMsPerRequest: ReturnType<typeof cpuPerUnit> };

/** Runs `load` and reads the CPU time of `tracked` around it. */
export async function measureLoad(tracked: TrackedProcesses, load: () => Promise<Run>): Promise<Measured> {
  const before = cpuSnapshot(tracked);
  const latencies = summarize(await load());
  return { ...latencies, cpuMsPerRequest: cpuPerUnit(before, cpuSnapshot(tracked), latencies.requests) };
}
