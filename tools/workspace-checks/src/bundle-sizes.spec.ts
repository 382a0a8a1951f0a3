import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * tools/scripts/bundle-sizes.mjs, the size check of every service's `build`: it prints each
 * bundle, fails over a budget or for a budget without its bundle, and the last budget given for a
 * function wins (how a service overrides the one the plugin infers).
 */
const script = path.resolve(__dirname, '../../scripts/bundle-sizes.mjs');
let bundles: string;

beforeAll(() => {
  bundles = mkdtempSync(path.join(tmpdir(), 'bundle-sizes-'));
  for (const [fn, kb] of [
    ['router', 300],
    ['relay', 10],
  ] as const) {
    mkdirSync(path.join(bundles, fn));
    writeFileSync(path.join(bundles, fn, 'index.js'), 'x'.repeat(kb * 1024));
    writeFileSync(path.join(bundles, fn, 'index.js.map'), '{}');
  }
});

afterAll(() => rmSync(bundles, { recursive: true, force: true }));

const sizes = (...budgets: string[]) =>
  promisify(execFile)(process.execPath, [script, bundles, ...budgets.flatMap((budget) => ['--max-kb', budget])]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('bundle-sizes', () => {
  it('prints every bundle with its budget and passes when each is under it', async () => {
    const { code, stdout } = await sizes('router=400', 'relay=400');
    expect(code).toBe(0);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      `${'relay'.padEnd(24)}     10.0 KB minified (source map 0.0 KB)  (budget 400 KB)`,
      `${'router'.padEnd(24)}    300.0 KB minified (source map 0.0 KB)  (budget 400 KB)`,
    ]);
  });

  it('fails when a bundle is over its budget', async () => {
    const { code, stdout } = await sizes('router=200');
    expect(code).toBe(1);
    expect(stdout).toContain('OVER BUDGET of 200 KB');
  });

  it('takes the last budget given for a function', async () => {
    expect((await sizes('router=200', 'router=400')).code).toBe(0);
    expect((await sizes('router=400', 'router=200')).code).toBe(1);
  });

  it('fails for a budget whose bundle is missing', async () => {
    const { code, stderr } = await sizes('router=400', 'place-order=400');
    expect(code).toBe(1);
    expect(stderr).toContain('place-order: has a budget but no bundle');
  });
});
