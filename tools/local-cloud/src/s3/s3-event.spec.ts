import { encodeEventKey, nextSequencer, s3BusEvent, s3EventRecord, s3TestEvent, type ObjectChange } from './s3-event';

const change: ObjectChange = {
  bucket: 'uploads',
  key: 'images/my cat+1.jpg',
  eventName: 'ObjectCreated:Put',
  size: 1024,
  eTag: 'd41d8cd98f00b204e9800998ecf8427e',
  sourceIp: '127.0.0.1',
  requestId: 'C3D13FE58DE4C810',
  hostId: 'fauxqs',
  time: new Date('2026-01-02T03:04:05.678Z'),
};

describe('encodeEventKey', () => {
  it('form-encodes each segment as S3 does: space is +, + is %2B, slashes kept', () => {
    expect(encodeEventKey('images/my cat+1.jpg')).toBe('images/my+cat%2B1.jpg');
    expect(encodeEventKey('a/b (1)/ü=x&y.txt')).toBe('a/b+%281%29/%C3%BC%3Dx%26y.txt');
    expect(encodeEventKey('plain-key_1.txt')).toBe('plain-key_1.txt');
  });

  it('decodes back to the key the way AWS documents', () => {
    const key = "a b/c+d/e%f/(g)!'~*.txt";
    expect(decodeURIComponent(encodeEventKey(key).replace(/\+/g, ' '))).toBe(key);
  });
});

describe('nextSequencer', () => {
  it('is upper-case hex of at least 16 digits that grows, even within one millisecond', () => {
    const first = nextSequencer(1_700_000_000_000);
    const second = nextSequencer(1_700_000_000_000);
    expect(first).toMatch(/^[0-9A-F]{16,}$/);
    expect(BigInt(`0x${second}`)).toBeGreaterThan(BigInt(`0x${first}`));
  });
});

describe('s3EventRecord', () => {
  it('has the shape of a real ObjectCreated record (event version 2.1)', () => {
    expect(s3EventRecord(change, 'thumbs', '0055AED6DCD90281E5')).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-01-02T03:04:05.678Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:000000000000' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'fauxqs' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'thumbs',
        bucket: { name: 'uploads', ownerIdentity: { principalId: '000000000000' }, arn: 'arn:aws:s3:::uploads' },
        object: { key: 'images/my+cat%2B1.jpg', size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
      },
    });
  });

  it('has no size or eTag for a removal', () => {
    const record = s3EventRecord({ ...change, eventName: 'ObjectRemoved:Delete', size: undefined, eTag: undefined }, 'c', '01');
    expect(record.s3.object).toEqual({ key: 'images/my+cat%2B1.jpg', sequencer: '01' });
  });
});

describe('s3TestEvent and s3BusEvent', () => {
  it('builds the test event S3 sends when a configuration is set', () => {
    expect(s3TestEvent('uploads', new Date('2026-01-02T00:00:00Z'))).toMatchObject({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2026-01-02T00:00:00.000Z',
      Bucket: 'uploads',
    });
  });

  it('builds the EventBridge event with the key not encoded', () => {
    expect(s3BusEvent(change, '01')).toMatchObject({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      resources: ['arn:aws:s3:::uploads'],
      detail: { bucket: { name: 'uploads' }, object: { key: 'images/my cat+1.jpg', size: 1024, sequencer: '01' }, reason: 'PutObject' },
    });
    expect(s3BusEvent({ ...change, eventName: 'ObjectRemoved:Delete' }, '02')).toMatchObject({
      'detail-type': 'Object Deleted',
      detail: { object: { key: 'images/my cat+1.jpg', sequencer: '02' }, reason: 'DeleteObject', 'deletion-type': 'Permanently Deleted' },
    });
  });
});
