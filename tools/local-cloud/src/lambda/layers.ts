import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A function's `/opt`: its layers' content folders copied into one folder in layer order, a later
 * layer's file replacing an earlier one's (as Lambda extracts them). The folder is named after the
 * content folders (CDK stages each asset under its content hash), so functions with the same layers
 * share it and a restart reuses it. Returns the folder.
 */
export function mergeLayers(contentDirs: readonly string[], root: string): string {
  const key = createHash('sha256').update(contentDirs.join('\n')).digest('hex').slice(0, 16);
  const optDir = join(root, 'opt', key);
  if (existsSync(optDir)) return optDir;
  const staging = `${optDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const dir of contentDirs) cpSync(dir, staging, { recursive: true, force: true });
  try {
    renameSync(staging, optDir);
  } catch (error) {
    // Another start merged the same layers first: keep theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(optDir)) throw error;
  }
  return optDir;
}

/**
 * The module folders Lambda's Node.js runtime puts on `NODE_PATH` from `/opt`, for a runtime
 * such as `nodejs20.x`: `/opt/nodejs/node20/node_modules`, then `/opt/nodejs/node_modules`.
 */
export function layerNodePath(optDir: string, runtime: string): string[] {
  const major = /^nodejs(\d+)\./.exec(runtime)?.[1];
  return [...(major ? [join(optDir, 'nodejs', `node${major}`, 'node_modules')] : []), join(optDir, 'nodejs', 'node_modules')];
}
