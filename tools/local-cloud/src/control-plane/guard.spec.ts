import { SignatureV4 } from '@smithy/signature-v4';
import type { IncomingRequest } from '../api/proxy-event';
import { ControlPlaneGuard, isControlPlanePath } from './guard';
import { LOCAL_ACCESS_KEY_ID } from './secret';
import { NodeSha256 } from './sigv4';

const PORT = 3000;
const SECRET = 'secret-of-this-start';
const guard = new ControlPlaneGuard({ port: PORT, secret: () => SECRET, secretFile: '/work/.local-cloud/control-secret' });

const request = (method: string, path: string, headers: Record<string, string> = {}, body = ''): IncomingRequest => ({
  httpMethod: method,
  path,
  query: '',
  rawHeaders: Object.entries({ Host: `127.0.0.1:${PORT}`, ...headers }).flat(),
  body: Buffer.from(body),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
});

/** The status and message of a refusal (undefined when the request goes through). */
const verdict = async (incoming: IncomingRequest) => {
  const answer = await guard.check(incoming);
  return answer && { status: answer.statusCode, message: (JSON.parse(String(answer.body)) as { message: string }).message };
};

/** A request signed as an SDK would sign it, with `secret` as the secret access key. */
async function signed(path: string, headers: Record<string, string>, body: string, secret = SECRET): Promise<IncomingRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: secret, sessionToken: 'local' },
    region: 'us-east-1',
    service: 'states',
    sha256: NodeSha256,
  });
  const out = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: PORT,
    path,
    query: {},
    headers: { host: `127.0.0.1:${PORT}`, ...headers },
    body,
  });
  const { host, ...rest } = out.headers as Record<string, string>;
  return { ...request('POST', path, rest, body), rawHeaders: Object.entries({ Host: host, ...rest }).flat() };
}

