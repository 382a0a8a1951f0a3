import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDbLocalStartError } from '../errors';
import { answersAsDynamoDbLocal } from './spawn-dynamodb-local';
import { ephemeralPortRange, findPortForSlowStart, isPortTaken } from './start-dynamodb-local';

describe('isPortTaken', () => {
  it.each([
    ['the plain jar', 'DynamoDB Local did not start on port 1: it exited\nCould not start server on port 1: Address in use'],
    [
      'the loopback launcher',
      'DynamoDB Local did not start on port 1: it exited\njava.io.IOException: Failed to bind to /127.0.0.1:1\nCaused by: java.net.BindException: Address already in use',
    ],
  ])('knows the taken port in the words of %s', (_launcher, message) => {
    expect(isPortTaken(new DynamoDbLocalStartError(message))).toBe(true);
  });

  it('leaves every other failure alone', () => {
    expect(isPortTaken(new DynamoDbLocalStartError('DynamoDB Local did not start on port 1: no HTTP answer within 60000 ms\n'))).toBe(
      false,
    );
    expect(isPortTaken(new Error('Address already in use'))).toBe(false);
  });
});

describe('ephemeralPortRange', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ephemeral-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads Linux's range from its /proc file", () => {
    const file = path.join(dir, 'ip_local_port_range');
    writeFileSync(file, '32768\t60999\n');
    expect(ephemeralPortRange(file)).toEqual([32768, 60999]);
  });

  it.each([
    ['a missing file (not Linux)', undefined],
    ['an unreadable value', 'soon'],
    ['a reversed range', '60999 32768'],
  ])("falls back to IANA's 49152-65535 on %s", (_case, content) => {
    const file = path.join(dir, 'ip_local_port_range');
    if (content !== undefined) writeFileSync(file, content);
    expect(ephemeralPortRange(file)).toEqual([49152, 65535]);
  });
});

describe('findPortForSlowStart', () => {
  it('picks a port below the ephemeral range, where listen(0) never lands, that it can listen on', async () => {
    const [lowest] = ephemeralPortRange();
    for (let i = 0; i < 5; i++) {
      const port = await findPortForSlowStart();
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(lowest);
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('answersAsDynamoDbLocal', () => {
  const serve = async (status: number, body: string): Promise<{ endpoint: string; close(): Promise<unknown> }> => {
    const server = createHttpServer((_request, response) => response.writeHead(status).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise((resolve) => server.close(resolve)),
    };
  };

  it("recognizes DynamoDB Local's answer to a bare GET", async () => {
    const server = await serve(
      400,
      '{"__type":"com.amazonaws.dynamodb.v20120810#MissingAuthenticationToken","Message":"Request must contain either a valid (registered) AWS access key ID or X.509 certificate."}',
    );
    try {
      await expect(answersAsDynamoDbLocal(server.endpoint)).resolves.toBe(true);
    } finally {
      await server.close();
    }
  });

  it.each([
    [403, '{"message":"Forbidden"}'],
    [400, 'Bad Request'],
    [200, 'ok'],
  ])('does not take another server (%i %s) for it', async (status, body) => {
    const server = await serve(status, body);
    try {
      await expect(answersAsDynamoDbLocal(server.endpoint)).resolves.toBe(false);
    } finally {
      await server.close();
    }
  });

  it('is false when nothing listens', async () => {
    const server = await serve(200, '');
    await server.close();
    await expect(answersAsDynamoDbLocal(server.endpoint)).resolves.toBe(false);
  });
});
