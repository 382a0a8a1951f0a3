import { basename } from 'node:path';
import { dependentsOf, projectOf, type ProjectNode } from './project-graph';

/** What a watched service must do about a change: bundle its functions again, or synthesize its stack again (a new template). */
export type ServiceAction = 'bundle' | 'synth';

/** A service as the planner sees it. */
export interface PlannedService {
  name: string;
  /** Its Nx project. */
  project: string;
  /** Project root (`apps/product`). */
  root: string;
  /** The workspace files its stack reads at synth time. */
  stackInputs: ReadonlySet<string>;
  /** The workspace files its bundles were made of, once known (none yet: any change of its own or of a dependency rebundles). */
  bundleInputs?: ReadonlySet<string>;
  /** Its handler files (`<root>/src/handlers/<fn>.handler.ts`), relative. */
  handlerFiles: ReadonlySet<string>;
}

/** Files that never reach a bundle or a template: tests, docs, fixtures. */
const IGNORED = [/\.(spec|test)\.[cm]?[jt]sx?$/, /(^|\/)__tests__\//, /(^|\/)(node_modules|dist|coverage|tmp|\.nx)\//, /\.md$/];
const SOURCE = /\.([cm]?[jt]sx?|json)$/;

/** Whether a changed file (relative to the workspace root) can matter to a service at all. */
export function isWatchedSource(file: string): boolean {
  return SOURCE.test(file) && !IGNORED.some((pattern) => pattern.test(file));
}

/**
 * What each service must do about a batch of changed files (relative to the workspace root): the
 * file's project and every project that depends on it (the Nx graph) name the services it can reach;
 * of those, a service whose stack reads the file, or whose project or TypeScript configuration it
 * is, or that gets a new handler file, is synthesized again; one whose bundles read it (or that has
 * not bundled yet) is bundled again; the others are left alone.
 */
export function planChanges(
  files: Iterable<string>,
  projects: readonly ProjectNode[],
  services: readonly PlannedService[],
): Map<string, ServiceAction> {
  const plan = new Map<string, ServiceAction>();
  for (const file of files) {
    if (!isWatchedSource(file)) continue;
    const owner = projectOf(file, projects);
    if (!owner) continue;
    const reached = dependentsOf(owner.name, projects);
    for (const service of services.filter((candidate) => reached.has(candidate.project))) {
      const own = owner.name === service.project;
      const configuration =
        own && ['project.json', 'tsconfig.json', 'package.json'].includes(basename(file)) && file === `${service.root}/${basename(file)}`;
      const newHandler =
        own && file.startsWith(`${service.root}/src/handlers/`) && file.endsWith('.handler.ts') && !service.handlerFiles.has(file);
      if (service.stackInputs.has(file) || configuration || newHandler) plan.set(service.name, 'synth');
      else if (!service.bundleInputs || service.bundleInputs.has(file)) {
        if (plan.get(service.name) !== 'synth') plan.set(service.name, 'bundle');
      }
    }
  }
  return plan;
}
