/**
 * `npx nx run local-cloud-bench:bench-checkout`: the shop's checkout measured end to end through the
 * local cloud started from every service's assembly (dist/apps), on 127.0.0.1 only, bounded in
 * count and time:
 * - `--customers` (10) customers in a closed loop, each: put a line in the basket, check out
 *   (tok_approve), poll `GET /orders/{id}` from `--first-poll-ms` (200) after the 202, every
 *   `--poll-ms` (100), until the order leaves PENDING, repeat (a checkout page that waits a moment
 *   before it asks: the saga's three steps take longer than that, so a poll at once only costs).
 *   A customer alternates between two skus of its own. The basket removes an order's lines when
 *   OrderConfirmed reaches it, often after the customer has seen CONFIRMED: an order may carry
 *   the previous sku's line too, when its removal has not arrived yet, as a real basket would (a
 *   line the customer set after the checkout stays; a checkout that still finds the basket empty
 *   is answered 422, counted as a re-put, and tried again once; a checkout answered 409 because
 *   the basket still holds the previous order, one order at a time, until its OrderConfirmed
 *   reaches basket, waits for `GET /basket` to show no `pendingOrderId` and is tried again once);
 * - `--orders` (300, at least 200) measured orders after `--warmup` (1000) unmeasured ones: the
 *   local cloud runs every function instance in its own V8 isolate, and each one compiles the AWS
 *   SDK's hot paths on its own, DynamoDB Local's JVM too, so the first several hundred orders cost
 *   more CPU (JIT warm-up; the progress lines on stderr show it fall); "sustained" is after it;
 * - CPU time per confirmed order of each process (the local cloud's Node process with its worker
 *   threads, DynamoDB Local's JVM, this bench) over the measured phase, read from /proc, and the
 *   Node process's split by thread (function instances, main thread, V8's background threads):
 *   the functions' own work plus DynamoDB Local is what this machine must do for an order whatever
 *   the local cloud does around it;
 * - latency checkout → CONFIRMED: `observed` (from sending the checkout to the poll that saw
 *   CONFIRMED, so it includes up to one poll interval) and `recorded` (from sending the checkout to
 *   the CONFIRMED entry's `at` in the order's status history: same machine, same clock);
 * - sustained confirmed orders per second over the measured phase;
 * - lost orders: a 202 whose order has not ended CONFIRMED or CANCELLED within `--drain-seconds`.
 * Numbers are printed (or `--json`), not asserted; exits 1 if any order was lost.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTROL_SECRET_HEADER, freePort, localCloudMain, readControlSecret, workspaceRoot } from '@shop/local-cloud';
import { stop, waitForHealth } from './bench-process';
import { exchange } from './load';
import {
  cpuPerUnit,
  cpuSnapshot,
  DYNAMODB_LOCAL,
  formatCpu,
  localCloudThreads,
  referenceWorkMs,
  threadSnapshot,
  trackProcesses,
  type CpuSnapshot,
} from './process-cpu';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '10' },
    orders: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '1000' },
    'poll-ms': { type: 'string', default: '100' },
    'first-poll-ms': { type: 'string', default: '200' },
    'max-seconds': { type: 'string', default: '240' },
    'drain-seconds': { type: 'string', default: '30' },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'progress-seconds': { type: 'string', default: '10' },
    iam: { type: 'string', default: process.env.LOCAL_CLOUD_IAM ?? 'enforce' },
  },
});

const root = workspaceRoot();
const customers = Number(values.customers);
const measured = Math.max(200, Number(values.orders));
const warmup = Number(values.warmup);
const pollMs = Number(values['poll-ms']);
const firstPollMs = Number(values['first-poll-ms']);
const maxSeconds = Number(values['max-seconds']);
const drainSeconds = Number(values['drain-seconds']);
const progressSeconds = Number(values['progress-seconds']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  orderId: string;
  customer: string;
  sentAt: number;
  sentAtEpoch: number;
  status?: string;
  reason?: string;
  observedMs?: number;
  recordedMs?: number;
  /** `GET /orders/{id}` sent until the order left PENDING. */
  polls: number;
  measured: boolean;
}

