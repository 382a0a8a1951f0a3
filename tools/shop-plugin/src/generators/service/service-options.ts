/**
 * The pure part of the `service` generator: options, the project configuration and the
 * CODEOWNERS line. No file system here, so every rule is unit-tested directly.
 */
import type { TargetConfiguration } from '@nx/devkit';

/** Options of `nx g @shop/tools:service` (see schema.json). */
export interface ServiceGeneratorSchema {
  readonly name: string;
  readonly basePath?: string;
  readonly team?: string;
  readonly description?: string;
}

/** The options with every default applied, and the names the templates use. */
export interface ServiceOptions {
  /** kebab-case: project name, folder, SSM namespace, bundle folder (`gift-cards`). */
  readonly name: string;
  /** PascalCase, for classes (`GiftCards`). */
  readonly className: string;
  /** camelCase, for values (`giftCards`). */
  readonly propertyName: string;
  /** `apps/<name>`. */
  readonly projectRoot: string;
  /** Base path on the shop's API domain. */
  readonly basePath: string;
  /** Owner in CODEOWNERS. */
  readonly team: string;
  /** One line on what the service owns. */
  readonly description: string;
}

/** Thrown for options the generator refuses; nothing has been written then. */
export class ServiceGeneratorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceGeneratorError';
  }
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const TEAM = /^@[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/;

/** Names a service may not take: they mean something else in the workspace or in SSM paths. */
export const RESERVED_NAMES: readonly string[] = ['apps', 'libs', 'tools', 'shared', 'e2e', 'platform', 'cdk', 'local', 'dev', 'prod'];

const pascal = (kebab: string): string => kebab.replace(/(^|-)([a-z0-9])/g, (_match, _dash, char: string) => char.toUpperCase());

/**
 * Applies the defaults and checks the options.
 * @param existingProjects names of the workspace's projects (a service must not take one)
 * @throws ServiceGeneratorError for a name or base path that is not kebab-case, a reserved or taken
 * name, or a team that is not `@org/team`.
 */
export const normalizeOptions = (schema: ServiceGeneratorSchema, existingProjects: readonly string[]): ServiceOptions => {
  const name = schema.name?.trim() ?? '';
  if (!KEBAB.test(name))
    throw new ServiceGeneratorError(`"${name}" is not a valid service name: use lower-case kebab-case, e.g. "gift-cards".`);
  if (RESERVED_NAMES.includes(name)) throw new ServiceGeneratorError(`"${name}" is reserved: choose another service name.`);
  if (existingProjects.includes(name)) throw new ServiceGeneratorError(`A project named "${name}" exists already.`);
  const basePath = schema.basePath ?? name;
  if (!KEBAB.test(basePath)) throw new ServiceGeneratorError(`"${basePath}" is not a valid base path: use lower-case kebab-case.`);
  const team = schema.team ?? `@serverless-shop/${name}-team`;
  if (!TEAM.test(team)) throw new ServiceGeneratorError(`"${team}" is not a GitHub team: use @org/team.`);
  const className = pascal(name);
  return {
    name,
    className,
    propertyName: className.charAt(0).toLowerCase() + className.slice(1),
    projectRoot: `apps/${name}`,
    basePath,
    team,
    description: schema.description?.trim() || `The ${name} service`,
  };
};

/**
 * A service's project.json: its name, tags and the checks every project has. Its bundle, build,
 * synth and deploy targets are inferred from its files by this plugin's `createNodes`.
 */
export const serviceProjectConfiguration = (options: ServiceOptions) => {
  const { name, projectRoot } = options;
  const targets: Record<string, TargetConfiguration> = {
    lint: { executor: '@nx/eslint:lint' },
    typecheck: {},
    test: { executor: '@nx/jest:jest' },
    integration: { executor: '@nx/jest:jest', options: { jestConfig: `${projectRoot}/jest.integration.config.cjs` } },
  };
  return {
    $schema: '../../node_modules/nx/schemas/project-schema.json',
    name,
    sourceRoot: `${projectRoot}/src`,
    projectType: 'application',
    tags: [`scope:${name}`, 'type:app'],
    targets,
  };
};

/**
 * CODEOWNERS with a line giving `/apps/<name>/` to the service's team, placed after the last
 * `/apps/` line (later lines win, so after the catch-all), aligned like its neighbours.
 * @throws ServiceGeneratorError when the folder has an owner line already.
 */
export const withCodeOwner = (codeowners: string, options: Pick<ServiceOptions, 'projectRoot' | 'team'>): string => {
  const pattern = `/${options.projectRoot}/`;
  const lines = codeowners.split('\n');
  if (lines.some((line) => line.trim().split(/\s+/)[0] === pattern)) {
    throw new ServiceGeneratorError(`CODEOWNERS has a line for ${pattern} already.`);
  }
  const appLines = lines.map((line, index) => ({ line, index })).filter(({ line }) => line.startsWith('/apps/'));
  const width = Math.max(pattern.length + 1, ...appLines.map(({ line }) => line.match(/^\S+\s+/)?.[0].length ?? 0));
  const entry = `${pattern.padEnd(width)}${options.team}`;
  const at = appLines.length > 0 ? appLines[appLines.length - 1].index + 1 : lines.length - (lines[lines.length - 1] === '' ? 1 : 0);
  return [...lines.slice(0, at), entry, ...lines.slice(at)].join('\n');
};
