import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../assembly/naming';

/** One object change a successful S3 call made (what a notification is about). */
export interface ObjectChange {
  bucket: string;
  /** The key as stored (not encoded). */
  key: string;
  /** `ObjectCreated:Put`, `ObjectCreated:Copy`, `ObjectCreated:CompleteMultipartUpload`, `ObjectRemoved:Delete`. */
  eventName: string;
  /** Created objects only. */
  size?: number;
  eTag?: string;
  sourceIp: string;
  requestId: string;
  hostId: string;
  time: Date;
}

/**
 * The key as S3 writes it in an event: form-URL-encoded (a space is `+`, `+` is `%2B`) with `/`
 * kept, as Java's URLEncoder with the slashes left alone. Consumers decode it with
 * `decodeURIComponent(key.replace(/\+/g, ' '))`, as AWS's examples do.
 */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((part) =>
      encodeURIComponent(part)
        .replace(/%20/g, '+')
        .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

let lastSequencer = 0n;

/**
 * S3's `sequencer`: hex that grows with each change (S3 orders the events of one key by it); here a
 * microsecond clock that never repeats in this process.
 */
export function nextSequencer(now = Date.now()): string {
  const candidate = BigInt(now) * 1000n;
  lastSequencer = candidate > lastSequencer ? candidate : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(16, '0');
}

/** The `Records` event S3 sends to a function, a queue or a topic for one change, as AWS documents it (event version 2.1). */
export function s3EventRecord(change: ObjectChange, configurationId: string, sequencer: string) {
  const created = change.eventName.startsWith('ObjectCreated:');
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: LOCAL_REGION,
    eventTime: change.time.toISOString(),
    eventName: change.eventName,
    userIdentity: { principalId: `AWS:${LOCAL_ACCOUNT_ID}` },
    requestParameters: { sourceIPAddress: change.sourceIp },
    responseElements: { 'x-amz-request-id': change.requestId, 'x-amz-id-2': change.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: change.bucket, ownerIdentity: { principalId: LOCAL_ACCOUNT_ID }, arn: `arn:aws:s3:::${change.bucket}` },
      object: {
        key: encodeEventKey(change.key),
        ...(created ? { size: change.size ?? 0, eTag: change.eTag ?? '' } : {}),
        sequencer,
      },
    },
  };
}

/** What S3 sends a queue or a topic when a notification configuration is set on the bucket. */
export function s3TestEvent(bucket: string, time = new Date()) {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: time.toISOString(),
    Bucket: bucket,
    RequestId: LOCAL_ACCOUNT_ID,
    HostId: 'local-cloud',
  };
}

const REASONS: Record<string, string> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
  'ObjectRemoved:Delete': 'DeleteObject',
};

/** The EventBridge event S3 puts on the default bus for a change (bucket with `EventBridgeConfiguration`). */
export function s3BusEvent(change: ObjectChange, sequencer: string) {
  const created = change.eventName.startsWith('ObjectCreated:');
  return {
    source: 'aws.s3',
    'detail-type': created ? 'Object Created' : 'Object Deleted',
    resources: [`arn:aws:s3:::${change.bucket}`],
    time: change.time,
    detail: {
      version: '0',
      bucket: { name: change.bucket },
      object: created ? { key: change.key, size: change.size ?? 0, etag: change.eTag ?? '', sequencer } : { key: change.key, sequencer },
      'request-id': change.requestId,
      requester: LOCAL_ACCOUNT_ID,
      'source-ip-address': change.sourceIp,
      reason: REASONS[change.eventName] ?? change.eventName,
      ...(created ? {} : { 'deletion-type': 'Permanently Deleted' }),
    },
  };
}
