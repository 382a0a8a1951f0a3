/**
 * Watch mode (`--watch`, what `npm run dev` runs): the built local cloud on the product and platform
 * assemblies, synthesized in a scratch copy of the workspace (the checkout is never edited, even
 * while other projects' tests read it, and its dist/ is not read: this file need not wait for
 * local-cloud:assemblies); a source file of product is edited and the running API answers with the
 * new code, then the file back as it was; a stack file is touched and product is synthesized again
 * and swapped in.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevScratch, type DevScratch } from './dev/scratch-workspace';
import { freePort } from './net';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/tools/local-cloud/main.mjs');
const NODE = join(ROOT, 'node_modules/.bin/node');
let scratch: DevScratch | undefined;
const inScratch = (file: string) => join(scratch?.root ?? '/nowhere', file);

const stateDir = mkdtempSync(join(tmpdir(), 'local-cloud-dev-'));
const originals = new Map<string, string>();
let child: ChildProcess | undefined;
let output = '';
let base = '';

/** Writes a new content in the scratch copy, keeping the original to put back. */
function edit(relative: string, change: (source: string) => string): void {
  const file = inScratch(relative);
  if (!originals.has(file)) originals.set(file, readFileSync(file, 'utf8'));
  const next = change(originals.get(file) ?? '');
  if (next === originals.get(file)) throw new Error(`the edit changed nothing in ${file}`);
  writeFileSync(file, next);
}

function restore(): void {
  for (const [file, source] of originals) writeFileSync(file, source);
  originals.clear();
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline || child?.exitCode !== null) throw new Error(`${what} did not happen in time:\n${output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const notFoundDetail = async () => {
  const response = await fetch(`${base}/products/NOPE-1`);
  return ((await response.json()) as { detail?: string }).detail;
};

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx nx run local-cloud:build first`);
  // The local assemblies watch mode starts from, synthesized in the copy: the checkout's dist/apps is
  // local-cloud:assemblies' to write while the e2e journeys run from it.
  scratch = createDevScratch(ROOT, []);
  const synth = spawnSync(
    NODE,
    [
      join(ROOT, 'node_modules/nx/dist/bin/nx.js'),
      'run-many',
      '-t',
      'synth',
      '-c',
      'local',
      '-p',
      'product,platform',
      '--output-style=static',
    ],
    {
      cwd: scratch.root,
      env: scratch.env,
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  if (synth.status !== 0) throw new Error(`the local synth of product and platform failed in the copy:\n${synth.stdout}${synth.stderr}`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(NODE, [MAIN, '--no-seed', '--watch'], {
    cwd: scratch.root,
    env: {
      ...scratch.env,
      PORT: String(port),
      LOCAL_CLOUD_SERVICES: 'platform,product',
      LOCAL_CLOUD_STATE_DIR: stateDir,
      NO_COLOR: '1',
      NX_DAEMON: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(() => (output.includes('function bundles ready to rebuild') ? true : undefined), 'watch mode start', 120_000);
}, 420_000);

afterAll(async () => {
  restore();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  if (process.env.LOCAL_CLOUD_TEST_OUTPUT) writeFileSync(process.env.LOCAL_CLOUD_TEST_OUTPUT, output);
  rmSync(stateDir, { recursive: true, force: true });
  scratch?.dispose();
}, 30_000);

describe('watch mode', () => {
  it('bundles a changed source file of product and swaps it in: the API answers with the new code', async () => {
    expect(await notFoundDetail()).toBe('Product NOPE-1 does not exist.');
    try {
      edit('apps/product/src/domain/errors.ts', (source) =>
        source.replace('does not exist.`', 'does not exist (changed by dev.int.spec).`'),
      );
      expect(
        await until(
          async () => ((await notFoundDetail())?.includes('changed by dev.int.spec') ? notFoundDetail() : undefined),
          'the new code answering',
        ),
      ).toBe('Product NOPE-1 does not exist (changed by dev.int.spec).');
      expect(output).toContain('dev: apps/product/src/domain/errors.ts changed → product (bundle)');
      expect(output).toMatch(/dev: product: [a-z-, ]*router[a-z-, ]* bundled in \d+ ms, swapped in in \d+ ms \(\d+ ms after the change\)/);
    } finally {
      restore();
    }
    expect(
      await until(async () => ((await notFoundDetail()) === 'Product NOPE-1 does not exist.' ? true : undefined), 'the old code back'),
    ).toBe(true);
  }, 90_000);

  it('synthesizes product again when its stack changes, then swaps the new assembly in', async () => {
    const swapsBefore = (output.match(/swapped in in/g) ?? []).length;
    try {
      edit('apps/product/src/infra/product-stack.ts', (source) => `${source}\n// touched by dev.int.spec\n`);
      await until(
        () => (output.includes('dev: apps/product/src/infra/product-stack.ts changed → product (synth)') ? true : undefined),
        'the change seen',
      );
      await until(() => ((output.match(/swapped in in/g) ?? []).length > swapsBefore ? true : undefined), 'the synth and swap', 240_000);
    } finally {
      // The copy goes with its change: no synth of the file back as it was to wait for.
      originals.clear();
    }
    expect(output).toMatch(/dev: product: synthesized in \d+ ms, swapped in in \d+ ms/);
    expect(output).toContain(`deploying product from ${inScratch('dist/apps/product/cdk.out')}`);
    expect(readFileSync(join(ROOT, 'apps/product/src/infra/product-stack.ts'), 'utf8')).not.toContain('touched by dev.int.spec');
    // Still answering, on the synthesized assembly.
    expect(await notFoundDetail()).toBe('Product NOPE-1 does not exist.');
  }, 300_000);
});
