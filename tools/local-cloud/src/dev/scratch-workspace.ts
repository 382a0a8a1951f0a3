import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away copy of the workspace to run watch mode in: what a test or a bench edits there never touches the checkout. */
export interface DevScratch {
  /** Its root folder. */
  root: string;
  /** The environment to start the local cloud with there: the calling Nx task's `NX_*` variables dropped, so Nx sees the copy only. */
  env: NodeJS.ProcessEnv;
  /** Deletes the copy. */
  dispose(): void;
}

/**
 * Copies the working tree (tracked and untracked files, not what .gitignore ignores), links
 * `node_modules` from the workspace (nothing is installed), and copies the given services'
 * `dist/apps/<service>` (assemblies and bundles), so that watch mode starts on them at once.
 */
export function createDevScratch(workspaceRoot: string, services: readonly string[]): DevScratch {
  const root = mkdtempSync(join(tmpdir(), 'local-cloud-dev-scratch-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: workspaceRoot,
    maxBuffer: 64 * 1024 * 1024,
  })
    .toString('utf8')
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(workspaceRoot, file)));
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    cpSync(join(workspaceRoot, file), join(root, file), { dereference: false });
  }
  symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  for (const service of services) {
    const dist = join(workspaceRoot, 'dist/apps', service);
    if (!existsSync(dist)) throw new Error(`${dist} is missing: synthesize it first (npx nx run ${service}:synth -c local)`);
    mkdirSync(join(root, 'dist/apps'), { recursive: true });
    cpSync(dist, join(root, 'dist/apps', service), { recursive: true });
  }
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('NX_') && !key.startsWith('JEST_')) env[key] = value;
  return {
    root,
    env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_INTERACTIVE: 'false' },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
