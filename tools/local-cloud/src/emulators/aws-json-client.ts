import http from 'node:http';
import { LOCAL_REGION } from '../assembly/naming';

/** An error answered by an AWS JSON-protocol endpoint (`__type` + `message`). */
export class AwsJsonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(`${code}: ${message}`);
    this.name = code;
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * A raw call to an AWS JSON-protocol endpoint (DynamoDB Local, DynamoDB Streams, fauxqs's SQS).
 * Raw on purpose: the pollers hand records to functions exactly as they come over the wire, which
 * is what Lambda does (the SDK would turn timestamps into Date objects and binary values into
 * bytes), and a call costs a fraction of the SDK's middleware stack and signing.
 */
export function awsJsonCall<T = Record<string, unknown>>(
  endpoint: string,
  target: string,
  body: unknown,
  options: { service?: string; version?: string; signal?: AbortSignal; agent?: http.Agent; accessKeyId?: string } = {},
): Promise<T> {
  const url = new URL(endpoint);
  const payload = JSON.stringify(body ?? {});
  const service = options.service ?? 'dynamodb';
  return new Promise<T>((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname || '/',
        method: 'POST',
        agent: options.agent ?? agent,
        signal: options.signal,
        headers: {
          'content-type': `application/x-amz-json-${options.version ?? '1.0'}`,
          'content-length': Buffer.byteLength(payload),
          'x-amz-target': target,
          // DynamoDB Local wants a well-formed SigV4 header, never checks the signature; without -sharedDb, the key picks the database.
          authorization: `AWS4-HMAC-SHA256 Credential=${options.accessKeyId ?? 'local'}/20240101/${LOCAL_REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown> = {};
          try {
            parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            reject(new AwsJsonError('InvalidResponse', text.slice(0, 200), response.statusCode ?? 0));
            return;
          }
          if ((response.statusCode ?? 500) >= 400) {
            const code = String(parsed.__type ?? 'UnknownError').replace(/^.*#/, '');
            reject(new AwsJsonError(code, String(parsed.message ?? parsed.Message ?? text), response.statusCode ?? 500));
          } else {
            resolve(parsed as T);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
