/**
 * The pure part of the `service` generator: options, the project configuration and the
 * CODEOWNERS line. No file system here, so every rule is unit-tested directly.
 */

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

/** Functions every generated service starts with, named as their bundles. */
export const GENERATED_FUNCTIONS: readonly string[] = ['router'];

/** Bundle size budget (minified KiB) of each generated function, checked by the `build` target. */
export const BUNDLE_BUDGET_KB = 400;

const pascal = (kebab: string): string => kebab.replace(/(^|-)([a-z0-9])/g, (_match, _dash, char: string) => char.toUpperCase());

/**
 * Applies the defaults and checks the options.
 * @param existingProjects names of the workspace's projects (a service must not take one)
 * @throws ServiceGeneratorError for a name or base path that is not kebab-case, a reserved or taken
 * name, or a team that is not `@org/team`.
 */
export const normalizeOptions = (schema: ServiceGeneratorSchema, existingProjects: readonly string[]): ServiceOptions => {
  const name = schema.name?.trim() ?? '';
  if (!KEBAB.test(name)) throw new ServiceGeneratorError(`"${name}" is not a valid service name: use lower-case kebab-case, e.g. "gift-cards".`);
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

/** A project.json target (the subset the generator writes). */
export interface TargetConfiguration {
  readonly executor?: string;
  readonly metadata?: { readonly description: string };
  readonly dependsOn?: readonly string[];
  readonly cache?: boolean;
  readonly inputs?: readonly unknown[];
  readonly outputs?: readonly string[];
  readonly options?: Readonly<Record<string, unknown>>;
  readonly defaultConfiguration?: string;
  readonly configurations?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A service's project.json: the same targets, shapes and stage configurations as every other service. */
export const serviceProjectConfiguration = (options: ServiceOptions, functions: readonly string[] = GENERATED_FUNCTIONS) => {
  const { name, projectRoot } = options;
  const bundles = functions.map((fn) => `bundle-${fn}`);
  const cdkCommand = [
    `rm -rf dist/${projectRoot}/cdk.out`,
    `&& cdk synth --app "tsx --tsconfig ${projectRoot}/tsconfig.json ${projectRoot}/src/infra/main.ts"`,
    `--output dist/${projectRoot}/cdk.out --context stage={args.stage} --quiet --no-notices --no-version-reporting`,
  ].join(' ');
  const targets: Record<string, TargetConfiguration> = {
    lint: { executor: '@nx/eslint:lint' },
    typecheck: {},
    test: { executor: '@nx/jest:jest' },
    integration: { executor: '@nx/jest:jest', options: { jestConfig: `${projectRoot}/jest.integration.config.cjs` } },
    ...Object.fromEntries(
      functions.map((fn) => [
        `bundle-${fn}`,
        {
          executor: '@nx/esbuild:esbuild',
          metadata: { description: `esbuild bundle of the ${fn} Lambda (shared options: nx.json targetDefaults)` },
          options: { main: `${projectRoot}/src/handlers/${fn}.handler.ts`, outputPath: `dist/${projectRoot}/bundles/${fn}` },
        },
      ]),
    ),
    build: {
      executor: 'nx:run-commands',
      metadata: { description: 'All Lambda bundles, then their minified sizes checked against the budget' },
      dependsOn: bundles,
      cache: true,
      inputs: [{ dependentTasksOutputFiles: '**/*', transitive: false }, '{workspaceRoot}/tools/scripts/bundle-sizes.mjs'],
      outputs: [],
      options: {
        command: [`node tools/scripts/bundle-sizes.mjs dist/${projectRoot}/bundles`, ...functions.map((fn) => `--max-kb ${fn}=${BUNDLE_BUDGET_KB}`)].join(' '),
      },
    },
    synth: {
      executor: 'nx:run-commands',
      metadata: { description: `cdk synth (with cdk-nag) of the ${name} stack into dist/${projectRoot}/cdk.out` },
      dependsOn: ['build'],
      cache: true,
      inputs: ['production', '^production', { dependentTasksOutputFiles: '**/*', transitive: true }],
      outputs: [`{workspaceRoot}/dist/${projectRoot}/cdk.out`],
      options: { command: cdkCommand, env: { CDK_DISABLE_VERSION_CHECK: '1' }, args: '--stage=dev' },
      defaultConfiguration: 'dev',
      configurations: { dev: { args: '--stage=dev' }, prod: { args: '--stage=prod' }, local: { args: '--stage=local' } },
    },
    deploy: {
      executor: 'nx:run-commands',
      metadata: { description: 'cdk deploy of the synthesized assembly (run synth for the same stage first; never cached)' },
      dependsOn: ['synth'],
      cache: false,
      options: {
        command: `cdk deploy --app dist/${projectRoot}/cdk.out --all --require-approval never --no-notices`,
        env: { CDK_DISABLE_VERSION_CHECK: '1' },
      },
      defaultConfiguration: 'dev',
      configurations: { dev: {}, prod: {}, local: { command: `tsx tools/local-cloud/src/cli/deploy.ts ${name}` } },
    },
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
  const width = Math.max(pattern.length + 1, ...appLines.map(({ line }) => (line.match(/^\S+\s+/)?.[0].length ?? 0)));
  const entry = `${pattern.padEnd(width)}${options.team}`;
  const at = appLines.length > 0 ? appLines[appLines.length - 1].index + 1 : lines.length - (lines[lines.length - 1] === '' ? 1 : 0);
  return [...lines.slice(0, at), entry, ...lines.slice(at)].join('\n');
};
