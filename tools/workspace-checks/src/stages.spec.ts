import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resolvedProjects } from './testing/project-graph';

/**
 * Stages: every deployable service synthesizes and deploys for each stage of the typed stage table
 * (libs/cdk/src/stage-config.ts) as an Nx configuration, and what differs by stage lives in that
 * table only, never in a stack.
 */
const workspaceRoot = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(workspaceRoot, file), 'utf8');

interface Target {
  command?: string;
  cache?: boolean;
  outputs?: string[];
  options?: { command?: string; args?: string };
  defaultConfiguration?: string;
  configurations?: Record<string, { args?: string; command?: string }>;
}

const stageNames = (): string[] => {
  const match = /export const STAGE_NAMES = \[([^\]]*)\] as const/.exec(read('libs/cdk/src/stage-config.ts'));
  return [...(match?.[1] ?? '').matchAll(/'([a-z]+)'/g)].map((m) => m[1] ?? '');
};

// As Nx resolves them: a service's synth and deploy are inferred by the shop's plugin (tools/shop-plugin).
const services = Object.values(resolvedProjects())
  .map((project) => ({ name: project.name ?? '', targets: (project.targets ?? {}) as Record<string, Target> }))
  .filter((project) => project.targets.deploy !== undefined)
  .map((project) => ({ name: project.name, synth: project.targets.synth ?? {}, deploy: project.targets.deploy ?? {} }));

describe('stages', () => {
  const stages = stageNames();

  it('are dev, prod and local, in the typed stage table', () => {
    expect(stages).toEqual(['dev', 'prod', 'local']);
  });

  it('finds the deployable services', () => {
    expect(services.length).toBeGreaterThanOrEqual(7);
  });

  describe.each(services)('$name', ({ name, synth, deploy }) => {
    it('synthesizes each stage as an Nx configuration (default dev), passing the stage as CDK context', () => {
      expect(Object.keys(synth.configurations ?? {})).toEqual(stages);
      expect(Object.entries(synth.configurations ?? {}).map(([stage, c]) => [stage, c.args])).toEqual(
        stages.map((s) => [s, `--stage=${s}`]),
      );
      expect(synth.defaultConfiguration).toBe('dev');
      expect(synth.options?.command).toContain('--context stage={args.stage}');
    });

    it('caches the synthesized assembly in dist/apps/<service>/cdk.out, wiped before each synth', () => {
      expect(synth.cache).toBe(true);
      expect(synth.outputs).toEqual([`{workspaceRoot}/dist/apps/${name}/cdk.out`]);
      expect(synth.options?.command).toMatch(new RegExp(`^rm -rf dist/apps/${name}/cdk.out && `));
    });

    it('deploys that assembly for each stage, never from the cache', () => {
      expect(Object.keys(deploy.configurations ?? {})).toEqual(stages);
      expect(deploy.defaultConfiguration).toBe('dev');
      expect(deploy.cache).toBe(false);
      expect(deploy.options?.command).toContain(`--app dist/apps/${name}/cdk.out`);
    });
  });

  it('differ only through the stage table: no stack or construct branches on a stage name', () => {
    const files = globSync(['apps/*/src/infra/**/*.ts', 'libs/cdk/src/**/*.ts'], { cwd: workspaceRoot }).filter(
      (file) => !file.endsWith('.spec.ts') && !file.includes('/testing/') && file !== 'libs/cdk/src/stage-config.ts',
    );
    const stageLiteral = new RegExp(`(===|!==|case)\\s*'(${stages.join('|')})'|'(${stages.join('|')})'\\s*(===|!==)`);
    const offenders = files.filter((file) => stageLiteral.test(read(file)));
    expect(["if (stage.stage === 'prod')", "case 'local':"].map((probe) => stageLiteral.test(probe))).toEqual([true, true]);
    expect(files.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
