import { isWatchedSource, planChanges, type PlannedService } from './change-plan';
import { dependentsOf, projectOf, projectsOf, type ProjectNode } from './project-graph';

/** A small workspace: two services on shared libs, product's stack on libs/cdk. */
const projects: ProjectNode[] = [
  { name: 'product', root: 'apps/product', tags: ['type:app'], dependencies: ['http', 'cdk', 'product-contracts'] },
  { name: 'basket', root: 'apps/basket', tags: ['type:app'], dependencies: ['http', 'product-contracts'] },
  { name: 'e2e', root: 'apps/e2e', tags: ['type:e2e'], dependencies: ['http'] },
  { name: 'http', root: 'libs/http', tags: [], dependencies: ['domain'] },
  { name: 'domain', root: 'libs/domain', tags: [], dependencies: [] },
  { name: 'cdk', root: 'libs/cdk', tags: ['type:infra'], dependencies: [] },
  { name: 'product-contracts', root: 'libs/contracts/product', tags: [], dependencies: ['domain'] },
];

const service = (name: string, overrides: Partial<PlannedService> = {}): PlannedService => ({
  name,
  project: name,
  root: `apps/${name}`,
  stackInputs: new Set([`apps/${name}/src/infra/main.ts`, `apps/${name}/src/infra/${name}-stack.ts`, 'libs/cdk/src/index.ts']),
  bundleInputs: new Set([`apps/${name}/src/handlers/router.handler.ts`, 'libs/http/src/index.ts', 'libs/domain/src/money.ts']),
  handlerFiles: new Set([`apps/${name}/src/handlers/router.handler.ts`]),
  ...overrides,
});

const services = [service('product'), service('basket', { stackInputs: new Set(['apps/basket/src/infra/main.ts']) })];

describe('the project graph', () => {
  it('reads the nodes and the workspace dependencies of `nx graph --file`, npm packages left out', () => {
    const document = {
      graph: {
        nodes: {
          product: { name: 'product', type: 'app', data: { root: 'apps/product', tags: ['type:app'] } },
          http: { name: 'http', type: 'lib', data: { root: 'libs/http' } },
        },
        dependencies: {
          product: [
            { source: 'product', target: 'http', type: 'static' },
            { source: 'product', target: 'npm:zod', type: 'static' },
          ],
          http: [],
        },
      },
    };
    expect(projectsOf(document)).toEqual([
      { name: 'product', root: 'apps/product', tags: ['type:app'], dependencies: ['http'] },
      { name: 'http', root: 'libs/http', tags: [], dependencies: [] },
    ]);
  });

  it('finds the project of a file by the longest root that holds it, and every project that depends on one', () => {
    expect(projectOf('libs/contracts/product/src/events.ts', projects)?.name).toBe('product-contracts');
    expect(projectOf('apps/productivity/x.ts', projects)).toBeUndefined();
    expect([...dependentsOf('domain', projects)].sort()).toEqual(['basket', 'domain', 'e2e', 'http', 'product', 'product-contracts']);
    expect([...dependentsOf('cdk', projects)].sort()).toEqual(['cdk', 'product']);
  });
});

describe('planChanges', () => {
  it('rebundles the service whose handler changed, and only it', () => {
    expect(planChanges(['apps/product/src/handlers/router.handler.ts'], projects, services)).toEqual(new Map([['product', 'bundle']]));
  });

  it('rebundles every service a changed lib reaches through the graph', () => {
    expect(planChanges(['libs/domain/src/money.ts'], projects, services)).toEqual(
      new Map([
        ['product', 'bundle'],
        ['basket', 'bundle'],
      ]),
    );
  });

  it('synthesizes again the service whose stack reads the file (its own infra, or a lib like libs/cdk), not the others', () => {
    expect(planChanges(['apps/product/src/infra/product-stack.ts'], projects, services)).toEqual(new Map([['product', 'synth']]));
    expect(planChanges(['libs/cdk/src/index.ts'], projects, services)).toEqual(new Map([['product', 'synth']]));
  });

  it('synthesizes for a new handler file (a new function) and a changed project.json; a synth wins over a bundle in one batch', () => {
    expect(planChanges(['apps/basket/src/handlers/export.handler.ts'], projects, services)).toEqual(new Map([['basket', 'synth']]));
    expect(planChanges(['apps/basket/project.json'], projects, services)).toEqual(new Map([['basket', 'synth']]));
    expect(
      planChanges(['apps/product/src/infra/product-stack.ts', 'apps/product/src/handlers/router.handler.ts'], projects, services),
    ).toEqual(new Map([['product', 'synth']]));
  });

  it('leaves alone what no bundle or stack reads: tests, docs, a file of a lib no bundle imports, a project that is no service', () => {
    expect(
      planChanges(
        [
          'apps/product/src/handlers/router.handler.spec.ts',
          'apps/product/README.md',
          'libs/http/src/__tests__/x.ts',
          'libs/http/src/unused.ts',
          'apps/e2e/src/journeys.ts',
        ],
        projects,
        services,
      ),
    ).toEqual(new Map());
  });

  it('rebundles on any change of its own or of a dependency while its bundles are not built yet', () => {
    const unbuilt = [service('product', { bundleInputs: undefined })];
    expect(planChanges(['libs/http/src/unused.ts'], projects, unbuilt)).toEqual(new Map([['product', 'bundle']]));
  });

  it('watches sources only', () => {
    expect(isWatchedSource('apps/product/src/domain/product.ts')).toBe(true);
    expect(isWatchedSource('libs/cdk/src/feature-flags.json')).toBe(true);
    expect(isWatchedSource('apps/product/src/domain/product.spec.ts')).toBe(false);
    expect(isWatchedSource('apps/product/src/domain/.product.ts.swp')).toBe(false);
    expect(isWatchedSource('libs/http/node_modules/x/index.js')).toBe(false);
  });
});
