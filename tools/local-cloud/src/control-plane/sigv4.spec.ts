import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256, SigV4Verifier, type SignedRequest } from './sigv4';

const SECRET = 'the-secret-of-this-start';
const KEY_ID = 'LOCALCLOUDCONTROL';
const NOW = Date.parse('2025-03-04T05:06:07Z');
const ENDPOINT = 'http://127.0.0.1:3000';

/** What an SDK client would send: the request after its signing middleware, captured instead of sent. */
interface Captured {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

class CapturedRequest extends Error {
  constructor(readonly request: Captured) {
    super('captured');
  }
}

const capture = { handle: async (request: Captured) => Promise.reject(new CapturedRequest(request)) };

/** Runs an SDK call with a clock at `signedAt`, and returns the request it signed, as the gateway receives it. */
type ClientConfig = NonNullable<ConstructorParameters<typeof SFNClient>[0]>;

async function sdkRequest(send: (config: ClientConfig) => Promise<unknown>, options: { secret?: string; accessKeyId?: string } = {}) {
  const realNow = Date.now;
  Date.now = () => NOW;
  try {
    await send({
      endpoint: `${ENDPOINT}/_aws/x`,
      region: 'us-east-1',
      credentials: { accessKeyId: options.accessKeyId ?? KEY_ID, secretAccessKey: options.secret ?? SECRET, sessionToken: 'local' },
      requestHandler: capture as never,
      maxAttempts: 1,
    });
  } catch (error) {
    if (error instanceof CapturedRequest) return received(error.request);
    throw error;
  } finally {
    Date.now = realNow;
  }
  throw new Error('the SDK sent nothing');
}

/** The captured request in the shape node:http gives the gateway (raw path and query, rawHeaders, a Buffer body). */
function received(request: Captured): SignedRequest {
  const query = Object.entries(request.query ?? {})
    .flatMap(([key, value]) =>
      ([] as (string | null)[])
        .concat(value)
        .map((item) => `${encodeURIComponent(key)}${item === null ? '' : `=${encodeURIComponent(item)}`}`),
    )
    .join('&');
  return {
    httpMethod: request.method,
    path: request.path,
    query,
    rawHeaders: Object.entries(request.headers).flat(),
    // The SDK's JSON body is a Uint8Array view: copy its bytes, as the socket would.
    body:
      typeof request.body === 'string' || request.body === undefined
        ? Buffer.from(request.body ?? '')
        : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
  };
}

const sfnCall = (config: ClientConfig) =>
  new SFNClient(config).send(
    new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:order-saga:o-1' }),
  );

const verifier = (now = NOW) => new SigV4Verifier({ accessKeyId: KEY_ID, secretAccessKey: SECRET, now: () => now });
const withHeader = (request: SignedRequest, name: string, value: string | undefined): SignedRequest => {
  const rawHeaders: string[] = [];
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    if (request.rawHeaders[index].toLowerCase() !== name) rawHeaders.push(request.rawHeaders[index], request.rawHeaders[index + 1]);
  }
  return { ...request, rawHeaders: value === undefined ? rawHeaders : [...rawHeaders, name, value] };
};

