import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverAssemblies } from '../assembly/cloud-assembly';
import { createLogger } from '../log';
import { detectAppTarget } from './app-target';
import { prepareApp } from './prepare-app';

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'prepare-app-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));
const logger = createLogger({ level: 'silent' });

describe('prepareApp', () => {
  it('links a cdk.out under the assemblies root as the app, where the local cloud finds it (and a redeploy reloads it)', async () => {
    mkdirSync(join(root, 'orders/cdk.out'), { recursive: true });
    writeFileSync(join(root, 'orders/cdk.out/manifest.json'), '{}');
    const assemblies = join(root, 'state/assemblies');
    const app = detectAppTarget(join(root, 'orders/cdk.out'));
    await prepareApp(app, assemblies, logger);
    await prepareApp(app, assemblies, logger); // a second start keeps the link
    expect(lstatSync(join(assemblies, 'orders')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(assemblies, 'orders'))).toBe(join(root, 'orders/cdk.out'));
    expect(discoverAssemblies(assemblies)).toEqual([{ service: 'orders', dir: join(assemblies, 'orders') }]);
  });

  it('reads a folder of assemblies where it is, and fails a CDK app whose command fails with its exit code', async () => {
    mkdirSync(join(root, 'apps/a'), { recursive: true });
    writeFileSync(join(root, 'apps/a/manifest.json'), '{}');
    await prepareApp(detectAppTarget(join(root, 'apps')), join(root, 'state/assemblies'), logger);
    expect(() => lstatSync(join(root, 'state'))).toThrow();
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken/cdk.json'), JSON.stringify({ app: 'exit 3' }));
    await expect(prepareApp(detectAppTarget(join(root, 'broken')), join(root, 'state/assemblies'), logger)).rejects.toThrow(
      'the app command (exit 3) failed (exit code 3)',
    );
    writeFileSync(join(root, 'broken/cdk.json'), JSON.stringify({ app: 'true' }));
    await expect(prepareApp(detectAppTarget(join(root, 'broken')), join(root, 'state/assemblies'), logger)).rejects.toThrow(
      'wrote no manifest.json',
    );
  });
});