describe('ControlPlaneGuard', () => {
  it('covers /_local and /_aws and nothing else', () => {
    expect(['/_local', '/_local/tokens', '/_aws/sfn', '/_aws'].map(isControlPlanePath)).toEqual([true, true, true, true]);
    expect(['/_localx', '/_awsome', '/products', '/', '/basket/_local'].map(isControlPlanePath)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  describe('Host (DNS rebinding)', () => {
    it('lets GET routes through for 127.0.0.1:<port> and localhost:<port>, in any case', async () => {
      for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LocalHost:3000'])
        expect(await verdict(request('GET', '/_local/health', { Host: host }))).toBeUndefined();
    });

    it('answers 421 for another host, another port or no Host', async () => {
      for (const host of ['evil.example:3000', 'evil.example', '127.0.0.1:3001', '127.0.0.1', '0.0.0.0:3000', '[::1]:3000']) {
        expect(await verdict(request('GET', '/_local/resources', { Host: host }))).toEqual({
          status: 421,
          message: expect.stringContaining(`(got ${host.toLowerCase()})`),
        });
      }
      const noHost = { ...request('GET', '/_local/resources'), rawHeaders: [] };
      expect(await verdict(noHost)).toEqual({ status: 421, message: expect.stringContaining('(got none)') });
    });
  });

  describe('Origin and Sec-Fetch-Site (pages of other sites)', () => {
    it('answers 403 to an Origin other than the local cloud itself, even on a GET', async () => {
      for (const origin of [
        'http://evil.example',
        'null',
        'https://127.0.0.1:3000',
        'http://127.0.0.1:3001',
        'http://localhost:3000/',
        'http://127.0.0.1:3000.evil.example',
      ]) {
        expect(await verdict(request('GET', '/_local/executions', { Origin: origin }))).toEqual({
          status: 403,
          message: expect.stringContaining(`another origin (${origin})`),
        });
      }
    });

    it('lets the same origin through', async () => {
      for (const origin of ['http://127.0.0.1:3000', 'http://localhost:3000'])
        expect(await verdict(request('GET', '/_local/routes', { Origin: origin }))).toBeUndefined();
    });

    it('answers 403 to cross-site and same-site browser requests, lets same-origin and none through', async () => {
      for (const site of ['cross-site', 'same-site'])
        expect(await verdict(request('GET', '/_local/resources', { 'Sec-Fetch-Site': site }))).toEqual({
          status: 403,
          message: expect.stringContaining(site),
        });
      for (const site of ['same-origin', 'none'])
        expect(await verdict(request('GET', '/_local/resources', { 'Sec-Fetch-Site': site }))).toBeUndefined();
    });
  });

  describe('paths', () => {
    it.each([
      ['/_local/executions/%E0%A4%A', 'malformed percent-encoding'],
      ['/_local/executions/%', 'malformed percent-encoding'],
      ['/_local/health/../tokens', '. or .. segments'],
      ['/_local/health/%2e%2e/tokens', '. or .. segments'],
      ['/_local/./tokens', '. or .. segments'],
      ['/_local/executions/a%00b', 'NUL'],
    ])('answers 400 for %s', async (path, reason) => {
      expect(await verdict(request('GET', path))).toEqual({ status: 400, message: expect.stringContaining(reason) });
    });
  });

  describe('/_local/* changes need the secret', () => {
    it('answers 401 without x-local-cloud-secret, saying where to read it', async () => {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        expect(await verdict(request(method, '/_local/tokens'))).toEqual({
          status: 401,
          message: `${method} /_local/tokens changes the local cloud: send header x-local-cloud-secret with the content of /work/.local-cloud/control-secret (written at each start)`,
        });
      }
    });

    it('answers 403 to a wrong secret, of any length', async () => {
      for (const wrong of ['', 'secret-of-this-star', 'secret-of-this-start ', `${SECRET}x`]) {
        expect(await verdict(request('POST', '/_local/deploy', { 'x-local-cloud-secret': wrong }))).toEqual({
          status: 403,
          message: expect.stringContaining('does not match'),
        });
      }
    });

    it('lets the right secret through, and GET/HEAD without one', async () => {
      expect(await verdict(request('POST', '/_local/faults', { 'X-Local-Cloud-Secret': SECRET }))).toBeUndefined();
      expect(await verdict(request('GET', '/_local/faults'))).toBeUndefined();
      expect(await verdict(request('HEAD', '/_local/health'))).toBeUndefined();
    });

    it('refuses changes while no secret is made yet', async () => {
      const starting = new ControlPlaneGuard({ port: PORT, secret: () => undefined, secretFile: 'f' });
      expect((await starting.check(request('POST', '/_local/tokens', { 'x-local-cloud-secret': '' })))?.statusCode).toBe(503);
      expect(await starting.check(request('GET', '/_local/health'))).toBeUndefined();
    });
  });

  describe('/_aws/* needs a SigV4 signature made with the secret', () => {
    const sfnHeaders = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.DescribeExecution' };

    it('lets a request signed with the secret through', async () => {
      expect(await guard.check(await signed('/_aws/sfn', sfnHeaders, '{"executionArn":"a"}'))).toBeUndefined();
    });

    it('answers the JSON protocol error (403, __type) to an unsigned or wrongly signed JSON request', async () => {
      const unsigned = await guard.check(request('POST', '/_aws/sfn', sfnHeaders, '{}'));
      expect([unsigned?.statusCode, JSON.parse(String(unsigned?.body))]).toEqual([
        403,
        { __type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' },
      ]);
      const wrong = await guard.check(
        await signed('/_aws/ssm', { ...sfnHeaders, 'content-type': 'application/x-amz-json-1.1' }, '{}', 'local'),
      );
      expect(wrong?.statusCode).toBe(403);
      expect(wrong?.headers).toEqual(
        expect.objectContaining({ 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': 'InvalidSignatureException' }),
      );
      expect(JSON.parse(String(wrong?.body))).toEqual(expect.objectContaining({ __type: 'InvalidSignatureException' }));
    });

    it('answers the query protocol error (XML) to a form request (SNS)', async () => {
      const answer = await guard.check(
        await signed(
          '/_aws/sns',
          { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          'Action=Publish&Message=x',
          'local',
        ),
      );
      expect(answer?.statusCode).toBe(403);
      expect(String(answer?.body)).toMatch(
        /^<ErrorResponse><Error><Type>Sender<\/Type><Code>SignatureDoesNotMatch<\/Code><Message>The request signature we calculated/,
      );
    });

    it('answers the REST-JSON error (x-amzn-ErrorType) to a Lambda Invoke with forged claims and no signature', async () => {
      const forged = JSON.stringify({ requestContext: { authorizer: { claims: { 'cognito:groups': 'admin' } } } });
      const answer = await guard.check(
        request('POST', '/_aws/lambda/2015-03-31/functions/payment-Charge/invocations', { 'content-type': 'application/json' }, forged),
      );
      expect([answer?.statusCode, answer?.headers]).toEqual([
        403,
        expect.objectContaining({ 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' }),
      ]);
    });

    it("over a function's worker port: lets a call signed with another secret through, still refuses an unsigned one, an unknown key or a stale date", async () => {
      const inProcess = { inProcess: true };
      const otherSecret = await signed('/_aws/sfn', sfnHeaders, '{}', 'local');
      expect(await guard.check(otherSecret, inProcess)).toBeUndefined();
      expect((await guard.check(otherSecret))?.statusCode).toBe(403);
      expect((await guard.check(request('POST', '/_aws/sfn', sfnHeaders, '{}'), inProcess))?.statusCode).toBe(403);
      const renamed = {
        ...otherSecret,
        rawHeaders: otherSecret.rawHeaders.map((value) =>
          value.replace(`Credential=${LOCAL_ACCESS_KEY_ID}/`, 'Credential=AKIDSOMEONEELSE/'),
        ),
      };
      expect(JSON.parse(String((await guard.check(renamed, inProcess))?.body))).toEqual(
        expect.objectContaining({ __type: 'UnrecognizedClientException' }),
      );
      // The same call dated 2020 (the credential's scope and x-amz-date alike).
      const stale = {
        ...otherSecret,
        rawHeaders: otherSecret.rawHeaders.map((value) =>
          value.replace(/^\d{8}T\d{6}Z$/, '20200101T000000Z').replace(/(Credential=[^/]+\/)\d{8}/, '$120200101'),
        ),
      };
      expect(JSON.parse(String((await guard.check(stale, inProcess))?.body))).toEqual(
        expect.objectContaining({ __type: 'InvalidSignatureException', message: expect.stringContaining('Signature expired') }),
      );
    });

    it('checks Host and Origin before the signature', async () => {
      const fine = await signed('/_aws/sfn', sfnHeaders, '{}');
      expect((await guard.check({ ...fine, rawHeaders: [...fine.rawHeaders, 'Origin', 'http://evil.example'] }))?.statusCode).toBe(403);
    });
  });
});
