import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploySource } from './deploy-source';
import { ControlPlaneInputError } from './input';

/** A workspace with dist/apps/product/cdk.out, an assembly outside dist/ and symlinks in dist/ that lead out (a folder, a cdk.out). */
function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'deploy-source-'));
  const assembly = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), '{"artifacts":{}}');
    return dir;
  };
  assembly(join(root, 'dist/apps/product/cdk.out'));
  assembly(join(root, 'dist/staged/catalog'));
  mkdirSync(join(root, 'dist/empty'));
  const outside = assembly(join(root, 'elsewhere/catalog'));
  symlinkSync(outside, join(root, 'dist/link'));
  mkdirSync(join(root, 'dist/linked-cdk-out'));
  symlinkSync(outside, join(root, 'dist/linked-cdk-out/cdk.out'));
  return { root, outside, roots: { assembliesRoot: join(root, 'dist/apps'), deployRoot: join(root, 'dist') } };
}

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ControlPlaneInputError) return error.message;
    throw error;
  }
  throw new Error('expected a ControlPlaneInputError');
};

describe('deploySource', () => {
  it('takes a service from the assemblies root when no dir is given', () => {
    const { root, roots } = workspace();
    expect(deploySource('product', undefined, roots)).toEqual({ service: 'product', dir: join(root, 'dist/apps/product/cdk.out') });
  });

  it('refuses a service without an assembly, naming the ones there are', () => {
    const { roots } = workspace();
    expect(refusal(() => deploySource('basket', undefined, roots))).toMatch(
      /^no assembly for service "basket" under .*dist\/apps \(services with one: product;/,
    );
  });

  it('takes a dir inside dist/, absolute or relative to the workspace, and finds cdk.out in it', () => {
    const { root, roots } = workspace();
    expect(deploySource('catalog', join(root, 'dist/staged/catalog'), roots).dir).toBe(join(root, 'dist/staged/catalog'));
    expect(deploySource('catalog', 'dist/staged/catalog', roots).dir).toBe(join(root, 'dist/staged/catalog'));
    expect(deploySource('product', 'dist/apps/product', roots).dir).toBe(join(root, 'dist/apps/product/cdk.out'));
  });

  it.each([
    ['an absolute path elsewhere', (root: string) => join(root, 'elsewhere/catalog'), 'resolves to'],
    ['/tmp', () => tmpdir(), 'resolves to'],
    ['.. out of dist/', () => 'dist/../elsewhere/catalog', 'resolves to'],
    ['a symlink in dist/ that leads out', () => 'dist/link', 'resolves to'],
    ['a folder in dist/ whose cdk.out is a symlink that leads out', () => 'dist/linked-cdk-out', 'dist/linked-cdk-out/cdk.out resolves to'],
    ['dist/ itself', () => 'dist', 'resolves to'],
    ['a folder that does not exist', () => 'dist/nothing', 'does not exist'],
  ])('refuses %s, naming the rule', (_case, dir, reason) => {
    const { root, roots } = workspace();
    const message = refusal(() => deploySource('catalog', dir(root), roots));
    expect(message).toContain(`deploy loads assemblies only from the workspace's dist/ (${join(root, 'dist')})`);
    expect(message).toContain(reason);
  });

  it('refuses a folder in dist/ that holds no assembly', () => {
    const { roots } = workspace();
    expect(refusal(() => deploySource('catalog', 'dist/empty', roots))).toBe('dist/empty holds no cloud assembly (no manifest.json)');
  });
});
