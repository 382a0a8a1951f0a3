/**
 * The shop's Nx plugin (`createNodes`, registered in nx.json): a service's bundle, build, synth and
 * deploy targets inferred from its files, so that its project.json holds its name, tags and the
 * checks every project has (lint, typecheck, test, integration), and nothing per function.
 *
 * A service is a project whose root holds `project.json` and `src/infra/main.ts` (its CDK app)
 * under `apps/`. Each `src/handlers/<fn>.handler.ts` is one Lambda function, bundled by `bundle-<fn>`.
 *
 * Nx loads this file with Node's own TypeScript support (ES module): hence `import type` for every
 * type and the `.ts` extension of relative imports.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createNodesFromFiles, type CreateNodes, type CreateNodesResult, type TargetConfiguration } from '@nx/devkit';

/** Options of the plugin in nx.json (`plugins[].options`). */
export interface ServiceTargetsOptions {
  /**
   * Minified size budget (KiB) of every function's bundle, checked by `build`. A service raises one
   * function's budget in its project.json: `"build": { "options": { "args": "--max-kb <fn>=<kb>" } }`
   * (the later `--max-kb` of a function wins).
   * @default 250
   */
  readonly bundleBudgetKb?: number;
}

/** The budget of a bundle when nx.json sets none: decision 0004's, for every function (issue 14, cold starts). */
export const DEFAULT_BUNDLE_BUDGET_KB = 250;

/** What marks a service: its CDK app entry. */
export const SERVICE_ENTRY_GLOB = 'apps/*/src/infra/main.ts';

/** A Lambda function's entry point: `src/handlers/<fn>.handler.ts`. */
const HANDLER_SUFFIX = '.handler.ts';

/**
 * This file, as an input of every service's synth: `nx affected` then takes a change to how the
 * services are built, synthesized or deployed for a change to every service, as it does for nx.json.
 */
export const PLUGIN_SOURCE = '{workspaceRoot}/tools/shop-plugin/src/plugins/service-targets.ts';

/** The stages each service synthesizes and deploys, as Nx configurations: libs/cdk's stage table (a workspace check keeps them equal). */
export const STAGES: readonly string[] = ['dev', 'prod', 'local'];

/** What a service is made of, as read from its files. */
export interface ServiceLayout {
  /** Project root, e.g. `apps/order`. */
  readonly root: string;
  /** Service name: the root's folder, as the stack, SSM paths and the local cloud know it. */
  readonly name: string;
  /** Its functions, named after their handler files, sorted. */
  readonly functions: readonly string[];
  /** Whether it declares an HTTP API (`src/api/routes.ts`, see {@link API_ROUTES_FILE}): it then has an `openapi` target. */
  readonly hasApi?: boolean;
}

/** Where a service declares its HTTP API (`export const api = defineApi(...)`, @shop/http/api), relative to its root. */
export const API_ROUTES_FILE = 'src/api/routes.ts';

/** The script that writes a service's OpenAPI document from its API (run with tsx). */
export const OPENAPI_WRITER = 'libs/http/src/api/write-openapi.ts';

/**
 * What every bundle takes `semver` for (see the file): its `gte`, instead of the whole package.
 * An input of every bundle target.
 */
export const SEMVER_SHIM = 'tools/shop-plugin/bundle/semver.cjs';

/**
 * The esbuild options of every bundle (decision 0004): CommonJS for the `nodejs24.x` runtime, the AWS
 * SDK v3 left to the runtime, everything else bundled, minified and tree-shaken (`module` first),
 * `semver` replaced by its `gte` ({@link SEMVER_SHIM}), source maps without sources, no type checking
 * (that is `typecheck`).
 */
