import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { resolvedProjects } from './testing/project-graph';

/**
 * A service's bundle, build, synth and deploy targets are inferred by the shop's Nx plugin
 * (tools/shop-plugin) from its files. Nx resolves every service to what its hand-written
 * project.json gave on main (the fixture, `nx graph --file` there): the same targets, executors,
 * options, dependsOn, inputs, outputs, cache flags and configurations, but for the differences
 * listed in `asOnMain`. A deliberate change to a service's targets updates the fixture with it.
 */
const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/service-projects.main.json'), 'utf8')) as Record<
  string,
  ProjectConfiguration
>;
const projects = resolvedProjects();

const BUNDLE_SIZES = /^(node tools\/scripts\/bundle-sizes\.mjs \S+)((?: --max-kb [a-z0-9-]+=\d+)*)$/;

/** A build command as the bundles folder and the budget of each function (their order in the command does not matter). */
const parseBuildCommand = (command: string) => {
  const match = BUNDLE_SIZES.exec(command);
  if (!match) throw new Error(`Not a bundle-sizes command: ${command}`);
  const budgets = [...(match[2] ?? '').matchAll(/--max-kb ([a-z0-9-]+)=(\d+)/g)].map(([, fn, kb]) => [fn, Number(kb)]);
  return { run: match[1], budgets: Object.fromEntries(budgets) as Record<string, number> };
};

/**
 * A project with what may differ from main taken out or made order-free:
 * - target descriptions (`metadata.description`) are the plugin's, one wording per target kind;
 * - `build` lists the bundles in the order of the handler files (sorted), in dependsOn and in its
 *   budgets, where each project.json had its own order.
 */
const comparable = (project: ProjectConfiguration) => {
  const targets = Object.fromEntries(
    Object.entries(project.targets ?? {}).map(([name, target]): [string, unknown] => {
      const { metadata, ...rest } = structuredClone(target) as TargetConfiguration & { metadata?: Record<string, unknown> };
      const otherMetadata = { ...metadata };
      delete otherMetadata['description'];
      const kept = Object.keys(otherMetadata).length > 0 ? { ...rest, metadata: otherMetadata } : rest;
      if (name !== 'build') return [name, kept];
      return [
        name,
        {
          ...kept,
          dependsOn: [...(kept.dependsOn ?? [])].sort(),
          options: { ...kept.options, command: parseBuildCommand(kept.options.command) },
        },
      ];
    }),
  );
  return { ...project, targets };
};

/**
 * Main's configuration with the intended changes applied:
 * - synth has the plugin's source among its inputs: `nx affected` takes a change to how services are
 *   built, synthesized or deployed for a change to every service, as it did when nx.json held it;
 * - shipping's on-order-confirmed and publish-events bundles had no size budget (an omission in
 *   its project.json); every function now has the workspace's budget (250 KB);
 * - every service with an HTTP API (all but platform) has `openapi`, its OpenAPI 3.1 document
 *   written from its route table into dist/apps/<name>/openapi.json, and build depends on it.
 */
const SERVICES_WITH_API = ['basket', 'inventory', 'order', 'payment', 'product', 'shipping'];

const openapiTarget = (name: string) => ({
  executor: 'nx:run-commands',
  cache: true,
  dependsOn: [],
  inputs: ['production', '!{projectRoot}/src/infra/**/*', '^production'],
  outputs: [`{workspaceRoot}/dist/apps/${name}/openapi.json`],
  options: {
    command: `tsx --tsconfig apps/${name}/tsconfig.json libs/http/src/api/write-openapi.ts apps/${name} dist/apps/${name}/openapi.json`,
  },
  configurations: {},
  parallelism: true,
});

const asOnMain = (name: string) => {
  const expected = comparable(fixture[name] as ProjectConfiguration);
  if (SERVICES_WITH_API.includes(name)) {
    expected.targets['openapi'] = openapiTarget(name);
    const build = expected.targets['build'] as { dependsOn: string[] };
    build.dependsOn = [...build.dependsOn, 'openapi'].sort();
  }
  (expected.targets['synth'] as { inputs: unknown[] }).inputs.push('{workspaceRoot}/tools/shop-plugin/src/plugins/service-targets.ts');
  if (name === 'shipping') {
    const build = expected.targets['build'] as { options: { command: { budgets: Record<string, number> } } };
    build.options.command.budgets = { ...build.options.command.budgets, 'on-order-confirmed': 250, 'publish-events': 250 };
  }
  return expected;
};

describe('the inferred targets of the services', () => {
  const services = Object.keys(fixture).sort();

  it('cover every service of main, and every project with a deploy target is one of them', () => {
    expect(services).toEqual(['basket', 'inventory', 'order', 'payment', 'platform', 'product', 'shipping']);
    const deployable = Object.entries(projects)
      .filter(([, project]) => project.targets?.['deploy'] !== undefined)
      .map(([name]) => name)
      .sort();
    expect(deployable).toEqual(services);
  });

  it.each(services)('resolve %s to its configuration on main', (name) => {
    expect(comparable(projects[name] as ProjectConfiguration)).toEqual(asOnMain(name));
  });

  it.each(services)('describe every target of %s that Nx shows with a description', (name) => {
    const described = (project: ProjectConfiguration) =>
      Object.entries(project.targets ?? {})
        .filter(([, target]) => typeof target.metadata?.description === 'string' && target.metadata.description.length > 0)
        .map(([target]) => target)
        .sort();
    const onMain = described(fixture[name] as ProjectConfiguration);
    expect(described(projects[name] as ProjectConfiguration)).toEqual(
      SERVICES_WITH_API.includes(name) ? [...onMain, 'openapi'].sort() : onMain,
    );
  });

  it('give every function of a service a bundle, built by build and checked against a budget', () => {
    for (const name of services) {
      const targets = projects[name]?.targets ?? {};
      const bundles = Object.keys(targets).filter((target) => target.startsWith('bundle-'));
      const dependsOnBundles = (build: TargetConfiguration) => (build.dependsOn ?? []).filter((target) => target !== 'openapi');
      if (bundles.length === 0) {
        expect([name, targets['build']]).toEqual([name, undefined]);
        continue;
      }
      const build = targets['build'] as TargetConfiguration;
      expect([name, [...dependsOnBundles(build)].sort()]).toEqual([name, bundles.sort()]);
      expect([name, Object.keys(parseBuildCommand(build.options.command).budgets).sort()]).toEqual([
        name,
        bundles.map((b) => b.slice('bundle-'.length)).sort(),
      ]);
    }
  });
});
