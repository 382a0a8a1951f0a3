import { dynamoDbStreamEvent, marshallItem } from './dynamodb-stream';

describe('marshallItem', () => {
  it('marshalls strings, numbers, booleans, null, lists and maps, dropping undefined', () => {
    expect(marshallItem({ s: 'a', n: 12, b: true, z: null, l: ['x', 1], m: { amount: 5 }, u: undefined })).toEqual({
      s: { S: 'a' },
      n: { N: '12' },
      b: { BOOL: true },
      z: { NULL: true },
      l: { L: [{ S: 'x' }, { N: '1' }] },
      m: { M: { amount: { N: '5' } } },
    });
  });

  it('rejects values DynamoDB cannot hold', () => {
    expect(() => marshallItem({ f: () => 1 })).toThrow(TypeError);
  });
});

describe('dynamoDbStreamEvent', () => {
  it('builds NEW_AND_OLD_IMAGES records with marshalled keys and images', () => {
    const event = dynamoDbStreamEvent([
      { eventName: 'INSERT', keys: { pk: 'P#1', sk: 'P' }, newImage: { pk: 'P#1', sk: 'P', version: 1 } },
      { eventName: 'REMOVE', keys: { pk: 'P#1', sk: 'P' }, oldImage: { pk: 'P#1', sk: 'P', version: 2 } },
    ]);

    expect(event.Records.map((record) => record.eventName)).toEqual(['INSERT', 'REMOVE']);
    expect(event.Records[0]?.dynamodb).toMatchObject({
      Keys: { pk: { S: 'P#1' }, sk: { S: 'P' } },
      NewImage: { pk: { S: 'P#1' }, sk: { S: 'P' }, version: { N: '1' } },
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(event.Records[0]?.dynamodb).not.toHaveProperty('OldImage');
    expect(event.Records[1]?.dynamodb?.OldImage?.['version']).toEqual({ N: '2' });
    expect(event.Records[1]?.dynamodb?.SequenceNumber).toBe('000000000000000000002');
  });
});