describe('SigV4Verifier', () => {
  it('accepts what the AWS SDK signs with the secret: JSON protocol (Step Functions, SSM) and query protocol (SNS)', async () => {
    const requests = [
      await sdkRequest(sfnCall),
      await sdkRequest((config) => new SSMClient(config).send(new GetParameterCommand({ Name: '/shop/local/order/queue-url' }))),
      await sdkRequest((config) =>
        new SNSClient(config).send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:orders', Message: 'héllo & <bye>' })),
      ),
    ];
    expect(
      requests.map((request) => request.rawHeaders[request.rawHeaders.findIndex((name) => name.toLowerCase() === 'content-type') + 1]),
    ).toEqual(['application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/x-www-form-urlencoded']);
    for (const request of requests) expect(await verifier().verify(request)).toEqual({ ok: true });
  });

  it('accepts a REST request with an encoded ARN in the path and a query string (Lambda Invoke, as the SDK sends it)', async () => {
    const signer = new SignatureV4({
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
      region: 'us-east-1',
      service: 'lambda',
      sha256: NodeSha256,
    });
    const path = `/_aws/lambda/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:payment-Charge')}/invocations`;
    const body = '{"orderId":"o-1"}';
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 3000,
        path,
        query: { Qualifier: '$LATEST' },
        headers: { host: '127.0.0.1:3000', 'content-type': 'application/json' },
        body,
      },
      { signingDate: new Date(NOW) },
    );
    const request = received({
      method: 'POST',
      path,
      query: { Qualifier: '$LATEST' },
      headers: signed.headers as Record<string, string>,
      body,
    });
    expect(await verifier().verify(request)).toEqual({ ok: true });
    expect(await verifier().verify({ ...request, query: 'Qualifier=2' })).toEqual(
      expect.objectContaining({ ok: false, code: 'InvalidSignature' }),
    );
  });

  it('accepts S3 as the SDK signs it: the path not escaped twice (a key with a space and a +), an unsigned streaming body', async () => {
    const request = await sdkRequest((config) =>
      new S3Client(config as S3ClientConfig).send(new PutObjectCommand({ Bucket: 'uploads', Key: 'my cat+1.jpg', Body: 'meow' })),
    );
    expect(request.path).toBe('/_aws/x/uploads/my%20cat%2B1.jpg');
    expect(await verifier().verify(request)).toEqual({ ok: true });

    const signer = new SignatureV4({
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
      region: 'us-east-1',
      service: 's3',
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const path = '/_aws/s3/uploads/a%20b.txt';
    const headers = {
      host: '127.0.0.1:3000',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
    };
    const signed = await signer.sign(
      { method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: 3000, path, headers },
      { signingDate: new Date(NOW) },
    );
    const streamed = received({ method: 'PUT', path, headers: signed.headers as Record<string, string>, body: '5\r\nhello\r\n0\r\n' });
    expect(await verifier().verify(streamed)).toEqual({ ok: true });
    // A body hash that is neither the body's nor an unsigned marker is still refused.
    expect(await verifier().verify(withHeader(streamed, 'x-amz-content-sha256', 'f'.repeat(64)))).toEqual(
      expect.objectContaining({ ok: false, code: 'InvalidSignature' }),
    );
  });

  it('refuses a signature made with another secret', async () => {
    expect(await verifier().verify(await sdkRequest(sfnCall, { secret: 'local' }))).toEqual({
      ok: false,
      code: 'InvalidSignature',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    });
  });

  it('refuses another access key id as an unrecognized client', async () => {
    expect(await verifier().verify(await sdkRequest(sfnCall, { accessKeyId: 'local' }))).toEqual({
      ok: false,
      code: 'UnrecognizedClient',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('refuses a request without Authorization, and a malformed one', async () => {
    const request = await sdkRequest(sfnCall);
    expect(await verifier().verify(withHeader(request, 'authorization', undefined))).toEqual(
      expect.objectContaining({ ok: false, code: 'MissingAuthenticationToken' }),
    );
    expect(await verifier().verify(withHeader(request, 'authorization', 'Bearer abc'))).toEqual(
      expect.objectContaining({ ok: false, code: 'IncompleteSignature' }),
    );
  });

  it('refuses a signature older or newer than 5 minutes, and accepts one within the window', async () => {
    const request = await sdkRequest(sfnCall);
    expect(await verifier(NOW + 4 * 60_000).verify(request)).toEqual({ ok: true });
    expect(await verifier(NOW + 5 * 60_000 + 1000).verify(request)).toEqual({
      ok: false,
      code: 'InvalidSignature',
      message: 'Signature expired: 20250304T050607Z is now earlier than 20250304T050608Z (20250304T051108Z - 5 min.)',
    });
    expect(await verifier(NOW - 6 * 60_000).verify(request)).toEqual(
      expect.objectContaining({ ok: false, code: 'InvalidSignature', message: expect.stringContaining('is now later than') }),
    );
  });

  it('refuses a request changed after signing: body, path, a signed header, a dropped signed header, a forged date', async () => {
    const request = await sdkRequest(sfnCall);
    const refused = expect.objectContaining({ ok: false });
    expect(await verifier().verify({ ...request, body: Buffer.from('{"executionArn":"arn:other"}') })).toEqual(refused);
    expect(await verifier().verify({ ...request, path: '/_aws/y' })).toEqual(refused);
    expect(await verifier().verify(withHeader(request, 'x-amz-target', 'AWSStepFunctions.StopExecution'))).toEqual(refused);
    expect(await verifier().verify(withHeader(request, 'x-amz-target', undefined))).toEqual(
      expect.objectContaining({ ok: false, code: 'IncompleteSignature' }),
    );
    expect(await verifier().verify(withHeader(request, 'x-amz-date', '20250304T050900Z'))).toEqual(
      expect.objectContaining({ ok: false, code: 'InvalidSignature' }),
    );
  });

  it('ignores headers the client did not sign (a proxy may add them), as AWS does', async () => {
    const request = await sdkRequest(sfnCall);
    expect(await verifier().verify(withHeader(request, 'x-forwarded-for', '10.0.0.1'))).toEqual({ ok: true });
  });

  it('refuses a signed x-amz-content-sha256 that is not the hash of the body received', async () => {
    const signer = new SignatureV4({
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
      region: 'us-east-1',
      service: 'sqs',
      sha256: NodeSha256,
    });
    const forged = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'; // the hash of an empty body
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 3000,
        path: '/_aws/sqs',
        query: {},
        headers: { host: '127.0.0.1:3000', 'x-amz-content-sha256': forged },
        body: '{"a":1}',
      },
      { signingDate: new Date(NOW) },
    );
    const request = received({ method: 'POST', path: '/_aws/sqs', headers: signed.headers as Record<string, string>, body: '{"a":1}' });
    expect(await verifier().verify(request)).toEqual(
      expect.objectContaining({
        ok: false,
        code: 'InvalidSignature',
        message: 'x-amz-content-sha256 is not the SHA-256 of the body received',
      }),
    );
  });
});
