import { corsPreflight, withCorsHeaders } from './cors';
import type { HttpCorsDef } from './model';

const cors: HttpCorsDef = {
  allowOrigins: ['https://app.example.com', 'https://*.example.org'],
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['authorization'],
  exposeHeaders: ['x-id'],
  maxAge: 600,
  allowCredentials: true,
};
const headers = (values: Record<string, string>) => (name: string) => values[name];

describe('CORS of an HTTP API', () => {
  it('answers a preflight from an allowed origin with the configuration', () => {
    expect(corsPreflight(cors, 'OPTIONS', headers({ origin: 'https://a.example.org', 'access-control-request-method': 'POST' }))).toEqual({
      statusCode: 204,
      headers: [
        ['access-control-allow-origin', 'https://a.example.org'],
        ['access-control-allow-credentials', 'true'],
        ['access-control-allow-methods', 'GET,POST'],
        ['access-control-allow-headers', 'authorization'],
        ['access-control-max-age', '600'],
      ],
    });
  });

  it('answers * for any origin without credentials, and echoes the requested method and headers for *', () => {
    const open: HttpCorsDef = { allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'], exposeHeaders: [], allowCredentials: false };
    const answer = corsPreflight(
      open,
      'OPTIONS',
      headers({ origin: 'https://x.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-a' }),
    );
    expect(answer?.headers).toEqual([
      ['access-control-allow-origin', '*'],
      ['access-control-allow-methods', 'PUT'],
      ['access-control-allow-headers', 'x-a'],
    ]);
  });

  it('gives no CORS headers to a foreign origin or method, and is no preflight without its headers or configuration', () => {
    expect(corsPreflight(cors, 'OPTIONS', headers({ origin: 'https://evil.test', 'access-control-request-method': 'GET' }))).toEqual({
      statusCode: 204,
      headers: [],
    });
    expect(
      corsPreflight(cors, 'OPTIONS', headers({ origin: 'https://app.example.com', 'access-control-request-method': 'DELETE' }))?.headers,
    ).toEqual([]);
    expect(corsPreflight(cors, 'OPTIONS', headers({ origin: 'https://app.example.com' }))).toBeUndefined();
    expect(
      corsPreflight(undefined, 'OPTIONS', headers({ origin: 'https://app.example.com', 'access-control-request-method': 'GET' })),
    ).toBeUndefined();
  });

  it("adds the headers to an answer for an allowed origin and drops the integration's own", () => {
    const own: [string, string][] = [
      ['content-type', 'text/plain'],
      ['Access-Control-Allow-Origin', '*'],
    ];
    expect(withCorsHeaders(cors, 'https://app.example.com', own)).toEqual([
      ['content-type', 'text/plain'],
      ['access-control-allow-origin', 'https://app.example.com'],
      ['access-control-allow-credentials', 'true'],
      ['access-control-expose-headers', 'x-id'],
    ]);
    expect(withCorsHeaders(cors, 'https://evil.test', own)).toEqual([['content-type', 'text/plain']]);
    expect(withCorsHeaders(undefined, 'https://evil.test', own)).toBe(own);
  });
});