interface OrderView {
  status: string;
  cancellationReason?: string;
  statusHistory: { status: string; at: string }[];
}

async function main(): Promise<void> {
  const main = localCloudMain(root);
  if (!existsSync(main)) throw new Error(`${main} is missing: npx nx run local-cloud:build`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // `--cpu-prof <dir>`: V8 CPU profiles of the local cloud, one per thread (each function instance too)
  const profile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  const stateDir = mkdtempSync(join(tmpdir(), 'shop-checkout-bench-'));
  const child = spawn(
    process.execPath,
    [...profile, main, '--no-seed', '--function-logs', 'errors', '--log-level', 'warn', '--iam', values.iam],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        LOCAL_CLOUD_STATE_DIR: stateDir,
        LOCAL_CLOUD_SERVICES: 'platform,product,inventory,payment,order,basket,shipping',
        ...(values.concurrency ? { LOCAL_CLOUD_CONCURRENCY: values.concurrency } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const agent = new http.Agent({ keepAlive: true });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitForHealth(base, child, 90_000, 100);
    const tokens = new Map<string, string>();
    const token = async (username: string, groups: string[] = []) => {
      const cached = tokens.get(username);
      if (cached) return cached;
      const response = await fetch(`${base}/_local/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CONTROL_SECRET_HEADER]: readControlSecret(stateDir) },
        body: JSON.stringify({ username, groups }),
      });
      if (!response.ok) throw new Error(`POST /_local/tokens answered ${response.status}: ${await response.text()}`);
      const { token: issued } = (await response.json()) as { token: string };
      tokens.set(username, issued);
      return issued;
    };
    const call = async <T>(method: string, path: string, user: string, body?: unknown, headers: Record<string, string> = {}) => {
      const authorization = `Bearer ${await token(user, user === 'bench-admin' ? ['admin'] : [])}`;
      const { status, text } = await exchange(
        agent,
        `${base}${path}`,
        method,
        { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body === undefined ? undefined : JSON.stringify(body),
      );
      return { status, body: (text ? JSON.parse(text) : undefined) as T, text };
    };

    // two skus per customer (no contention on one stock item: this measures the pipeline), stock for every order
    const run = Date.now().toString(36).toUpperCase();
    const names = Array.from({ length: customers }, (_, n) => `bench-customer-${run.toLowerCase()}-${n}`);
    const skusOf = names.map((_, n) => [`BENCH-${run}-${n}-A`, `BENCH-${run}-${n}-B`]);
    for (const sku of skusOf.flat()) {
      const created = await call('POST', '/products', 'bench-admin', {
        sku,
        name: `Bench item ${sku}`,
        description: 'For the checkout bench',
        category: 'bench',
        price: { amount: 1299, currency: 'EUR' },
      });
      if (created.status !== 201) throw new Error(`POST /products answered ${created.status}: ${created.text}`);
      const stocked = await call('PUT', `/inventory/${sku}`, 'bench-admin', { available: 100_000 }, { 'if-none-match': '*' });
      if (stocked.status !== 201) throw new Error(`PUT /inventory answered ${stocked.status}: ${stocked.text}`);
    }
    // the basket's read model is fed by ProductChanged: wait until it knows every sku
    await Promise.all(
      names.flatMap((name, n) =>
        skusOf[n].map(async (sku) => {
          const deadline = Date.now() + 30_000;
          while ((await call('PUT', `/basket/items/${sku}`, name, { quantity: 1 })).status === 422) {
            if (Date.now() > deadline) throw new Error(`basket never learned ${sku}`);
            await sleep(50);
          }
        }),
      ),
    );
    // start from empty baskets: each order puts its own line in
    await Promise.all(names.flatMap((name, n) => skusOf[n].map((sku) => call('DELETE', `/basket/items/${sku}`, name))));

    const outcomes: Outcome[] = [];
    let issued = 0;
    let basketRetries = 0;
    let lockWaits = 0;
    let errors = 0;
    const target = warmup + measured;
    const hardDeadline = Date.now() + maxSeconds * 1000;
    let measureStart = 0;
    let measureEnd = 0;
    let measuredConfirmed = 0;
    const tracked = trackProcesses(child.pid ?? 0);
    let cpuAtStart: CpuSnapshot | undefined;
    let cpuAtEnd: CpuSnapshot | undefined;
    // The local cloud's threads by group, read at the measured phase's start and after the last order.
    const resources = (await (await fetch(`${base}/_local/resources`)).json()) as { functions: { label: string }[] };
    const classifyThread = localCloudThreads(resources.functions.map((fn) => fn.label));
    const byFunction = localCloudThreads(
      resources.functions.map((fn) => fn.label),
      { byFunction: true },
    );
    let threadsAtStart: CpuSnapshot | undefined;
    let functionsAtStart: CpuSnapshot | undefined;

    const loop = async (n: number) => {
      const name = names[n];
      for (let round = 0; issued < target && Date.now() < hardDeadline; round += 1) {
        const index = issued++;
        const isMeasured = index >= warmup;
        if (isMeasured && measureStart === 0) {
          measureStart = performance.now();
          cpuAtStart = cpuSnapshot(tracked);
          threadsAtStart = threadSnapshot(child.pid ?? 0, classifyThread);
          functionsAtStart = threadSnapshot(child.pid ?? 0, byFunction);
        }
        const sku = skusOf[n][round % 2];
        const put = await call('PUT', `/basket/items/${sku}`, name, { quantity: 1 });
        if (put.status !== 200) {
          errors++;
          continue;
        }
        let sentAt = performance.now();
        let sentAtEpoch = Date.now();
        let answer = await call<{ orderId: string }>(
          'POST',
          '/basket/checkout',
          name,
          {
            paymentToken: 'tok_approve',
            shippingAddress: { name: 'Bench', line1: '1 Loop Road', city: 'Perf', postalCode: '12345', country: 'GB' },
          },
          { 'Idempotency-Key': randomUUID() },
        );
        if (answer.status === 409) {
          // The basket still holds the previous order (one order at a time) until its OrderConfirmed
          // reaches basket: wait for the lock to go, as a checkout page would, then check out again.
          lockWaits++;
          const lockDeadline = Date.now() + drainSeconds * 1000;
          while (Date.now() < lockDeadline && (await call<{ pendingOrderId?: string }>('GET', '/basket', name)).body.pendingOrderId)
            await sleep(pollMs);
          await call('PUT', `/basket/items/${sku}`, name, { quantity: 1 });
          // The order's latency counts from the checkout that placed it, not from the wait.
          sentAt = performance.now();
          sentAtEpoch = Date.now();
          answer = await call(
            'POST',
            '/basket/checkout',
            name,
            {
              paymentToken: 'tok_approve',
              shippingAddress: { name: 'Bench', line1: '1 Loop Road', city: 'Perf', postalCode: '12345', country: 'GB' },
            },
            { 'Idempotency-Key': randomUUID() },
          );
        }
        if (answer.status === 422) {
          // an OrderConfirmed removed the line between the PUT and the checkout: put it back once
          basketRetries++;
          await call('PUT', `/basket/items/${sku}`, name, { quantity: 1 });
          answer = await call(
            'POST',
            '/basket/checkout',
            name,
            {
              paymentToken: 'tok_approve',
              shippingAddress: { name: 'Bench', line1: '1 Loop Road', city: 'Perf', postalCode: '12345', country: 'GB' },
            },
            { 'Idempotency-Key': randomUUID() },
          );
        }
        if (answer.status !== 202) {
          errors++;
          continue;
        }
        const outcome: Outcome = { orderId: answer.body.orderId, customer: name, sentAt, sentAtEpoch, polls: 0, measured: isMeasured };
        outcomes.push(outcome);
        const pollDeadline = Date.now() + drainSeconds * 1000;
        await sleep(firstPollMs);
        while (Date.now() < pollDeadline) {
          const read = await call<OrderView>('GET', `/orders/${outcome.orderId}`, name);
          outcome.polls++;
          if (read.status === 200 && read.body.status !== 'PENDING') {
            outcome.status = read.body.status;
            outcome.reason = read.body.cancellationReason;
            outcome.observedMs = performance.now() - sentAt;
            const final = read.body.statusHistory.find((entry) => entry.status === read.body.status);
            if (final) outcome.recordedMs = Date.parse(final.at) - sentAtEpoch;
            break;
          }
          await sleep(pollMs);
        }
        if (isMeasured && outcome.status === 'CONFIRMED') {
          measuredConfirmed++;
          measureEnd = performance.now();
          cpuAtEnd = cpuSnapshot(tracked);
        }
      }
    };
    const referenceBefore = referenceWorkMs();
    const started = performance.now();
    // Progress on stderr (the results stay alone on stdout): orders done, and the last interval's
    // rate and CPU per order, so the warm-up's end shows.
    let last = { at: started, done: 0, cpu: cpuSnapshot(tracked) };
    const progress = setInterval(() => {
      const at = performance.now();
      const done = outcomes.filter((outcome) => outcome.status).length;
      const cpu = cpuSnapshot(tracked);
      const spent = cpuPerUnit(last.cpu, cpu, done - last.done);
      const phase = issued <= warmup ? `warm-up ${Math.min(issued, warmup)}/${warmup}` : `measured ${issued - warmup}/${measured}`;
      console.error(
        `  ${((at - started) / 1000).toFixed(0)} s: ${phase} orders sent, ${done} done; last ${((at - last.at) / 1000).toFixed(0)} s: ${round((done - last.done) / ((at - last.at) / 1000))} orders/s, ${spent ? `${spent.total} ms` : '-'} CPU per order`,
      );
      last = { at, done, cpu };
    }, progressSeconds * 1000);
    await Promise.all(names.map((_, n) => loop(n))).finally(() => clearInterval(progress));
    const wallSeconds = (performance.now() - started) / 1000;
    const threadShares = shares(threadsAtStart, threadSnapshot(child.pid ?? 0, classifyThread));
    const functionShares = shares(functionsAtStart, threadSnapshot(child.pid ?? 0, byFunction));

    // anything still PENDING gets a last look (bounded) before it is called lost
    for (const outcome of outcomes.filter((candidate) => !candidate.status)) {
      const read = await call<OrderView>('GET', `/orders/${outcome.orderId}`, outcome.customer);
      if (read.status === 200 && read.body.status !== 'PENDING') outcome.status = read.body.status;
    }
    const inPhase = outcomes.filter((outcome) => outcome.measured);
    const confirmed = inPhase.filter((outcome) => outcome.status === 'CONFIRMED');
    const result = {
      iam: values.iam,
      customers,
      ordersAccepted: outcomes.length,
      measuredOrders: inPhase.length,
      confirmed: confirmed.length,
      cancelled: inPhase.filter((outcome) => outcome.status === 'CANCELLED').length,
      needsAttention: outcomes.filter((outcome) => outcome.status === 'NEEDS_ATTENTION').length,
      lost: outcomes.filter((outcome) => outcome.status !== 'CONFIRMED' && outcome.status !== 'CANCELLED').length,
      requestErrors: errors,
      basketRetries,
      lockWaits,
      latencyObservedMs: percentiles(confirmed.map((outcome) => outcome.observedMs ?? 0)),
      latencyRecordedMs: percentiles(confirmed.flatMap((outcome) => (outcome.recordedMs === undefined ? [] : [outcome.recordedMs]))),
      confirmedPerSecond: measureEnd > measureStart ? round(measuredConfirmed / ((measureEnd - measureStart) / 1000)) : 0,
      wallSeconds: round(wallSeconds),
      warmupOrders: warmup,
      referenceWorkMs: { before: referenceBefore, after: referenceWorkMs() },
      cpuMsPerConfirmedOrder: cpuPerUnit(cpuAtStart, cpuAtEnd, measuredConfirmed),
      localCloudThreadShares: threadShares,
      pollMs,
      firstPollMs,
      pollsPerOrder: confirmed.length ? round(confirmed.reduce((sum, outcome) => sum + outcome.polls, 0) / confirmed.length) : 0,
      machine: { cpus: cpus().length, loadavg: loadavg().map(round) },
    };
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(
        `checkout → CONFIRMED through the local cloud, ${customers} concurrent customers, ${result.measuredOrders} measured orders (+${warmup} warm-up), --iam ${values.iam}, ${cpus().length} cores`,
      );
      console.log(
        `  latency observed (send → poll saw CONFIRMED, polls from ${firstPollMs} ms every ${pollMs} ms): p50 ${result.latencyObservedMs.p50} ms  p95 ${result.latencyObservedMs.p95} ms  p99 ${result.latencyObservedMs.p99} ms  max ${result.latencyObservedMs.max} ms`,
      );
      console.log(
        `  latency recorded (send → CONFIRMED in status history):      p50 ${result.latencyRecordedMs.p50} ms  p95 ${result.latencyRecordedMs.p95} ms  p99 ${result.latencyRecordedMs.p99} ms  max ${result.latencyRecordedMs.max} ms`,
      );
      console.log(
        `  sustained: ${result.confirmedPerSecond} confirmed orders/s   (${result.confirmed} confirmed, ${result.cancelled} cancelled, ${result.needsAttention} needs attention, ${result.lost} lost, ${errors} request errors, ${basketRetries} basket re-puts, ${lockWaits} waits for the basket's previous order, ${result.pollsPerOrder} polls per order; ${result.wallSeconds} s)`,
      );
      console.log(
        `  CPU per confirmed order: ${formatCpu(result.cpuMsPerConfirmedOrder)} on ${cpus().length} cores, load average ${loadavg()
          .map((value) => value.toFixed(1))
          .join(' ')}`,
      );
      const nodeMs = result.cpuMsPerConfirmedOrder?.byProcess['local cloud (node)'];
      const javaMs = result.cpuMsPerConfirmedOrder?.byProcess[DYNAMODB_LOCAL];
      if (threadShares && nodeMs !== undefined && javaMs !== undefined) {
        const byGroup = Object.fromEntries(Object.entries(threadShares).map(([group, share]) => [group, round(share * nodeMs)]));
        console.log(
          `    local cloud (node) by thread: ${Object.entries(byGroup)
            .sort(([, a], [, b]) => b - a)
            .map(([group, ms]) => `${group} ${ms}`)
            .join(', ')} (ms per order; V8's background threads work for every isolate)`,
        );
        if (functionShares) {
          const groups = new Set(Object.keys(threadShares));
          const perFunction = Object.entries(functionShares)
            .filter(([name, share]) => !groups.has(name) && share > 0)
            .sort(([, a], [, b]) => b - a);
          console.log(
            `    functions by name: ${perFunction.map(([name, share]) => `${name} ${round(share * nodeMs)}`).join(', ')} (ms per order)`,
          );
        }
        const own = round((byGroup.functions ?? 0) + javaMs);
        const orderTarget = 20; // the issue's target
        console.log(
          `    the functions' own work and DynamoDB Local: ${own} ms per order; ${orderTarget} orders/s would keep ${((own * orderTarget) / 1000).toFixed(2)} of the ${cpus().length} cores busy with those alone`,
        );
      }
      console.log(
        `  machine speed: a reference workload took ${result.referenceWorkMs.before} ms of CPU before the run, ${result.referenceWorkMs.after} ms after (lower is faster; compare runs by it)`,
      );
    }
    if (result.lost > 0) process.exitCode = 1;
  } catch (error) {
    console.error(output.slice(-5000));
    throw error;
  } finally {
    agent.destroy();
    await stop(child);
  }
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Each group's share of the CPU time between two thread snapshots. */
function shares(start: CpuSnapshot | undefined, end: CpuSnapshot | undefined): Record<string, number> | undefined {
  if (!start || !end) return undefined;
  const used = Object.fromEntries(Object.keys(end).map((group) => [group, Math.max(0, end[group] - (start[group] ?? 0))]));
  const total = Object.values(used).reduce((sum, ms) => sum + ms, 0);
  return total > 0
    ? Object.fromEntries(Object.entries(used).map(([group, ms]) => [group, Math.round((ms / total) * 1000) / 1000]))
    : undefined;
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]) : 0);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
