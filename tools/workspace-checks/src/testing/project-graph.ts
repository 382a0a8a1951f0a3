import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProjectConfiguration } from '@nx/devkit';
import { nestedEnv, workspaceRoot } from './scratch-workspace';

/**
 * Every project of the workspace as Nx resolves it (project.json, nx.json targetDefaults and the
 * targets the plugins infer), by name: what `nx show project <name> --json` prints, from one
 * `nx graph --file` run. Nx runs with a workspace-data folder of its own, so the caller's cache is
 * neither read nor written.
 */
export const resolvedProjects = (root: string = workspaceRoot): Record<string, ProjectConfiguration> => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'shop-graph-'));
  try {
    const file = path.join(scratch, 'graph.json');
    execFileSync(process.execPath, [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'graph', `--file=${file}`], {
      cwd: root,
      env: { ...nestedEnv(), NX_WORKSPACE_DATA_DIRECTORY: path.join(scratch, 'workspace-data') },
      stdio: 'pipe',
    });
    const { graph } = JSON.parse(readFileSync(file, 'utf8')) as { graph: { nodes: Record<string, { data: ProjectConfiguration }> } };
    return Object.fromEntries(Object.entries(graph.nodes).map(([name, node]) => [name, node.data]));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};
