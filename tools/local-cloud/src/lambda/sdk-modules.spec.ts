import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingSdkPackageMessage, providedSdkPackages, sdkPackageOf } from './sdk-modules';

describe('sdkPackageOf', () => {
  it.each([
    ['@aws-sdk/client-textract', '@aws-sdk/client-textract'],
    ['@aws-sdk/client-s3/dist-cjs/index.js', '@aws-sdk/client-s3'],
    ['@smithy/types', undefined],
    ['aws-sdk', undefined],
  ])('%s → %s', (specifier, expected) => expect(sdkPackageOf(specifier)).toBe(expected));
});

describe('providedSdkPackages', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'sdk-modules-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists the clients and libraries of every module folder once, sorted, not their internals', () => {
    for (const name of [
      'a/@aws-sdk/client-sqs',
      'a/@aws-sdk/lib-dynamodb',
      'a/@aws-sdk/core',
      'b/@aws-sdk/client-dynamodb',
      'b/@aws-sdk/client-sqs',
    ]) {
      mkdirSync(join(root, name), { recursive: true });
    }
    expect(providedSdkPackages([join(root, 'a'), join(root, 'b'), join(root, 'missing')])).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-sqs',
      '@aws-sdk/lib-dynamodb',
    ]);
  });
});

describe('missingSdkPackageMessage', () => {
  it('names the package, what the local cloud has, and the two ways out', () => {
    const message = missingSdkPackageMessage('@aws-sdk/client-textract', ['@aws-sdk/client-sqs']);
    expect(message).toContain("Cannot find module '@aws-sdk/client-textract'");
    expect(message).toContain('(@aws-sdk/client-sqs)');
    expect(message).toContain('Bundle @aws-sdk/client-textract into the function');
    expect(message).toContain('npm i @aws-sdk/client-textract in the app');
  });
});