const esbuildOptions = (root: string) => ({
  outputFileName: 'index.js',
  tsConfig: `${root}/tsconfig.json`,
  platform: 'node',
  target: 'node24',
  format: ['cjs'],
  bundle: true,
  thirdParty: true,
  external: ['@aws-sdk/*'],
  minify: true,
  sourcemap: true,
  skipTypeCheck: true,
  generatePackageJson: false,
  assets: [],
  esbuildOptions: {
    outExtension: { '.js': '.js' },
    mainFields: ['module', 'main'],
    sourcesContent: false,
    legalComments: 'none',
    alias: { semver: `./${SEMVER_SHIM}` },
  },
});

/** Nx configurations, one per stage, each giving `overrides(stage)`. */
const perStage = (overrides: (stage: string) => Record<string, unknown>) =>
  Object.fromEntries(STAGES.map((stage) => [stage, overrides(stage)]));

/**
 * The inferred targets of a service: `bundle-<fn>` per function, `build` (every bundle, then the
 * size check), `synth` per stage into `dist/<root>/cdk.out`, and `deploy` of that assembly (to AWS,
 * or into the running local cloud for `local`). A service without functions (platform) synthesizes
 * and deploys only. A service with an HTTP API ({@link API_ROUTES_FILE}) gets `openapi`, its
 * OpenAPI 3.1 document in `dist/<root>/openapi.json`, which `build` depends on.
 */
export const serviceTargets = (
  { root, name, functions, hasApi = false }: ServiceLayout,
  { bundleBudgetKb = DEFAULT_BUNDLE_BUDGET_KB }: ServiceTargetsOptions = {},
): Record<string, TargetConfiguration> => {
  const dist = `dist/${root}`;
  const cdkOut = `${dist}/cdk.out`;
  const bundles = functions.map((fn) => `bundle-${fn}`);
  const bundleTargets = Object.fromEntries(
    functions.map((fn): [string, TargetConfiguration] => [
      `bundle-${fn}`,
      {
        executor: '@nx/esbuild:esbuild',
        metadata: { description: `esbuild bundle of the ${fn} Lambda (${root}/src/handlers/${fn}${HANDLER_SUFFIX})` },
        cache: true,
        dependsOn: [],
        // The stack is not in the bundle: a change to src/infra resynthesizes without rebundling.
        inputs: ['production', '!{projectRoot}/src/infra/**/*', '^production', `{workspaceRoot}/${SEMVER_SHIM}`],
        outputs: ['{options.outputPath}'],
        options: { ...esbuildOptions(root), main: `${root}/src/handlers/${fn}${HANDLER_SUFFIX}`, outputPath: `${dist}/bundles/${fn}` },
      },
    ]),
  );
  const openapi: Record<string, TargetConfiguration> = hasApi
    ? {
        openapi: {
          executor: 'nx:run-commands',
          metadata: {
            description: `OpenAPI 3.1 document of the ${name} API, from its route table (${root}/${API_ROUTES_FILE}), into ${dist}/openapi.json`,
          },
          cache: true,
          dependsOn: [],
          // The route table, the domain schemas it names and the libs: not the stack, not the tests.
          inputs: ['production', '!{projectRoot}/src/infra/**/*', '^production'],
          outputs: [`{workspaceRoot}/${dist}/openapi.json`],
          options: { command: `tsx --tsconfig ${root}/tsconfig.json ${OPENAPI_WRITER} ${root} ${dist}/openapi.json` },
        },
      }
    : {};
  const build: Record<string, TargetConfiguration> =
    functions.length === 0
      ? {}
      : {
          build: {
            executor: 'nx:run-commands',
            metadata: { description: 'All Lambda bundles, then their minified sizes checked against the budget' },
            dependsOn: hasApi ? [...bundles, 'openapi'] : bundles,
            cache: true,
            // The bundles are the input, not the sources: a change that bundles to the same bytes checks nothing again.
            inputs: [{ dependentTasksOutputFiles: '**/*', transitive: false }, '{workspaceRoot}/tools/scripts/bundle-sizes.mjs'],
            outputs: [],
            options: {
              command: [
                `node tools/scripts/bundle-sizes.mjs ${dist}/bundles`,
                ...functions.map((fn) => `--max-kb ${fn}=${bundleBudgetKb}`),
              ].join(' '),
            },
          },
        };
  return {
    ...bundleTargets,
    ...openapi,
    ...build,
    synth: {
      executor: 'nx:run-commands',
      metadata: { description: `cdk synth (with cdk-nag) of the ${name} stack into ${cdkOut}` },
      dependsOn: functions.length === 0 ? [] : ['build'],
      cache: true,
      // With functions, the bundles the assembly packs are inputs too.
      inputs: [
        'production',
        '^production',
        ...(functions.length === 0 ? [] : [{ dependentTasksOutputFiles: '**/*', transitive: true }]),
        PLUGIN_SOURCE,
      ],
      outputs: [`{workspaceRoot}/${cdkOut}`],
      options: {
        // Cleared first, so that no other stage's template lingers in a cached assembly.
        command: [
          `rm -rf ${cdkOut}`,
          `&& cdk synth --app "tsx --tsconfig ${root}/tsconfig.json ${root}/src/infra/main.ts"`,
          `--output ${cdkOut} --context stage={args.stage} --quiet --no-notices --no-version-reporting`,
        ].join(' '),
        env: { CDK_DISABLE_VERSION_CHECK: '1' },
        args: '--stage=dev',
      },
      defaultConfiguration: 'dev',
      configurations: perStage((stage) => ({
        args: `--stage=${stage}`,
        // The local stage is never deployed to AWS: it skips aws-cdk-lib's template validation (a
        // WebAssembly rules engine built for every synth, ~4 s of CPU a service, that only warns);
        // dev and prod, what is deployed, keep it. The templates are the same either way.
        ...(stage === 'local' ? { env: { CDK_DISABLE_VERSION_CHECK: '1', CDK_VALIDATION: 'false' } } : {}),
      })),
    },
    deploy: {
      executor: 'nx:run-commands',
      metadata: { description: 'cdk deploy of the synthesized assembly (run synth for the same stage first; never cached)' },
      dependsOn: ['synth'],
      cache: false,
      options: {
        command: `cdk deploy --app ${cdkOut} --all --require-approval never --no-notices`,
        env: { CDK_DISABLE_VERSION_CHECK: '1' },
      },
      defaultConfiguration: 'dev',
      configurations: perStage((stage) => (stage === 'local' ? { command: `tsx tools/local-cloud/src/cli/deploy.ts ${name}` } : {})),
    },
  };
};

