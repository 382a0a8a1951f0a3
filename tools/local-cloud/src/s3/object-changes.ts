import type { ObjectChange } from './s3-event';

/** An S3 call as the front door saw it, path-style: `/<bucket>/<key>` (percent-encoded as sent). */
export interface S3Call {
  httpMethod: string;
  path: string;
  query: string;
  headerOf(name: string): string | undefined;
  body: Buffer;
  sourceIp: string;
}

/** The emulator's answer to it. */
export interface S3Answer {
  statusCode: number;
  headerOf(name: string): string | undefined;
  body: Buffer;
}

const unquote = (eTag: string | undefined) => eTag?.replace(/^"|"$/g, '');
const xmlText = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (named[entity.toLowerCase()]) return named[entity.toLowerCase()];
    return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
  });
const xmlField = (xml: string, tag: string) => {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match ? xmlText(match[1]) : undefined;
};

/**
 * The object changes a successful S3 call made, read from the call and the emulator's answer (the
 * notifications are built on them): PutObject, CopyObject, CompleteMultipartUpload, DeleteObject,
 * DeleteObjects. `sizeOf` asks the emulator for an object's size where the call does not say it
 * (a copy, a completed upload). Anything else (reads, part uploads, bucket calls, a failure) makes none.
 */
export async function objectChangesOf(
  call: S3Call,
  answer: S3Answer,
  sizeOf: (bucket: string, key: string) => Promise<number | undefined>,
  time = new Date(),
): Promise<ObjectChange[]> {
  if (answer.statusCode < 200 || answer.statusCode > 299) return [];
  const [, bucket, ...keyParts] = call.path.split('/');
  if (!bucket) return [];
  const key = decodeURIComponent(keyParts.join('/'));
  const query = new URLSearchParams(call.query);
  const base = {
    bucket,
    sourceIp: call.sourceIp,
    requestId: answer.headerOf('x-amz-request-id') ?? '',
    hostId: answer.headerOf('x-amz-id-2') ?? '',
    time,
  };
  const text = () => answer.body.toString('utf8');

  if (call.httpMethod === 'PUT' && key && !query.has('partNumber') && !query.has('uploadId')) {
    if (call.headerOf('x-amz-copy-source') !== undefined) {
      return [{ ...base, key, eventName: 'ObjectCreated:Copy', eTag: unquote(xmlField(text(), 'ETag')), size: await sizeOf(bucket, key) }];
    }
    const decoded = call.headerOf('x-amz-decoded-content-length');
    return [
      {
        ...base,
        key,
        eventName: 'ObjectCreated:Put',
        eTag: unquote(answer.headerOf('etag')),
        size: decoded !== undefined ? Number(decoded) : call.body.length,
      },
    ];
  }
  if (call.httpMethod === 'POST' && key && query.has('uploadId')) {
    return [
      {
        ...base,
        key,
        eventName: 'ObjectCreated:CompleteMultipartUpload',
        eTag: unquote(xmlField(text(), 'ETag')),
        size: await sizeOf(bucket, key),
      },
    ];
  }
  if (call.httpMethod === 'DELETE' && key && !query.has('uploadId')) {
    return [{ ...base, key, eventName: 'ObjectRemoved:Delete' }];
  }
  if (call.httpMethod === 'POST' && !key && query.has('delete')) {
    return [...text().matchAll(/<Deleted>([\s\S]*?)<\/Deleted>/g)].flatMap((match) => {
      const deleted = xmlField(match[1], 'Key');
      return deleted === undefined ? [] : [{ ...base, key: deleted, eventName: 'ObjectRemoved:Delete' }];
    });
  }
  return [];
}
