import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appCommand, synthEnvironment } from './synth-cdk-app';

let app: string;
let home: string;
beforeEach(() => {
  app = mkdtempSync(join(tmpdir(), 'synth-app-'));
  home = mkdtempSync(join(tmpdir(), 'synth-home-'));
});
afterEach(() => [app, home].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('synthEnvironment', () => {
  it('gives the app CDK_OUTDIR and the context layered as the CDK CLI does (~/.cdk.json < cdk.json < cdk.context.json), assets on', () => {
    writeFileSync(join(home, '.cdk.json'), JSON.stringify({ context: { a: 'home', b: 'home', c: 'home' } }));
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'npx ts-node bin/app.ts', context: { b: 'cdk.json', c: 'cdk.json' } }));
    writeFileSync(join(app, 'cdk.context.json'), JSON.stringify({ c: 'lookups' }));
    const env = synthEnvironment(app, '/tmp/out', { PATH: '/bin' }, home);
    expect(env).toMatchObject({
      PATH: '/bin',
      CDK_OUTDIR: '/tmp/out',
      CDK_DEFAULT_ACCOUNT: '000000000000',
      CDK_DEFAULT_REGION: 'us-east-1',
    });
    expect(JSON.parse(env.CDK_CONTEXT_JSON ?? '')).toEqual({
      a: 'home',
      b: 'cdk.json',
      c: 'lookups',
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:version-reporting': false,
      'aws:cdk:bundling-stacks': ['**'],
    });
  });

  it('keeps an account and region the environment sets', () => {
    writeFileSync(join(app, 'cdk.json'), '{"app":"node app.js"}');
    expect(synthEnvironment(app, '/o', { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-1' }, home)).toMatchObject({
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'eu-west-1',
    });
  });
});

describe('appCommand', () => {
  it("runs cdk.json's app through the shell, a bare .js file with this Node.js, with its build step", () => {
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'npx ts-node --prefer-ts-exts bin/app.ts', build: 'npm run build' }));
    expect(appCommand(app)).toEqual({ app: 'npx ts-node --prefer-ts-exts bin/app.ts', build: 'npm run build' });
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'bin/app.js' }));
    expect(appCommand(app)).toEqual({ app: `"${process.execPath}" bin/app.js`, build: undefined });
  });

  it('refuses a cdk.json without an app command, naming the file', () => {
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ context: {} }));
    expect(() => appCommand(app)).toThrow(`${join(app, 'cdk.json')} has no "app" command`);
  });
});
