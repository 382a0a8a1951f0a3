import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** One Nx project, as far as watch mode needs it: where it lives and what it depends on. */
export interface ProjectNode {
  name: string;
  /** Its folder, relative to the workspace root (`apps/product`, `libs/http`). */
  root: string;
  tags: string[];
  /** Names of the workspace projects it imports (npm packages left out). */
  dependencies: string[];
}

const graphSchema = z.object({
  graph: z.object({
    nodes: z.record(z.string(), z.object({ name: z.string(), data: z.object({ root: z.string(), tags: z.array(z.string()).optional() }) })),
    dependencies: z.record(z.string(), z.array(z.object({ target: z.string() }))),
  }),
});

/** Reads the workspace's project graph (`nx graph --file`, in a child process), as Nx computes it from the imports. */
export async function readProjectGraph(root: string): Promise<ProjectNode[]> {
  const dir = mkdtempSync(join(tmpdir(), 'local-cloud-graph-'));
  try {
    const file = join(dir, 'graph.json');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, 'node_modules/.bin/nx'), 'graph', `--file=${file}`], {
        cwd: root,
        env: { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (exitCode) => resolve({ code: exitCode, output: text }));
    });
    if (code !== 0) throw new Error(`nx graph failed (exit ${code}): ${output.slice(-2000)}`);
    return projectsOf(JSON.parse(readFileSync(file, 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The projects of an `nx graph --file` document. */
export function projectsOf(document: unknown): ProjectNode[] {
  const { graph } = graphSchema.parse(document);
  return Object.values(graph.nodes).map(({ name, data }) => ({
    name,
    root: data.root,
    tags: data.tags ?? [],
    dependencies: (graph.dependencies[name] ?? []).map((dependency) => dependency.target).filter((target) => target in graph.nodes),
  }));
}

/** The project a file (relative to the workspace root) belongs to: the one with the longest root that holds it. */
export function projectOf(file: string, projects: readonly ProjectNode[]): ProjectNode | undefined {
  return projects
    .filter((project) => project.root !== '.' && (file === project.root || file.startsWith(`${project.root}/`)))
    .sort((a, b) => b.root.length - a.root.length)[0];
}

/** The project and every project that depends on it, directly or not. */
export function dependentsOf(name: string, projects: readonly ProjectNode[]): Set<string> {
  const found = new Set([name]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const project of projects) {
      if (!found.has(project.name) && project.dependencies.some((dependency) => found.has(dependency))) {
        found.add(project.name);
        grew = true;
      }
    }
  }
  return found;
}
