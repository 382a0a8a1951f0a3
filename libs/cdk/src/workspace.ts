import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ShopCdkError } from './errors';

/** Thrown when no Nx workspace (a folder with `nx.json`) encloses a starting folder. */
export class WorkspaceRootNotFoundError extends ShopCdkError {
  constructor(readonly from: string) {
    super(`No nx.json found in ${from} or any folder above it.`);
    this.name = 'WorkspaceRootNotFoundError';
  }
}

/**
 * The Nx workspace root: the nearest folder at or above `from` holding `nx.json`. Resolving from
 * this file (not from `process.cwd()`) lets a CDK app run from any folder and still find `dist/`.
 * @default from - the folder of this module
 */
export const findWorkspaceRoot = (from: string = __dirname): string => {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new WorkspaceRootNotFoundError(from);
    dir = parent;
  }
};

/**
 * Folder of a function's bundle, as written by the service's `build` target:
 * `<workspace>/dist/apps/<service>/bundles/<fn>` (holding `index.js` and `index.js.map`).
 */
export const bundleDir = (service: string, fn: string, workspaceRoot: string = findWorkspaceRoot()): string =>
  join(workspaceRoot, 'dist', 'apps', service, 'bundles', fn);
