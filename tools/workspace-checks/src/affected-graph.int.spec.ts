import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createScratchWorkspace, type ScratchWorkspace } from './testing/scratch-workspace';

/**
 * `nx affected -t deploy` deploys exactly what a change touches: proved on a scratch copy of the
 * workspace with real commits, not assumed. Also: `synth` reruns when a bundle it packs changes,
 * and a cache restore never leaves a stale or missing `cdk.out`.
 */
jest.setTimeout(180_000);

let ws: ScratchWorkspace;
let services: string[];

beforeAll(async () => {
  ws = createScratchWorkspace('graph');
  services = JSON.parse((await ws.nxOk(['show', 'projects', '-t', 'deploy', '--json'])).stdout).sort();
});

afterAll(() => ws?.dispose());

/** Appends `line` to a file (a change that keeps it valid TypeScript). */
const append = (line: string) => (old: string) => `${old.trimEnd()}\n${line}\n`;

/** The apps (services) whose source imports `importPath`. */
const importersOf = (importPath: string): string[] =>
  services.filter((service) => {
    const srcDir = path.join(ws.root, 'apps', service, 'src');
    return readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .some((file) => readFileSync(path.join(srcDir, file), 'utf8').includes(`'${importPath}'`));
  });

describe('nx affected -t deploy', () => {
  it('knows every service', () => {
    expect(services).toEqual(expect.arrayContaining(['basket', 'inventory', 'order', 'payment', 'platform', 'product', 'shipping']));
  });

  it('a change inside apps/basket deploys basket only', async () => {
    const head = ws.commit('basket: change a handler', { 'apps/basket/src/handlers/router.handler.ts': append('// a change') }, ws.baseSha);
    expect(await ws.affected('deploy', ws.baseSha, head)).toEqual(['basket']);
  });

  // One contracts project per producer (libs/contracts/<producer>): a schema change reaches its
  // producer and the services that parse its events or commands, and nothing else.
  it.each([
    ['product', '@shop/product-contracts', ['basket']],
    ['order', '@shop/order-contracts', ['basket', 'shipping']],
    ['inventory', '@shop/inventory-contracts', ['order']],
    ['payment', '@shop/payment-contracts', ['order']],
    ['shipping', '@shop/shipping-contracts', []],
  ])('a change to the %s contracts (%s) deploys their producer and its consumers only', async (producer, importPath, knownConsumers) => {
    const consumers = importersOf(importPath).filter((service) => service !== producer);
    expect(consumers).toEqual(expect.arrayContaining(knownConsumers));

    const head = ws.commit(
      `${producer} contracts: change`,
      { [`libs/contracts/${producer}/src/index.ts`]: append('export const CONTRACT_PROBE = 1;') },
      ws.baseSha,
    );
    expect(await ws.affected('deploy', ws.baseSha, head)).toEqual([producer, ...consumers].sort());
  });

  it('a change to a lib every service uses (the CDK constructs) deploys every service', async () => {
    expect(importersOf('@shop/cdk')).toEqual(services);
    const head = ws.commit('cdk: change', { 'libs/cdk/src/index.ts': append('// a change') }, ws.baseSha);
    expect(await ws.affected('deploy', ws.baseSha, head)).toEqual(services);
  });

  it("a change to the plugin that infers the services' targets deploys every service", async () => {
    const head = ws.commit(
      'shop-plugin: change',
      { 'tools/shop-plugin/src/plugins/service-targets.ts': append('// a change') },
      ws.baseSha,
    );
    expect(await ws.affected('deploy', ws.baseSha, head)).toEqual(services);
  });

  it('a change to markdown files, in a service folder or not, deploys nothing', async () => {
    const head = ws.commit(
      'docs only',
      {
        'apps/basket/README.md': append('A note.'),
        'libs/cdk/README.md': append('A note.'),
        'docs/deploy-guide.md': append('A note.'),
        'README.md': append('A note.'),
      },
      ws.baseSha,
    );
    expect(await ws.affected('deploy', ws.baseSha, head)).toEqual([]);
  });

  it('a change to apps/e2e deploys nothing', async () => {
    // The end-to-end project drives the services; nothing depends on it. Made here if it does not exist yet.
    const base = ws.exists('apps/e2e/project.json')
      ? ws.baseSha
      : ws.commit(
          'e2e project',
          {
            'apps/e2e/project.json': JSON.stringify({
              name: 'e2e',
              projectType: 'application',
              tags: ['scope:shared', 'type:e2e'],
              implicitDependencies: services,
              targets: { e2e: { command: 'echo e2e' } },
            }),
            'apps/e2e/src/journey.e2e.spec.ts': "export const journey = 'checkout';\n",
          },
          ws.baseSha,
        );
    const head = ws.commit('e2e: change', { 'apps/e2e/src/probe.e2e.spec.ts': "export const probe = 'e2e change';\n" }, base);
    expect(await ws.affected('deploy', base, head)).toEqual([]);
  });
});

