/**
 * Test support for the integration and conformance suites: the built local cloud
 * (dist/tools/local-cloud/main.mjs) started as a child process on a folder of assemblies, and a
 * small CDK app synthesized in the test run into such a folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../net';

/** The workspace root. */
export const WORKSPACE_ROOT = join(__dirname, '../../../..');
const MAIN = join(WORKSPACE_ROOT, 'dist/tools/local-cloud/main.mjs');
const NODE = join(WORKSPACE_ROOT, 'node_modules/.bin/node');

/** A running local cloud started by {@link startBuiltCloud}. */
export interface BuiltCloud {
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  readonly stateDir: string;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** GET of a `/_local/*` endpoint, as JSON. */
  local<T>(path: string): Promise<T>;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export interface StartBuiltCloudOptions {
  /** A folder of `<service>/manifest.json` or `<service>/cdk.out/manifest.json`. */
  readonly assemblies: string;
  /** Only these services (default: every assembly in the folder). */
  readonly services?: readonly string[];
  /** More CLI arguments (`--no-seed` is always passed). */
  readonly args?: readonly string[];
  /** More environment variables. */
  readonly env?: Record<string, string>;
  /** The state folder (default: a new temporary one, removed by stop()). */
  readonly stateDir?: string;
  /** How long to wait for `/_local/health` to answer 200 (default 45 s). */
  readonly timeoutMs?: number;
}

/** Starts the built local cloud and waits until it is healthy; throws with its output if it is not. */
export async function startBuiltCloud(options: StartBuiltCloudOptions): Promise<BuiltCloud> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx nx run local-cloud:build first`);
  const port = await freePort();
  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'local-cloud-test-'));
  let output = '';
  const child = spawn(NODE, [MAIN, '--no-seed', ...(options.args ?? [])], {
    cwd: WORKSPACE_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      LOCAL_CLOUD_ASSEMBLIES: options.assemblies,
      ...(options.services ? { LOCAL_CLOUD_SERVICES: options.services.join(',') } : {}),
      LOCAL_CLOUD_STATE_DIR: stateDir,
      NO_COLOR: '1',
      // --persist keeps its tables in a DynamoDB Local of its own, not in the run's shared one.
      ...(options.args?.includes('--persist') ? { LOCAL_CLOUD_DYNAMODB_ENDPOINT: '' } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cloud: BuiltCloud = {
    base,
    stateDir,
    child,
    output: () => output,
    local: async <T>(path: string) => (await (await fetch(`${base}${path}`)).json()) as T,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 45_000);
  while (
    (await fetch(`${base}/_local/health`).then(
      (response) => response.status,
      () => 0,
    )) !== 200
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await cloud.stop();
      throw new Error(`the local cloud did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return cloud;
}

/**
 * Synthesizes a CDK app in the test run: `define` declares its stacks on the given `App` (give each
 * stack a `stackName`); the assembly is written to `<root>/<name>/manifest.json`, ready for
 * {@link startBuiltCloud}'s `assemblies: root`. aws-cdk-lib is loaded only when this is called.
 */
export function synthApp(root: string, name: string, define: (app: import('aws-cdk-lib').App) => void): string {
  const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const outdir = join(root, name);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  define(app);
  app.synth();
  return root;
}

/** A fresh temporary folder for synthesized assemblies. */
export const assembliesFolder = (label: string): string => mkdtempSync(join(tmpdir(), `local-cloud-${label}-`));

/** Writes the output of a run where the test's environment asks for it (LOCAL_CLOUD_TEST_OUTPUT). */
export function keepOutput(cloud: BuiltCloud | undefined): void {
  if (cloud && process.env.LOCAL_CLOUD_TEST_OUTPUT) writeFileSync(process.env.LOCAL_CLOUD_TEST_OUTPUT, cloud.output());
}
