import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(60_000);

/**
 * Proves that the dependency check of `npm run lint` bites: knip, with the workspace's own
 * knip.jsonc, run on a small workspace laid out like ours (a lib under libs/) whose package.json
 * is the only thing that changes between cases.
 */
const workspaceRoot = path.resolve(__dirname, '../../..');
const knipBin = path.join(workspaceRoot, 'node_modules/knip/bin/knip.js');

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** Runs knip in a fresh workspace with `manifest` and one source file importing `zod`; returns its exit code and report. */
async function knip(manifest: Manifest): Promise<{ code: number; report: string }> {
  const root = mkdtempSync(path.join(tmpdir(), 'knip-probe-'));
  try {
    cpSync(path.join(workspaceRoot, 'knip.jsonc'), path.join(root, 'knip.jsonc'));
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'knip-probe', private: true, ...manifest }, null, 2));
    mkdirSync(path.join(root, 'libs/probe/src'), { recursive: true });
    writeFileSync(path.join(root, 'libs/probe/src/index.ts'), "import { z } from 'zod';\nexport const Probe = z.string();\n");
    const { stdout, code } = await promisify(execFile)(process.execPath, [knipBin, '--no-progress', '--no-config-hints'], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: '1' },
    })
      .then(({ stdout }) => ({ stdout, code: 0 }))
      .catch((error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? '', code: error.code ?? -1 }));
    return { code, report: stdout };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('dependency check (knip)', () => {
  it('accepts a workspace whose every declared dependency is imported', async () => {
    expect(await knip({ dependencies: { zod: '4.6.7' } })).toEqual({ code: 0, report: '' });
  });

  it('fails on a declared dependency nothing imports', async () => {
    const { code, report } = await knip({ dependencies: { zod: '4.6.7', '@aws-lambda-powertools/parser': '2.35.0' } });
    expect(code).toBe(1);
    expect(report).toMatch(/Unused dependencies \(1\)\s+@aws-lambda-powertools\/parser\s/);
  });

  it('fails on a declared devDependency nothing imports', async () => {
    const { code, report } = await knip({ dependencies: { zod: '4.6.7' }, devDependencies: { 'left-pad': '1.3.0' } });
    expect(code).toBe(1);
    expect(report).toMatch(/Unused devDependencies \(1\)\s+left-pad\s/);
  });

  it('fails on an imported package that is not declared', async () => {
    const { code, report } = await knip({});
    expect(code).toBe(1);
    expect(report).toMatch(/Unlisted dependencies \(1\)\s+zod\s+libs\/probe\/src\/index\.ts/);
  });
});
