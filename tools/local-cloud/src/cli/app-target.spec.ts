import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appName, detectAppTarget } from './app-target';

let root: string;
const folder = (...parts: string[]) => {
  const dir = join(root, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
};
const file = (path: string, content = '{}') => writeFileSync(join(root, path), content);

beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'app-target-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('detectAppTarget', () => {
  it('reads a folder with cdk.json as a CDK app to synthesize, even with a cdk.out left inside', () => {
    const app = folder('My App');
    file('My App/cdk.json', '{"app":"node app.js"}');
    folder('My App/cdk.out');
    file('My App/cdk.out/manifest.json');
    expect(detectAppTarget(app)).toEqual({ kind: 'cdk-app', dir: app, appDir: app, name: 'my-app' });
  });

  it('reads a cdk.out as one assembly, named after the folder that holds it', () => {
    const out = folder('orders-service', 'cdk.out');
    file('orders-service/cdk.out/manifest.json');
    expect(detectAppTarget(out)).toEqual({ kind: 'assembly', dir: out, appDir: join(root, 'orders-service'), name: 'orders-service' });
  });

  it('reads any other folder with a manifest.json as one assembly named after itself', () => {
    const out = folder('synthesized');
    file('synthesized/manifest.json');
    expect(detectAppTarget(out)).toMatchObject({ kind: 'assembly', dir: out, appDir: out, name: 'synthesized' });
  });

  it('reads a folder of <name>/manifest.json or <name>/cdk.out/manifest.json as a folder of assemblies', () => {
    folder('apps/a');
    file('apps/a/manifest.json');
    folder('apps/b/cdk.out');
    file('apps/b/cdk.out/manifest.json');
    expect(detectAppTarget(join(root, 'apps'))).toEqual({
      kind: 'assemblies',
      dir: join(root, 'apps'),
      appDir: join(root, 'apps'),
      name: 'apps',
    });
  });

  it('refuses a folder holding none of them, a file and a missing path, saying what it expected', () => {
    folder('empty/src');
    expect(() => detectAppTarget(join(root, 'empty'))).toThrow(
      /holds no CDK app \(cdk\.json\), no cloud assembly \(manifest\.json: a cdk\.out\)/,
    );
    file('notes.txt', 'x');
    expect(() => detectAppTarget(join(root, 'notes.txt'))).toThrow(/is not a folder/);
    expect(() => detectAppTarget(join(root, 'nowhere'))).toThrow(`${join(root, 'nowhere')} does not exist`);
  });
});

describe('appName', () => {
  it.each([
    ['/x/My_CDK App', 'my-cdk-app'],
    ['/x/2048-game', 'app-2048-game'],
    ['/x/---', 'app'],
    [`/x/${'a'.repeat(80)}`, 'a'.repeat(63)],
  ])('%s → %s (a service name POST /_local/deploy accepts)', (dir, name) => {
    expect(appName(dir)).toBe(name);
    expect(appName(dir)).toMatch(/^[a-z][a-z0-9-]{0,62}$/);
  });
});
