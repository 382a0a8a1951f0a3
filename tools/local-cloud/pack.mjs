// `nx run local-cloud:pack`: the local cloud as an npm package, from the built dist (run `build`
// first; the target depends on it). Stages dist/tools/local-cloud-package (package.json of this
// folder, the bin, README and the built files), runs `npm pack` there and prints the tarball's path
// (dist/tools/shop-local-cloud-<version>.tgz). `npm i <tarball>` in any folder then gives
// `npx local-cloud <dir>` (see README, "Run it on your own CDK app").
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const built = join(root, '../../dist/tools/local-cloud');
const stage = join(root, '../../dist/tools/local-cloud-package');
const destination = join(root, '../../dist/tools');

/** Stages the package and packs it; returns the tarball's absolute path. */
export function packLocalCloud() {
  if (!existsSync(join(built, 'main.mjs'))) throw new Error(`${built}/main.mjs is missing: run npx nx run local-cloud:build first`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'bin'), { recursive: true });
  for (const entry of readdirSync(built)) cpSync(join(built, entry), join(stage, entry), { recursive: true });
  cpSync(join(root, 'package.json'), join(stage, 'package.json'));
  cpSync(join(root, 'README.md'), join(stage, 'README.md'));
  cpSync(join(root, 'package/local-cloud.mjs'), join(stage, 'bin/local-cloud.mjs'));
  chmodSync(join(stage, 'bin/local-cloud.mjs'), 0o755);
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
      cwd: stage,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return join(destination, packed.filename);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(packLocalCloud());
}