/**
 * Reads a service's layout from the workspace, given its `src/infra/main.ts`; undefined when the
 * folder is not an Nx project (no project.json), which then stays none.
 */
export const readServiceLayout = (workspaceRoot: string, entry: string): ServiceLayout | undefined => {
  const root = path.posix.dirname(path.posix.dirname(path.posix.dirname(entry)));
  if (!existsSync(path.join(workspaceRoot, root, 'project.json'))) return undefined;
  const handlersDir = path.join(workspaceRoot, root, 'src/handlers');
  const functions = existsSync(handlersDir)
    ? readdirSync(handlersDir, { withFileTypes: true })
        .filter((file) => file.isFile() && file.name.endsWith(HANDLER_SUFFIX))
        .map((file) => file.name.slice(0, -HANDLER_SUFFIX.length))
        .sort()
    : [];
  const hasApi = existsSync(path.join(workspaceRoot, root, API_ROUTES_FILE));
  return { root, name: path.posix.basename(root), functions, ...(hasApi ? { hasApi } : {}) };
};

/** Nx's entry: every service's inferred targets, merged under its project.json (which wins where both set a target). */
export const createNodes: CreateNodes<ServiceTargetsOptions> = [
  SERVICE_ENTRY_GLOB,
  (entries, options, context) =>
    createNodesFromFiles(
      (entry, opts, ctx): CreateNodesResult => {
        const layout = readServiceLayout(ctx.workspaceRoot, entry);
        return layout ? { projects: { [layout.root]: { targets: serviceTargets(layout, opts) } } } : {};
      },
      entries,
      options,
      context,
    ),
];
