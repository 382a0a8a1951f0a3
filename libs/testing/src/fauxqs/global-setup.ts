import { spawn, type ChildProcess } from 'node:child_process';
// Jest allows one globalSetup, so this one also starts DynamoDB Local (consumers keep idempotency records there).
import dynamoDbGlobalSetup from '../dynamodb-local/global-setup';
import { FAUXQS_ENDPOINT_ENV } from './environment';

/** Where the fauxqs child process is kept between globalSetup and globalTeardown (same process). */
export const FAUXQS_GLOBAL = '__SHOP_FAUXQS__';

// fauxqs ships ES modules only; Jest's CommonJS runtime cannot load it, so it runs in a child
// Node process (the same Node 24 binary), listening on a free port of 127.0.0.1 only.
const START_SCRIPT = `
import { buildApp } from 'fauxqs';
const app = buildApp({ logger: false, defaultRegion: 'eu-west-1' });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ port: app.server.address().port }) + '\\n');
process.stdin.on('end', () => app.close().then(() => process.exit(0)));
process.stdin.resume();
`;

const startFauxqs = (): Promise<{ child: ChildProcess; endpoint: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', START_SCRIPT], {
      cwd: __dirname,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error('fauxqs did not start within 20 s')), 20_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fauxqs exited early with code ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n')[0];
      if (output.includes('\n') && line) {
        clearTimeout(timer);
        const { port } = JSON.parse(line) as { port: number };
        resolve({ child, endpoint: `http://127.0.0.1:${port}` });
      }
    });
  });

/**
 * Jest `globalSetup` for integration tests that need messaging: DynamoDB Local (through @shop/testing)
 * plus an in-memory fauxqs (SQS + SNS) for the whole run; its endpoint goes to the workers in
 * {@link FAUXQS_ENDPOINT_ENV}.
 */
export default async function globalSetup(): Promise<void> {
  await dynamoDbGlobalSetup();
  const { child, endpoint } = await startFauxqs();
  child.removeAllListeners('exit');
  (globalThis as Record<string, unknown>)[FAUXQS_GLOBAL] = child;
  process.env[FAUXQS_ENDPOINT_ENV] = endpoint;
  process.stdout.write(`fauxqs ready at ${endpoint} (pid ${child.pid})\n`);
}
