import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CreateNodesContext } from '@nx/devkit';
import {
  API_ROUTES_FILE,
  createNodes,
  OPENAPI_WRITER,
  PLUGIN_SOURCE,
  readServiceLayout,
  SERVICE_ENTRY_GLOB,
  serviceTargets,
} from './service-targets.ts';

const order = { root: 'apps/order', name: 'order', functions: ['place-order', 'router'] };

describe('serviceTargets', () => {
  const targets = serviceTargets(order);

  it('has a bundle per function, then build, synth and deploy', () => {
    expect(Object.keys(targets)).toEqual(['bundle-place-order', 'bundle-router', 'build', 'synth', 'deploy']);
  });

  it('bundles a function from its handler file into dist/<root>/bundles/<fn>, cached, without the stack among its inputs', () => {
    expect(targets['bundle-place-order']).toMatchObject({
      executor: '@nx/esbuild:esbuild',
      cache: true,
      dependsOn: [],
      inputs: ['production', '!{projectRoot}/src/infra/**/*', '^production', '{workspaceRoot}/tools/shop-plugin/bundle/semver.cjs'],
      outputs: ['{options.outputPath}'],
      options: {
        main: 'apps/order/src/handlers/place-order.handler.ts',
        outputPath: 'dist/apps/order/bundles/place-order',
        tsConfig: 'apps/order/tsconfig.json',
        format: ['cjs'],
        target: 'node24',
        external: ['@aws-sdk/*'],
        minify: true,
      },
    });
  });

  it('builds every bundle, then checks each against the budget, from the bundles alone', () => {
    expect(targets.build).toMatchObject({
      dependsOn: ['bundle-place-order', 'bundle-router'],
      cache: true,
      inputs: [{ dependentTasksOutputFiles: '**/*', transitive: false }, '{workspaceRoot}/tools/scripts/bundle-sizes.mjs'],
      options: { command: 'node tools/scripts/bundle-sizes.mjs dist/apps/order/bundles --max-kb place-order=250 --max-kb router=250' },
    });
  });

  it('takes the budget from the plugin options', () => {
    expect(serviceTargets(order, { bundleBudgetKb: 512 }).build?.options?.command).toBe(
      'node tools/scripts/bundle-sizes.mjs dist/apps/order/bundles --max-kb place-order=512 --max-kb router=512',
    );
  });

  it('synthesizes after build, with the bundles among its inputs, one configuration per stage', () => {
    expect(targets.synth).toMatchObject({
      dependsOn: ['build'],
      cache: true,
      inputs: ['production', '^production', { dependentTasksOutputFiles: '**/*', transitive: true }, PLUGIN_SOURCE],
      outputs: ['{workspaceRoot}/dist/apps/order/cdk.out'],
      defaultConfiguration: 'dev',
      configurations: { dev: { args: '--stage=dev' }, prod: { args: '--stage=prod' }, local: { args: '--stage=local' } },
    });
    expect(targets.synth?.options?.command).toBe(
      'rm -rf dist/apps/order/cdk.out && cdk synth --app "tsx --tsconfig apps/order/tsconfig.json apps/order/src/infra/main.ts" --output dist/apps/order/cdk.out --context stage={args.stage} --quiet --no-notices --no-version-reporting',
    );
  });

  it('deploys the synthesized assembly, never cached, and the local stage into the local cloud', () => {
    expect(targets.deploy).toMatchObject({
      dependsOn: ['synth'],
      cache: false,
      options: { command: 'cdk deploy --app dist/apps/order/cdk.out --all --require-approval never --no-notices' },
      defaultConfiguration: 'dev',
      configurations: { dev: {}, prod: {}, local: { command: 'tsx tools/local-cloud/src/cli/deploy.ts order' } },
    });
  });

  it('gives a service with an HTTP API an openapi target (cached, its document in dist/<root>/openapi.json) that build depends on', () => {
    const withApi = serviceTargets({ ...order, hasApi: true });
    expect(Object.keys(withApi)).toEqual(['bundle-place-order', 'bundle-router', 'openapi', 'build', 'synth', 'deploy']);
    expect(withApi.openapi).toMatchObject({
      executor: 'nx:run-commands',
      cache: true,
      dependsOn: [],
      inputs: ['production', '!{projectRoot}/src/infra/**/*', '^production'],
      outputs: ['{workspaceRoot}/dist/apps/order/openapi.json'],
      options: { command: `tsx --tsconfig apps/order/tsconfig.json ${OPENAPI_WRITER} apps/order dist/apps/order/openapi.json` },
    });
    expect(withApi.build?.dependsOn).toEqual(['bundle-place-order', 'bundle-router', 'openapi']);
    expect(existsSync(path.join(__dirname, '../../../..', OPENAPI_WRITER))).toBe(true);
    expect(targets['openapi']).toBeUndefined();
  });

  it('gives a service without functions synth and deploy only, synth depending on nothing', () => {
    const platform = serviceTargets({ root: 'apps/platform', name: 'platform', functions: [] });
    expect(Object.keys(platform)).toEqual(['synth', 'deploy']);
    expect(platform.synth).toMatchObject({ dependsOn: [], inputs: ['production', '^production', PLUGIN_SOURCE] });
  });

  it('names this file as an input of synth, so that a change to it affects every service', () => {
    const source = path.join(__dirname, '../../../..', PLUGIN_SOURCE.replace('{workspaceRoot}/', ''));
    expect(source).toBe(path.join(__dirname, 'service-targets.ts'));
    expect(existsSync(source)).toBe(true);
  });
});

