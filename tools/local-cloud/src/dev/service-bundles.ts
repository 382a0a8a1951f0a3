import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BuildContext, BuildOptions, Metafile } from 'esbuild';

/** The handler files of a service: `<root>/src/handlers/<fn>.handler.ts` (the shop plugin's rule), by function name. */
export function handlerEntries(workspaceRoot: string, serviceRoot: string): Map<string, string> {
  const dir = join(workspaceRoot, serviceRoot, 'src/handlers');
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir)
      .filter((name) => name.endsWith('.handler.ts'))
      .sort()
      .map((name) => [name.slice(0, -'.handler.ts'.length), join(dir, name)]),
  );
}

/**
 * The options of a function's bundle: those of the shop plugin's `bundle-<fn>` targets (decision
 * 0004: CJS for nodejs24.x, the AWS SDK left to the runtime, minified, source maps without sources).
 */
export function bundleOptions(workspaceRoot: string, serviceRoot: string, entry: string): BuildOptions {
  return {
    absWorkingDir: workspaceRoot,
    entryPoints: [entry],
    // Nothing is written here (write: false): the outputs go into the assembly's asset folders.
    outfile: join(workspaceRoot, 'dist', serviceRoot, 'dev-bundles', basename(entry, '.handler.ts'), 'index.js'),
    tsconfig: join(workspaceRoot, serviceRoot, 'tsconfig.json'),
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    bundle: true,
    external: ['@aws-sdk/*'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    metafile: true,
    write: false,
    logLevel: 'silent',
  };
}

/** The workspace files (relative paths, node_modules left out) a build read. */
export function workspaceInputs(metafile: Metafile): Set<string> {
  return new Set(Object.keys(metafile.inputs).filter((input) => !input.includes('node_modules/')));
}

/** sha256 of a file's bytes. */
export const fileHash = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** One function's bundle: its esbuild context (rebuilt incrementally) and the files it was made of. */
export interface FunctionBundle {
  fn: string;
  context: BuildContext;
  inputs: Set<string>;
  /** The bundle's output files: `index.js` and `index.js.map`, by name. */
  outputs: Map<string, Uint8Array>;
}

/** Builds (or rebuilds) a function's bundle in memory. */
export async function rebuild(bundle: FunctionBundle): Promise<FunctionBundle> {
  const result = await bundle.context.rebuild();
  if (result.errors.length > 0) throw new Error(result.errors.map((error) => error.text).join('; '));
  bundle.inputs = result.metafile ? workspaceInputs(result.metafile) : bundle.inputs;
  bundle.outputs = new Map((result.outputFiles ?? []).map((file) => [basename(file.path), file.contents]));
  return bundle;
}

/**
 * The workspace files a service's stack reads at synth time (`<root>/src/infra/main.ts` and what it
 * imports, npm packages left out): a change to one of them may change the template.
 */
export async function stackInputs(workspaceRoot: string, serviceRoot: string): Promise<Set<string>> {
  const entry = join(workspaceRoot, serviceRoot, 'src/infra/main.ts');
  if (!existsSync(entry)) return new Set();
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: workspaceRoot,
    entryPoints: [entry],
    tsconfig: join(workspaceRoot, serviceRoot, 'tsconfig.json'),
    outdir: join(workspaceRoot, 'dist', serviceRoot, 'dev-stack'),
    platform: 'node',
    format: 'esm',
    bundle: true,
    packages: 'external',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  return workspaceInputs(result.metafile);
}

/**
 * Which asset folders of an assembly hold which function's bundle: the folders whose `index.js`
 * has the bytes of `dist/<root>/bundles/<fn>/index.js` (CDK staged a copy of it under the hash).
 */
export function assetFoldersOf(assemblyDir: string, bundlesDir: string, functions: Iterable<string>): Map<string, string[]> {
  const byHash = new Map<string, string[]>();
  for (const name of readdirSync(assemblyDir).filter((candidate) => candidate.startsWith('asset.'))) {
    const file = join(assemblyDir, name, 'index.js');
    if (existsSync(file)) byHash.set(fileHash(file), [...(byHash.get(fileHash(file)) ?? []), name]);
  }
  const folders = new Map<string, string[]>();
  for (const fn of functions) {
    const file = join(bundlesDir, fn, 'index.js');
    if (existsSync(file)) folders.set(fn, byHash.get(fileHash(file)) ?? []);
  }
  return folders;
}
