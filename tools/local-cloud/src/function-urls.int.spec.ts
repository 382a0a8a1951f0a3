/**
 * Function URLs (`AWS::Lambda::Url`) in the built local cloud, on the `urls` fixture assembly
 * (inline code): AuthType NONE answers anyone with payload format 2.0; AWS_IAM only a request
 * signed with the local credentials.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { CONTROL_SECRET_HEADER, LOCAL_ACCESS_KEY_ID, readControlSecret } from './control-plane/secret';
import { NodeSha256 } from './control-plane/sigv4';
import { freePort } from './net';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/tools/local-cloud/main.mjs');
const NODE = join(ROOT, 'node_modules/.bin/node');
const stateDir = mkdtempSync(join(tmpdir(), 'local-cloud-urls-'));

let child: ChildProcess;
let base: string;
let output = '';
let urls: { service: string; functionName: string; authType: string; url: string }[];

const urlOf = (authType: string) => {
  const found = urls.find((candidate) => candidate.authType === authType);
  if (!found) throw new Error(`no ${authType} function URL in /_local/resources`);
  return new URL(found.url);
};

async function signed(url: URL, method: string, path: string, body: string, secret: string) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: secret },
    region: 'us-east-1',
    service: 'lambda',
    sha256: NodeSha256,
  });
  const request = await signer.sign({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query: {},
    headers: { host: url.host, 'content-type': 'text/plain' },
    body,
  });
  return fetch(new URL(path, url), { method, headers: request.headers, body });
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx nx run local-cloud:build first`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(NODE, [MAIN, '--no-seed'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      LOCAL_CLOUD_ASSEMBLIES: join(__dirname, '../fixtures/assemblies'),
      LOCAL_CLOUD_SERVICES: 'urls',
      LOCAL_CLOUD_STATE_DIR: stateDir,
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 40_000;
  while (
    (await fetch(`${base}/_local/health`).then(
      (response) => response.status,
      () => 0,
    )) !== 200
  ) {
    if (Date.now() > deadline) throw new Error(`the local cloud did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  urls = ((await (await fetch(`${base}/_local/resources`)).json()) as { functionUrls: typeof urls }).functionUrls;
}, 60_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGTERM');
  if (process.env.LOCAL_CLOUD_TEST_OUTPUT) writeFileSync(process.env.LOCAL_CLOUD_TEST_OUTPUT, output);
});

describe('function URLs', () => {
  it('lists each URL in /_local/resources and the start banner, on a loopback port of its own', async () => {
    expect(urls).toEqual([
      {
        service: 'urls',
        functionName: 'shop-local-urls-PublicFunction1A2B3C4D',
        authType: 'NONE',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
      },
      {
        service: 'urls',
        functionName: 'shop-local-urls-PrivateFunction2B3C4D5E',
        authType: 'AWS_IAM',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
      },
    ]);
    expect(urls[0].url).not.toBe(urls[1].url);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(output).toContain(`${urls[0].url}  shop-local-urls-PublicFunction1A2B3C4D (function URL, NONE)`);
  });

  it('sends an AuthType NONE function a payload format 2.0 event and answers with its response', async () => {
    const response = await fetch(new URL('/hello/world?a=1&a=2&b=x', urlOf('NONE')), {
      method: 'POST',
      headers: { 'x-custom': 'yes', cookie: 'c1=v1; c2=v2', 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.get('set-cookie')).toBe('visited=1; Path=/');
    expect(await response.json()).toEqual({
      version: '2.0',
      rawPath: '/hello/world',
      rawQueryString: 'a=1&a=2&b=x',
      queryStringParameters: { a: '1,2', b: 'x' },
      method: 'POST',
      cookies: ['c1=v1', 'c2=v2'],
      header: 'yes',
      body: 'hi',
      isBase64Encoded: false,
      iam: null,
      function: 'shop-local-urls-PublicFunction1A2B3C4D',
    });
  });

  it('base64-encodes a binary body, infers a 200 JSON answer from a result without statusCode, and answers 502 for a failing function', async () => {
    const binary = await fetch(new URL('/bytes', urlOf('NONE')), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 1, 2, 255]),
    });
    expect(await binary.json()).toEqual(
      expect.objectContaining({ body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true }),
    );
    const plain = await fetch(new URL('/plain', urlOf('NONE')));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ seen: '/plain' });
    const failing = await fetch(new URL('/fail', urlOf('NONE')));
    expect(failing.status).toBe(502);
  });

  it('refuses an AWS_IAM URL with 403 unless the request is signed with the local credentials', async () => {
    const url = urlOf('AWS_IAM');
    const unsigned = await fetch(new URL('/private', url), { method: 'POST', body: 'x' });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ Message: 'Forbidden' });
    const wrongSecret = await signed(url, 'POST', '/private', 'x', 'not-the-secret');
    expect(wrongSecret.status).toBe(403);

    const good = await signed(url, 'POST', '/private', 'x', readControlSecret(stateDir));
    expect(good.status).toBe(201);
    expect(await good.json()).toEqual(
      expect.objectContaining({
        rawPath: '/private',
        body: 'x',
        iam: LOCAL_ACCESS_KEY_ID,
        function: 'shop-local-urls-PrivateFunction2B3C4D5E',
      }),
    );
  });

  it('keeps each URL on its port across a redeploy of its service, serving the new function', async () => {
    const deployed = await fetch(`${base}/_local/deploy`, {
      method: 'POST',
      headers: { [CONTROL_SECRET_HEADER]: readControlSecret(stateDir) },
      body: JSON.stringify({ service: 'urls' }),
    });
    expect(deployed.status).toBe(200);
    const after = ((await (await fetch(`${base}/_local/resources`)).json()) as { functionUrls: typeof urls }).functionUrls;
    expect(after).toEqual(urls);
    const response = await fetch(new URL('/again', urlOf('NONE')));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual(expect.objectContaining({ rawPath: '/again' }));
  });
});
