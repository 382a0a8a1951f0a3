import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingSdkPackageMessage, providedSdkPackages, sdkPackageOf, unresolvedSdkImports } from './sdk-modules';

const WORKSPACE_NODE_MODULES = join(__dirname, '../../../../node_modules');

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

describe('unresolvedSdkImports (the start-up scan of a handler module)', () => {
  let code: string;
  beforeEach(() => (code = mkdtempSync(join(tmpdir(), 'sdk-scan-'))));
  afterEach(() => rmSync(code, { recursive: true, force: true }));

  it('names the @aws-sdk packages a bundle imports that resolve neither from its folder nor the module folders, once each', () => {
    writeFileSync(
      join(code, 'app.mjs'),
      [
        'import { SQSClient } from "@aws-sdk/client-sqs";',
        "import { TextractClient } from '@aws-sdk/client-textract';",
        'const late = await import("@aws-sdk/client-textract/dist-cjs/index.js");',
        'const { Rekognition } = require("@aws-sdk/client-rekognition");',
        'const label = "@aws-sdk/client-comprehend"; // a string, not an import',
      ].join('\n'),
    );
    expect(unresolvedSdkImports(code, 'app.handler', [WORKSPACE_NODE_MODULES])).toEqual([
      '@aws-sdk/client-textract',
      '@aws-sdk/client-rekognition',
    ]);
    expect(unresolvedSdkImports(code, 'app.handler', [])).toContain('@aws-sdk/client-sqs');
  });

  it('finds nothing to say for a handler file that is not there (the cold start reports that)', () => {
    expect(unresolvedSdkImports(code, 'missing.handler', [WORKSPACE_NODE_MODULES])).toEqual([]);
  });
});
