// Bundles the benches into dist/tools/local-cloud-bench: ES modules for Node 24, the local cloud's
// public API inlined, dependencies left in node_modules. Bundled (not run through tsx) so that the
// floor server's processes start as plain JavaScript, like the local cloud they are compared with.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(fileURLToPath(import.meta.url));
const outdir = join(root, '../../dist/tools/local-cloud-bench');
const localCloudSrc = join(root, '../local-cloud/src/');

// The local cloud's modules declare and export; none acts on import. Telling esbuild so lets it drop
// the modules behind `@shop/local-cloud` that a bench does not use, with the packages they import
// (fauxqs, the SQS and SNS clients): a bench loads what it calls, as it did inside the local cloud.
const localCloudWithoutSideEffects = {
  name: 'local-cloud-without-side-effects',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, async ({ path, pluginData, ...args }) => {
      if (pluginData === 'resolved') return undefined;
      const resolved = await builder.resolve(path, { ...args, pluginData: 'resolved' });
      return resolved.path.startsWith(localCloudSrc) ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

await build({
  entryPoints: {
    bench: join(root, 'src/bench.ts'),
    'bench-floor-server': join(root, 'src/bench-floor-server.ts'),
    'checkout-bench': join(root, 'src/checkout-bench.ts'),
    'cold-start-probe': join(root, 'src/cold-start-probe.ts'),
    'dev-bench': join(root, 'src/dev-bench.ts'),
    'iam-bench': join(root, 'src/iam-bench.ts'),
  },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  sourcemap: true,
  logLevel: 'warning',
  plugins: [localCloudWithoutSideEffects],
});
console.log(`local-cloud-bench built into ${outdir}`);
