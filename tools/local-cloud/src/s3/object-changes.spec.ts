import { objectChangesOf, type S3Answer, type S3Call } from './object-changes';

const time = new Date('2026-01-01T00:00:00Z');
const call = (httpMethod: string, path: string, query = '', headers: Record<string, string> = {}, body = ''): S3Call => ({
  httpMethod,
  path,
  query,
  headerOf: (name) => headers[name],
  body: Buffer.from(body),
  sourceIp: '127.0.0.1',
});
const answer = (statusCode: number, headers: Record<string, string> = {}, body = ''): S3Answer => ({
  statusCode,
  headerOf: (name) => ({ 'x-amz-request-id': 'REQ', 'x-amz-id-2': 'HOST', ...headers })[name],
  body: Buffer.from(body),
});
const sizes = async () => 42;
const base = { bucket: 'b', sourceIp: '127.0.0.1', requestId: 'REQ', hostId: 'HOST', time };

describe('objectChangesOf', () => {
  it('PutObject: the decoded key, the ETag without quotes, the body size (or the decoded length of a chunked upload)', async () => {
    expect(
      await objectChangesOf(call('PUT', '/b/a%20b/c%2Bd.txt', 'x-id=PutObject', {}, 'hello'), answer(200, { etag: '"e1"' }), sizes, time),
    ).toEqual([{ ...base, key: 'a b/c+d.txt', eventName: 'ObjectCreated:Put', eTag: 'e1', size: 5 }]);
    const chunked = call('PUT', '/b/k', '', { 'x-amz-decoded-content-length': '11' }, '0123456789abcdef-chunk-framing');
    expect((await objectChangesOf(chunked, answer(200, { etag: '"e"' }), sizes, time))[0]?.size).toBe(11);
  });

  it('CopyObject and CompleteMultipartUpload: the ETag from the answer, the size asked of the emulator', async () => {
    const copied = call('PUT', '/b/to', '', { 'x-amz-copy-source': 'b/from' });
    expect(
      await objectChangesOf(copied, answer(200, {}, '<CopyObjectResult><ETag>&quot;e2&quot;</ETag></CopyObjectResult>'), sizes, time),
    ).toEqual([{ ...base, key: 'to', eventName: 'ObjectCreated:Copy', eTag: 'e2', size: 42 }]);
    const completed = call('POST', '/b/big', 'uploadId=u1');
    expect(
      await objectChangesOf(
        completed,
        answer(200, {}, '<CompleteMultipartUploadResult><ETag>"e3-2"</ETag></CompleteMultipartUploadResult>'),
        sizes,
        time,
      ),
    ).toEqual([{ ...base, key: 'big', eventName: 'ObjectCreated:CompleteMultipartUpload', eTag: 'e3-2', size: 42 }]);
  });

  it('DeleteObject and DeleteObjects: one removal per deleted key', async () => {
    expect(await objectChangesOf(call('DELETE', '/b/k'), answer(204), sizes, time)).toEqual([
      { ...base, key: 'k', eventName: 'ObjectRemoved:Delete' },
    ]);
    const deleted =
      '<DeleteResult><Deleted><Key>a&amp;b</Key></Deleted><Error><Key>c</Key></Error><Deleted><Key>d</Key></Deleted></DeleteResult>';
    const changes = await objectChangesOf(call('POST', '/b', 'delete'), answer(200, {}, deleted), sizes, time);
    expect(changes.map((change) => change.key)).toEqual(['a&b', 'd']);
  });

  it('makes none for part uploads, aborts, bucket calls and failures', async () => {
    expect(await objectChangesOf(call('PUT', '/b/k', 'partNumber=1&uploadId=u'), answer(200, { etag: '"p"' }), sizes, time)).toEqual([]);
    expect(await objectChangesOf(call('DELETE', '/b/k', 'uploadId=u'), answer(204), sizes, time)).toEqual([]);
    expect(await objectChangesOf(call('POST', '/b/k', 'uploads'), answer(200), sizes, time)).toEqual([]);
    expect(await objectChangesOf(call('PUT', '/b'), answer(200), sizes, time)).toEqual([]);
    expect(await objectChangesOf(call('PUT', '/b/k', '', {}, 'x'), answer(404), sizes, time)).toEqual([]);
  });
});
