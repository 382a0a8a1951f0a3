// Bundles the local cloud into dist/tools/local-cloud: ES modules for Node 24, dependencies left
// in node_modules. Bundled (not run through tsx) so that start-up costs no TypeScript compile and
// worker threads load plain JavaScript.
import { build } from 'esbuild';
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(fileURLToPath(import.meta.url));
const outdir = join(root, '../../dist/tools/local-cloud');

export const entryPoints = {
  main: join(root, 'src/cli/start.ts'),
  'lambda-worker': join(root, 'src/lambda/lambda-worker.ts'),
  token: join(root, 'src/cli/token.ts'),
  deploy: join(root, 'src/cli/deploy.ts'),
};

export async function buildLocalCloud(options = {}) {
  const started = Date.now();
  await build({
    entryPoints: options.entryPoints ?? entryPoints,
    outdir: options.outdir ?? outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Chunks, so that main.mjs can spawn DynamoDB Local before it loads the heavier modules.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // The console's page, script and style (plain files, served by /_local/console from next to main.mjs).
  cpSync(join(root, 'console'), join(options.outdir ?? outdir, 'console'), { recursive: true });
  return Date.now() - started;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ms = await buildLocalCloud();
  console.log(`local-cloud built into ${outdir} in ${ms} ms`);
}
