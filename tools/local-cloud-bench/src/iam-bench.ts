/**
 * `npx nx run local-cloud-bench:bench-iam`: what IAM enforcement costs, as a ratio measured in one
 * run on one machine. The GET bench (`bench.mjs --no-floor`) and the checkout bench
 * (`checkout-bench.mjs`) each run `--rounds` (2) times with `--iam off` and as many with
 * `--iam enforce`, alternately (off, enforce, off, enforce: a machine that slows down mid-run
 * weighs on both modes alike). For each run it reads the bench's own JSON: CPU per GET (closed
 * loop, after the warm-up) and per confirmed order, for the local cloud's Node process (where the
 * check runs: the front door maps each function's SDK call to an action and resource and asks the
 * evaluator, whose decisions are cached per role, action and resource) and for all of the local
 * cloud's processes (DynamoDB Local's JVM included; the bench's own client left out). Prints each
 * mode's median and the ratio enforce / off against the budget (at most 5% more CPU).
 * Numbers are printed, not asserted; exits 1 if a bench failed or lost an order.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { median } from './load';

const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
    requests: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '3000' },
    orders: { type: 'string', default: '300' },
    'order-warmup': { type: 'string', default: '1000' },
  },
});

const MODES = ['off', 'enforce'] as const;
type Mode = (typeof MODES)[number];
const BUDGET = 1.05;

interface Cpu {
  total: number;
  byProcess: Record<string, number>;
}

/** CPU ms per unit of one run: the local cloud's Node process, and every process but the bench's client. */
interface Sample {
  node: number;
  system: number;
}

const sampleOf = (cpu: Cpu | undefined): Sample => {
  if (!cpu) throw new Error('the bench measured no CPU (no /proc on this machine)');
  return { node: cpu.byProcess['local cloud (node)'] ?? 0, system: Math.round((cpu.total - (cpu.byProcess.bench ?? 0)) * 100) / 100 };
};

/** Runs one bench with `--json` and returns its parsed result; its progress lines go to stderr. */
function runBench(script: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, script), '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const json = stdout.slice(stdout.indexOf('{'));
      if (code !== 0)
        return reject(new Error(`${script} ${args.join(' ')} exited ${code}:\n${stderr.slice(-3000)}\n${stdout.slice(-2000)}`));
      try {
        resolve(JSON.parse(json) as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} printed no JSON result:\n${stdout.slice(-2000)}`));
      }
    });
  });
}

const fixed = (value: number) => value.toFixed(2);

interface Workload {
  name: string;
  unit: string;
  run: (mode: Mode) => Promise<Sample>;
}

const workloads: Workload[] = [
  {
    name: 'get',
    unit: 'GET /products/{sku}',
    run: async (mode) => {
      const result = (await runBench('bench.mjs', [
        '--no-floor',
        '--iam',
        mode,
        '--requests',
        values.requests,
        '--warmup',
        values.warmup,
      ])) as { throughput: { cpuMsPerRequest?: Cpu; errors: number; rps: number } };
      if (result.throughput.errors > 0) throw new Error(`the GET bench with --iam ${mode} had ${result.throughput.errors} errors`);
      return sampleOf(result.throughput.cpuMsPerRequest);
    },
  },
  {
    name: 'checkout',
    unit: 'confirmed order',
    run: async (mode) => {
      const result = (await runBench('checkout-bench.mjs', [
        '--iam',
        mode,
        '--orders',
        values.orders,
        '--warmup',
        values['order-warmup'],
      ])) as { cpuMsPerConfirmedOrder?: Cpu; lost: number };
      if (result.lost > 0) throw new Error(`the checkout bench with --iam ${mode} lost ${result.lost} orders`);
      return sampleOf(result.cpuMsPerConfirmedOrder);
    },
  },
];

async function main(): Promise<void> {
  const rounds = Math.max(1, Number(values.rounds));
  const chosen = workloads.filter((workload) => !values.only || workload.name === values.only);
  if (chosen.length === 0) throw new Error(`--only must be one of ${workloads.map((workload) => workload.name).join(', ')}`);
  const lines = [
    '',
    `IAM enforcement's cost: each bench ${rounds}× with --iam off and ${rounds}× with --iam enforce, alternately, on ${cpus().length} cores`,
  ];
  for (const workload of chosen) {
    const samples: Record<Mode, Sample[]> = { off: [], enforce: [] };
    for (let round = 1; round <= rounds; round += 1) {
      for (const mode of MODES) {
        console.error(`bench-iam: ${workload.name} round ${round}/${rounds}, --iam ${mode} ...`);
        const sample = await workload.run(mode);
        console.error(
          `bench-iam:   ${fixed(sample.node)} ms local cloud (node), ${fixed(sample.system)} ms all its processes per ${workload.unit}`,
        );
        samples[mode].push(sample);
      }
    }
    lines.push(`  CPU per ${workload.unit} (ms; each run, then the median):`);
    for (const key of ['node', 'system'] as const) {
      const label = key === 'node' ? 'local cloud (node)' : 'with DynamoDB Local';
      const off = median(samples.off.map((sample) => sample[key]));
      const enforce = median(samples.enforce.map((sample) => sample[key]));
      const ratio = enforce / off;
      lines.push(
        `  ${ratio <= BUDGET ? 'ok  ' : 'MISS'} ${label.padEnd(20)} off ${samples.off.map((sample) => fixed(sample[key])).join(' ')} → ${fixed(off)}; enforce ${samples.enforce
          .map((sample) => fixed(sample[key]))
          .join(' ')} → ${fixed(enforce)}; enforce / off ${ratio.toFixed(3)} (budget ≤ ${BUDGET})`,
      );
    }
  }
  lines.push(
    `  load average at the end: ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} (a ratio from runs on a busy machine carries that machine's noise: compare several)`,
    '',
  );
  process.stdout.write(lines.join('\n'));
}

main().catch((error: Error) => {
  console.error(`bench-iam failed: ${error.message}`);
  process.exit(1);
});
