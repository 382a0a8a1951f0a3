/**
 * The local cloud as another team gets it: `nx run local-cloud:pack`'s tarball installed with
 * `npm i <tarball>` in an empty folder (from the npm registry alone), then its bin run from a folder
 * outside the workspace on a CDK app nobody in the shop wrote (fixtures/any-app: synthesized by its
 * own `app` command). The app's API is called and its data read back; its state must land in the
 * per-user cache folder, not in the app's folder; a function needing an SDK client the package does
 * not ship fails naming it. Needs the build (`local-cloud:integration` depends on it) and the
 * registry: when `npm ping` cannot reach it, the journey is skipped and the reason printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { freePort } from './net';
import { WORKSPACE_ROOT } from './testing/built-cloud';

const FIXTURE = join(WORKSPACE_ROOT, 'tools/local-cloud/fixtures/any-app');
const STAGE = join(WORKSPACE_ROOT, 'dist/tools/local-cloud-package');
/** The Node.js 24 running this test first on PATH: the bin's `#!/usr/bin/env node` and npm use it. */
const PATH = [dirname(process.execPath), process.env.PATH].join(delimiter);
const INSTALL_TIMEOUT_MS = 5 * 60_000;

const ping = spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PATH } });
const registryReachable = ping.status === 0;
if (!registryReachable) {
  console.warn(
    `packaged.int.spec: skipped, the npm registry is not reachable (npm ping: ${(ping.stderr || ping.error?.message || '').trim()})`,
  );
}
/** The journey needs `npm i` from the registry: skipped (reason printed above) when npm ping fails. */
const withRegistry = registryReachable ? describe : describe.skip;

let tarball: string;
beforeAll(() => {
  const packed = spawnSync(process.execPath, [join(WORKSPACE_ROOT, 'tools/local-cloud/pack.mjs')], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PATH },
  });
  if (packed.status !== 0) throw new Error(`pack failed:\n${packed.stdout}\n${packed.stderr}`);
  tarball = packed.stdout.trim().split('\n').at(-1) ?? '';
}, 150_000);

describe('the package (nx run local-cloud:pack)', () => {
  // Read after the top-level beforeAll has staged it (a fresh clone has no dist/ when the file is loaded).
  let manifest: { dependencies: Record<string, string>; bin: Record<string, string> };
  beforeAll(() => {
    manifest = JSON.parse(readFileSync(join(STAGE, 'package.json'), 'utf8')) as typeof manifest;
  });

  it('is a tarball with the bin, the built files and the console', () => {
    expect(tarball).toMatch(/shop-local-cloud-\d+\.\d+\.\d+\.tgz$/);
    const listed = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    expect(listed).toEqual(
      expect.arrayContaining([
        'package/bin/local-cloud.mjs',
        'package/main.mjs',
        'package/lambda-worker.mjs',
        'package/console/index.html',
        'package/package.json',
      ]),
    );
    expect(manifest.bin).toEqual({ 'local-cloud': 'bin/local-cloud.mjs' });
  });

  it("declares every package its built files import (esbuild only for the shop's watch mode), at the versions the workspace runs", () => {
    const files = readdirSync(STAGE, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.mjs') && !file.startsWith('bin'),
    );
    const imported = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(STAGE, file), 'utf8');
      for (const [, specifier] of text.matchAll(
        /(?:\bfrom|\bimport\()\s*["']((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w./-]*)?)["']/g,
      )) {
        if (specifier.startsWith('node:')) continue;
        imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
      }
    }
    imported.delete('esbuild');
    expect(imported.size).toBeGreaterThan(5);
    expect([...imported].filter((name) => !(name in manifest.dependencies))).toEqual([]);
    const root = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const drift = Object.entries(manifest.dependencies).filter(
      ([name, version]) => (root.dependencies[name] ?? root.devDependencies[name]) !== version,
    );
    expect(drift).toEqual([]);
  });
});

