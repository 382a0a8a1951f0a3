import { withAccessKey } from './front-door';

describe('withAccessKey', () => {
  const signed =
    'AWS4-HMAC-SHA256 Credential=AKIAROLE123/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';

  it('puts the key in the credential scope of the Authorization header and keeps the rest of every header', () => {
    expect(
      withAccessKey(
        [
          ['Authorization', signed],
          ['X-Amz-Target', 'DynamoDB_20120810.GetItem'],
        ],
        'LOCAL0A1B',
      ),
    ).toEqual([
      ['Authorization', signed.replace('AKIAROLE123/', 'LOCAL0A1B/')],
      ['X-Amz-Target', 'DynamoDB_20120810.GetItem'],
    ]);
  });

  it('leaves a header without a credential scope as it is', () => {
    expect(withAccessKey([['authorization', 'Bearer token']], 'LOCAL0A1B')).toEqual([['authorization', 'Bearer token']]);
  });
});