// A service's bundle targets are inferred from its handler files (tools/shop-plugin): a change to
// a handler rebuilds that service only, and a new handler file is a new function with its bundle.
describe('nx affected -t build', () => {
  it('a change to a handler of basket builds basket only', async () => {
    const head = ws.commit(
      'basket: change a handler',
      { 'apps/basket/src/handlers/on-order-events.handler.ts': append('// a change') },
      ws.baseSha,
    );
    expect(await ws.affected('build', ws.baseSha, head)).toEqual(['basket']);
  });

  it('a new handler file gives basket a bundle target that build depends on and budgets, and builds basket only', async () => {
    const head = ws.commit(
      'basket: a new function',
      { 'apps/basket/src/handlers/probe.handler.ts': "export const handler = async () => 'probe';\n" },
      ws.baseSha,
    );
    const basket = JSON.parse((await ws.nxOk(['show', 'project', 'basket', '--json'])).stdout) as {
      targets: Record<string, { dependsOn?: string[]; options?: { main?: string; outputPath?: string; command?: string } }>;
    };

    expect(basket.targets['bundle-probe']?.options).toMatchObject({
      main: 'apps/basket/src/handlers/probe.handler.ts',
      outputPath: 'dist/apps/basket/bundles/probe',
    });
    expect(basket.targets['build']?.dependsOn).toContain('bundle-probe');
    expect(basket.targets['build']?.options?.command).toContain('--max-kb probe=250');
    expect(await ws.affected('build', ws.baseSha, head)).toEqual(['basket']);
  });
});

describe('synth and the Nx cache', () => {
  const cdkOut = 'dist/apps/product/cdk.out';

  /** The router function's asset in the synthesized dev or prod template: its hash and whether its folder holds the bundle. */
  const routerAsset = (stage = 'dev') => {
    const template = JSON.parse(ws.read(`${cdkOut}/shop-${stage}-product.template.json`)) as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string>; Properties: { Code?: { S3Key?: string } } }>;
    };
    const [router] = Object.entries(template.Resources).filter(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('RouterFunction'),
    );
    const hash = router?.[1].Properties.Code?.S3Key?.replace(/\.zip$/, '') ?? 'none';
    expect(router?.[1].Metadata?.['aws:asset:path']).toBe(`asset.${hash}`);
    return { hash, bundle: ws.exists(`${cdkOut}/asset.${hash}/index.js`) ? ws.read(`${cdkOut}/asset.${hash}/index.js`) : undefined };
  };
  const assetFolders = () =>
    readdirSync(path.join(ws.root, cdkOut))
      .filter((f) => f.startsWith('asset.'))
      .sort();
  /** The asset folders the dev template's functions point at: exactly these may be in cdk.out (none stale, none missing). */
  const functionAssets = () => {
    const template = JSON.parse(ws.read(`${cdkOut}/shop-dev-product.template.json`)) as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    const paths = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => resource.Metadata?.['aws:asset:path'] ?? 'missing');
    return [...new Set(paths)].sort();
  };
  const synth = async (configuration = 'dev') => (await ws.nxOk(['run', `product:synth:${configuration}`, '--output-style=static'])).stdout;
  const fromCache = (output: string, configuration = 'dev') =>
    new RegExp(`product:synth:${configuration}\\s+\\[local cache\\]`).test(output);

  let original: { hash: string; bundle?: string };

  beforeAll(async () => {
    ws.git('checkout', '--quiet', '-b', 'synth', ws.baseSha);
    await synth();
    original = routerAsset();
  });

  it('packs the router bundle into the assembly', () => {
    expect(original.bundle).toContain('exports');
    expect(functionAssets().length).toBeGreaterThanOrEqual(2);
    expect(assetFolders()).toEqual(functionAssets());
  });

  it('reruns when a handler changes, and the template points at the new bundle only', async () => {
    ws.commit('product: change the router', {
      'apps/product/src/handlers/router.handler.ts': append("export const SYNTH_PROBE = 'synth-probe-1';"),
    });

    const output = await synth();
    const changed = routerAsset();

    expect(fromCache(output)).toBe(false);
    expect(changed.hash).not.toBe(original.hash);
    expect(changed.bundle).toContain('synth-probe-1');
    expect(assetFolders()).not.toContain(`asset.${original.hash}`);
  });

  it('restores the earlier assembly from the cache when the handler is changed back, with no stale asset left', async () => {
    ws.git('checkout', '--quiet', ws.baseSha, '--', 'apps/product/src/handlers/router.handler.ts');

    const output = await synth();

    expect(fromCache(output)).toBe(true);
    expect(routerAsset()).toEqual(original);
    expect(assetFolders()).toEqual(functionAssets());
  });

  it('restores a deleted assembly from the cache', async () => {
    ws.git('clean', '-dfxq', 'dist');
    expect(ws.exists(cdkOut)).toBe(false);

    const output = await synth();

    expect(fromCache(output)).toBe(true);
    expect(routerAsset()).toEqual(original);
  });

  it('keeps stages apart: prod is synthesized on its own, and going back to dev leaves no prod template', async () => {
    const prodOutput = await synth('prod');
    expect(fromCache(prodOutput, 'prod')).toBe(false);
    expect(ws.exists(`${cdkOut}/shop-prod-product.template.json`)).toBe(true);
    expect(ws.exists(`${cdkOut}/shop-dev-product.template.json`)).toBe(false);

    const devOutput = await synth('dev');
    expect(fromCache(devOutput)).toBe(true);
    expect(ws.exists(`${cdkOut}/shop-prod-product.template.json`)).toBe(false);
    expect(routerAsset()).toEqual(original);
  });
});