withRegistry('the packed local cloud on a foreign CDK app, from a folder outside the workspace', () => {
  let scratch: string;
  let child: ChildProcess | undefined;
  let output = '';
  let base = '';
  let stateDir = '';
  const fixtureBefore = readdirSync(FIXTURE).sort();

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'local-cloud-packaged-'));
    const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: scratch,
      encoding: 'utf8',
      timeout: INSTALL_TIMEOUT_MS,
      env: { ...process.env, PATH, npm_config_registry: 'https://registry.npmjs.org/' },
    });
    if (install.status !== 0)
      throw new Error(`npm install of ${tarball} failed (${install.error?.message ?? install.status}):\n${install.stderr}`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PATH, PORT: String(port), XDG_CACHE_HOME: join(scratch, 'cache'), NO_COLOR: '1' };
    // The package starts a DynamoDB Local of its own, as on a user's machine (not the run's shared one).
    for (const name of [
      'LOCAL_CLOUD_STATE_DIR',
      'LOCAL_CLOUD_ASSEMBLIES',
      'LOCAL_CLOUD_SERVICES',
      'LOCAL_CLOUD_DYNAMODB_ENDPOINT',
      'INIT_CWD',
    ])
      delete env[name];
    // cwd: a folder outside the workspace (no nx.json above it); the app is given by its path.
    child = spawn(join(scratch, 'node_modules/.bin/local-cloud'), [FIXTURE], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 180_000;
    while (
      (await fetch(`${base}/_local/health`).then(
        (response) => response.status,
        () => 0,
      )) !== 200
    ) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the packed local cloud did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // The banner follows the ready line.
    while (!output.includes('Ctrl-C stops everything.') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    stateDir = join(scratch, 'cache/local-cloud', readdirSync(join(scratch, 'cache/local-cloud'))[0]);
  }, INSTALL_TIMEOUT_MS + 200_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 30_000);

  it('synthesized the app into its per-user cache folder and left the app folder as it was', () => {
    expect(output).toContain(`synthesizing the CDK app in ${FIXTURE} (node app.mjs)`);
    expect(stateDir).toMatch(/\/cache\/local-cloud\/any-app-[0-9a-f]{8}$/);
    expect(existsSync(join(stateDir, 'control-secret'))).toBe(true);
    expect(existsSync(join(stateDir, 'signing-key.json'))).toBe(true);
    expect(existsSync(join(stateDir, 'assemblies/any-app/manifest.json'))).toBe(true);
    expect(readdirSync(FIXTURE).sort()).toEqual(fixtureBefore);
  });

  it('prints a banner about this app: its API, no token commands (no user pool), no nx, how to redeploy it', () => {
    const banner = output.slice(output.indexOf('Local cloud: '));
    expect(banner).toContain(`app: any-app (${FIXTURE})`);
    expect(banner).toMatch(/any-app +http:\/\/127\.0\.0\.1:\d+\/_api\/\w+\/prod/);
    expect(banner).toMatch(/\/notes\/\{id\} public: GET PUT/);
    expect(banner).not.toContain('Tokens');
    expect(banner).not.toContain('nx run');
    expect(banner).toContain('Redeploy after a change: Ctrl-C and run local-cloud on the app again');
  });

  it('serves its API: a note written through the function (an ES module importing the SDK it leaves out) is read back', async () => {
    const [api] = (await (await fetch(`${base}/_local/routes`)).json()) as { basePath: string }[];
    const put = await fetch(`${base}/${api.basePath}/notes/n-1`, {
      method: 'PUT',
      body: JSON.stringify({ text: 'from a packed install' }),
    });
    expect(put.status).toBe(201);
    const got = await fetch(`${base}/${api.basePath}/notes/n-1`);
    expect(got.status).toBe(200);
    // The greeting is cdk.json's context: the app was synthesized with CDK_CONTEXT_JSON as the CDK CLI passes it.
    expect(await got.json()).toEqual({ id: 'n-1', text: 'from a packed install', greeting: 'hello from cdk.json' });
  });

  it('names at start-up, then fails the cold start of, a function needing an SDK client the package does not ship', async () => {
    expect(output).toMatch(
      /warn +any-app:ReportFunction: Cannot find module '@aws-sdk\/client-textract'.* Its cold start will fail until then\./,
    );
    const [api] = (await (await fetch(`${base}/_local/routes`)).json()) as { basePath: string }[];
    const report = await fetch(`${base}/${api.basePath}/report`);
    expect(report.status).toBe(502);
    expect(output).toMatch(/ReportFunction init Runtime\.ImportModuleError .*Cannot find module '@aws-sdk\/client-textract'/);
    expect(output).toContain('npm i @aws-sdk/client-textract in the app');
  });
});
