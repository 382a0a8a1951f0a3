/**
 * The watch-mode bench (`nx run local-cloud-bench:bench-dev`): starts the built local cloud in
 * watch mode (`--watch`, what `npm run dev` runs) on the product and platform assemblies, in a
 * scratch copy of the workspace (the checkout is never edited), then edits a source file of
 * product's router again and again (the message of its not-found error, in
 * apps/product/src/domain/errors.ts) and times each save until `GET /products/<unknown sku>`
 * answers with the new message: rebundling, the swap and the new instance's cold start included.
 * Prints each iteration, the median and the max; the target is 2 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDevScratch, freePort, localCloudMain, workspaceRoot } from '@shop/local-cloud';
import { stop, waitForHealth } from './bench-process';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '8' },
    'pause-ms': { type: 'string', default: '1500' },
    json: { type: 'boolean', default: false },
  },
});
const iterations = Number(values.iterations);
const pauseMs = Number(values['pause-ms']);
const TARGET_MS = 2000;

const root = workspaceRoot();
const EDITED = 'apps/product/src/domain/errors.ts';
const original = readFileSync(join(root, EDITED), 'utf8');
const MARK = 'does not exist.`';
if (!original.includes(MARK)) throw new Error(`${EDITED} no longer holds ${MARK}: point the bench at another line`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function detail(base: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${base}/products/NO-SUCH-SKU`);
    return ((await response.json()) as { detail?: string }).detail;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-dev-'));
  const scratch = createDevScratch(root, ['product', 'platform']);
  const file = join(scratch.root, EDITED);
  let output = '';
  const child = spawn(process.execPath, [localCloudMain(root), '--no-seed', '--watch'], {
    cwd: scratch.root,
    env: { ...scratch.env, PORT: String(port), LOCAL_CLOUD_SERVICES: 'platform,product', LOCAL_CLOUD_STATE_DIR: stateDir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const interrupted = () => {
    child.kill('SIGTERM');
    scratch.dispose();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const results: { saveToAnswerMs: number; log: string }[] = [];
  try {
    await waitForHealth(base, child, 120_000);
    const deadline = Date.now() + 120_000;
    while (!output.includes('function bundles ready to rebuild')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`watch mode did not start:\n${output.slice(-3000)}`);
      await sleep(50);
    }
    process.stderr.write(
      `${output.match(/dev: watching[^\n]*/)?.[0] ?? ''}\n${output.match(/dev: \d+ function bundles[^\n]*/)?.[0] ?? ''}\n`,
    );
    for (let iteration = 1; iteration <= iterations; iteration += 1) {
      const wanted = `does not exist (bench edit ${iteration}).`;
      const logged = output.length;
      const saved = performance.now();
      writeFileSync(file, original.replace(MARK, `${wanted}\``));
      const until = Date.now() + 30_000;
      while (!(await detail(base))?.includes(wanted)) {
        if (Date.now() > until) throw new Error(`edit ${iteration} never answered:\n${output.slice(logged)}`);
        await sleep(10);
      }
      const saveToAnswerMs = performance.now() - saved;
      const log = output.slice(logged).match(/dev: product: [^\n]*/)?.[0] ?? '';
      results.push({ saveToAnswerMs, log });
      process.stderr.write(
        `  edit ${iteration}: save → new code answering ${saveToAnswerMs.toFixed(0)} ms   (${log.replace('dev: ', '')})\n`,
      );
      await sleep(pauseMs);
    }
  } finally {
    await stop(child);
    rmSync(stateDir, { recursive: true, force: true });
    scratch.dispose();
  }
  const sorted = results.map((result) => result.saveToAnswerMs).sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const max = sorted[sorted.length - 1];
  // What else the machine ran meanwhile: the bundling is CPU-bound, and shares the cores.
  const load = loadavg()[1].toFixed(1);
  const summary = {
    iterations: sorted.length,
    medianMs: Math.round(median),
    maxMs: Math.round(max),
    targetMs: TARGET_MS,
    loadAverage5m: Number(load),
    cores: availableParallelism(),
  };
  if (values.json) process.stdout.write(`${JSON.stringify({ ...summary, runs: results })}\n`);
  else
    process.stdout.write(
      `dev: save → new code answering over ${summary.iterations} edits of product's router: median ${summary.medianMs} ms, max ${summary.maxMs} ms (target ≤ ${TARGET_MS} ms: ${max <= TARGET_MS ? 'met' : median <= TARGET_MS ? 'met by the median, not the max' : 'missed'}); load average ${load} on ${summary.cores} cores\n`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
