import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { build, type BuildOptions } from 'esbuild';
import { SEMVER_SHIM, serviceTargets } from './service-targets.ts';

const workspaceRoot = path.resolve(__dirname, '../../../..');
type Gte = { gte: (a: string, b: string) => boolean };
const shim = require(path.join(workspaceRoot, SEMVER_SHIM)) as Gte;
/** The semver the shim stands in for: the one aws-xray-sdk-core requires. */
const semver = createRequire(path.join(workspaceRoot, 'node_modules/aws-xray-sdk-core/package.json'))('semver') as Gte;

const VERSIONS = [
  '0.0.0',
  '1.0.0',
  '1.0.1',
  '1.1.0',
  '2.7.14',
  '2.7.15',
  '2.10.0',
  '2.1692.0',
  '8.0.0',
  '24.21.0',
  'v8.0.0',
  ' 2.7.15 ',
  '1.0.0-0',
  '1.0.0-1',
  '1.0.0-a1',
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0+build.1',
];

describe('the semver shim of the bundles', () => {
  it('answers gte as semver does, for every pair of versions', () => {
    const pairs = VERSIONS.flatMap((a) => VERSIONS.map((b) => [a, b] as const));
    expect(pairs.filter(([a, b]) => shim.gte(a, b) !== semver.gte(a, b))).toEqual([]);
  });

  it('throws on what is not a version, as semver does', () => {
    expect(() => semver.gte('not-a-version', '1.0.0')).toThrow(TypeError);
    expect(() => shim.gte('not-a-version', '1.0.0')).toThrow(TypeError);
    expect(() => shim.gte('1.0.0', '2.7')).toThrow(TypeError);
  });

  it('is all a bundle needs of semver: every bundled module that requires it reads gte only', async () => {
    const options = serviceTargets({ root: 'apps/basket', name: 'basket', functions: ['router'] })['bundle-router']?.options as {
      main: string;
      external: string[];
      target: string;
      tsConfig: string;
      esbuildOptions: BuildOptions;
    };
    const result = await build({
      absWorkingDir: workspaceRoot,
      entryPoints: [options.main],
      tsconfig: options.tsConfig,
      external: options.external,
      target: options.target,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      outfile: 'out.js',
      metafile: true,
      logLevel: 'silent',
      mainFields: options.esbuildOptions.mainFields,
      alias: options.esbuildOptions.alias,
    });
    const importers = Object.entries(result.metafile.inputs)
      .filter(([, input]) => input.imports.some((imported) => imported.original === 'semver'))
      .map(([file]) => file);
    expect(importers.length).toBeGreaterThan(0);
    expect(Object.keys(result.metafile.inputs)).toContain(SEMVER_SHIM);
    for (const file of importers) {
      const members = [...readFileSync(path.join(workspaceRoot, file), 'utf8').matchAll(/\bsemver\s*\.\s*(\w+)/g)].map(
        ([, member]) => member,
      );
      expect({ file, members: [...new Set(members)] }).toEqual({ file, members: ['gte'] });
    }
  }, 60_000);
});