describe('reading a service from the workspace', () => {
  let workspace: string;
  const write = (file: string, content = '') => {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    writeFileSync(path.join(workspace, file), content);
  };
  const context: () => CreateNodesContext = () => ({ workspaceRoot: workspace, nxJsonConfiguration: {} });

  beforeEach(() => {
    workspace = mkdtempSync(path.join(tmpdir(), 'shop-plugin-'));
    write('apps/basket/project.json', '{}');
    write('apps/basket/src/infra/main.ts');
    for (const file of [
      'router.handler.ts',
      'order-events.handler.ts',
      'router.handler.spec.ts',
      'basket-flow.int.spec.ts',
      'order-reconciler.ts',
      'testing/lambda-env.ts',
    ]) {
      write(`apps/basket/src/handlers/${file}`);
    }
    write('apps/platform/project.json', '{}');
    write('apps/platform/src/infra/main.ts');
    write('apps/sketch/src/infra/main.ts');
  });

  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('is marked by its CDK app entry under apps/', () => {
    expect(SERVICE_ENTRY_GLOB).toBe('apps/*/src/infra/main.ts');
  });

  it('names a function after each src/handlers/<fn>.handler.ts, sorted, and nothing else', () => {
    expect(readServiceLayout(workspace, 'apps/basket/src/infra/main.ts')).toEqual({
      root: 'apps/basket',
      name: 'basket',
      functions: ['order-events', 'router'],
    });
  });

  it('has an HTTP API when it has src/api/routes.ts', () => {
    write(`apps/basket/${API_ROUTES_FILE}`);
    expect(readServiceLayout(workspace, 'apps/basket/src/infra/main.ts')).toEqual({
      root: 'apps/basket',
      name: 'basket',
      functions: ['order-events', 'router'],
      hasApi: true,
    });
  });

  it('has no functions without a handlers folder', () => {
    expect(readServiceLayout(workspace, 'apps/platform/src/infra/main.ts')).toEqual({
      root: 'apps/platform',
      name: 'platform',
      functions: [],
    });
  });

  it('is no project without a project.json', () => {
    expect(readServiceLayout(workspace, 'apps/sketch/src/infra/main.ts')).toBeUndefined();
  });

  it('gives Nx the targets of every service found, and nothing for a folder that is no project', async () => {
    const [pattern, create] = createNodes;
    const entries = ['apps/basket/src/infra/main.ts', 'apps/platform/src/infra/main.ts', 'apps/sketch/src/infra/main.ts'];

    const results = await create(entries, { bundleBudgetKb: 300 }, context());

    expect(pattern).toBe(SERVICE_ENTRY_GLOB);
    expect(results.map(([file, result]) => [file, Object.keys(result.projects ?? {})])).toEqual([
      ['apps/basket/src/infra/main.ts', ['apps/basket']],
      ['apps/platform/src/infra/main.ts', ['apps/platform']],
      ['apps/sketch/src/infra/main.ts', []],
    ]);
    const basket = results[0]?.[1].projects?.['apps/basket'];
    expect(Object.keys(basket?.targets ?? {})).toEqual(['bundle-order-events', 'bundle-router', 'build', 'synth', 'deploy']);
    expect(basket?.targets?.build?.options?.command).toContain('--max-kb router=300');
  });
});
