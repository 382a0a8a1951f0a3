/**
 * The GET bench's cold starts: each API function's init (its bundle loaded in a fresh Node.js
 * process, `cold-start-probe.ts`) next to an empty handler's, in the same run, `runs` times each,
 * interleaved (a machine that slows down weighs on all alike). What a function adds over the empty
 * handler is what its bundle and its top-level code cost at every cold start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, discoverAssemblies, functionLabel, loadAssembly, type FunctionDef } from '@shop/local-cloud';
import { functionEnvironment } from './function-environment';
import { median } from './load';

export interface ColdStart {
  label: string;
  bundleKb?: number;
  /** Init of each run, ms. */
  initMs: number[];
  medianMs: number;
}

const EMPTY_HANDLER = "'use strict';\nexports.handler = async () => ({ statusCode: 200, body: '' });\n";

/** The functions behind a REST API's Lambda proxy integrations, each once. */
function apiFunctions(assembliesRoot: string): FunctionDef[] {
  const stacks = discoverAssemblies(assembliesRoot).flatMap((location) => loadAssembly(location));
  const model = buildModel(stacks, { sqsEndpoint: 'http://127.0.0.1:0', workDir: join(tmpdir(), 'local-cloud-bench-cold-starts') });
  const names = new Set(
    model.restApis.flatMap((api) =>
      api.methods.flatMap((method) => (method.integration.type === 'AWS_PROXY' ? [method.integration.functionName] : [])),
    ),
  );
  return model.functions.filter((fn) => names.has(fn.name)).sort((a, b) => a.name.localeCompare(b.name));
}

export function measureColdStarts(options: { distDir: string; assembliesRoot: string; runs: number }): ColdStart[] {
  const scratch = mkdtempSync(join(tmpdir(), 'local-cloud-bench-empty-'));
  try {
    writeFileSync(join(scratch, 'index.js'), EMPTY_HANDLER);
    const probes: { label: string; codeDir: string; handler: string; env: NodeJS.ProcessEnv; bundleKb?: number }[] = [
      { label: 'empty handler', codeDir: scratch, handler: 'index.handler', env: process.env },
      ...apiFunctions(options.assembliesRoot).map((fn) => {
        const file = join(fn.codeDir, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js`);
        return {
          label: functionLabel(fn),
          codeDir: fn.codeDir,
          handler: fn.handler,
          bundleKb: Math.round(statSync(file).size / 102.4) / 10,
          // The environment the local cloud gives the function; nothing is called at init.
          env: { ...process.env, ...functionEnvironment(fn) },
        };
      }),
    ];
    const samples = probes.map(() => [] as number[]);
    for (let run = 0; run < options.runs; run += 1) {
      probes.forEach((probe, index) => {
        const result = spawnSync(process.execPath, [join(options.distDir, 'cold-start-probe.mjs'), probe.codeDir, probe.handler], {
          env: probe.env,
          encoding: 'utf8',
          timeout: 30_000,
        });
        const initMs = Number(result.stdout.trim());
        if (result.status !== 0 || !Number.isFinite(initMs))
          throw new Error(`the cold start of ${probe.label} failed (${result.status}):\n${result.stderr.slice(-2000)}`);
        samples[index].push(initMs);
      });
    }
    return probes.map((probe, index) => ({
      label: probe.label,
      bundleKb: probe.bundleKb,
      initMs: samples[index].map((ms) => Math.round(ms * 10) / 10),
      medianMs: Math.round(median(samples[index]) * 10) / 10,
    }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
