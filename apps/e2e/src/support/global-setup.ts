import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The services the journeys need; each is synthesized by the e2e target's dependsOn. */
export const E2E_SERVICES = ['platform', 'product', 'inventory', 'payment', 'order', 'basket', 'shipping'];

const workspaceRoot = path.resolve(__dirname, '../../../..');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/**
 * Starts the local cloud (dist/tools/local-cloud/main.mjs, built by the target's dependsOn) on a
 * free port with its own state folder, and waits for /_local/health = 200. Tests read the base URL
 * from E2E_BASE_URL; the teardown stops the process (and so DynamoDB Local) by pid.
 */
export default async function globalSetup(): Promise<void> {
  const main = path.join(workspaceRoot, 'dist/tools/local-cloud/main.mjs');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npx nx run local-cloud:build (the e2e target does it)`);
  for (const service of E2E_SERVICES) {
    if (!existsSync(path.join(workspaceRoot, 'dist/apps', service, 'cdk.out/manifest.json'))) {
      throw new Error(`no assembly for ${service}: run npx nx run ${service}:synth -c local (the e2e target does it)`);
    }
  }
  const port = await freePort();
  const stateDir = mkdtempSync(path.join(tmpdir(), 'shop-e2e-'));
  const logFile = path.join(stateDir, 'local-cloud.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [main, '--no-seed', '--function-logs', 'errors', '--iam', 'enforce'], {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      PORT: String(port),
      LOCAL_CLOUD_STATE_DIR: stateDir,
      LOCAL_CLOUD_SERVICES: E2E_SERVICES.join(','),
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the local cloud exited (${child.exitCode}):\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    const status = await fetch(`${baseUrl}/_local/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the local cloud did not become healthy:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.env.E2E_BASE_URL = baseUrl;
  // Where the local cloud wrote its control secret: the suite sends it to /_local/* and signs /_aws/* calls with it.
  process.env.E2E_LOCAL_CLOUD_STATE_DIR = stateDir;
  process.env.E2E_LOCAL_CLOUD_PID = String(child.pid);
  process.env.E2E_LOCAL_CLOUD_LOG = logFile;
  child.unref();
}
