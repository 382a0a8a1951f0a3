import { EventPatternError } from './event-pattern';
import { compileRecordFilter, type RecordSource } from './record-filter';

/** An SQS record as the Lambda developer guide shows it ("Using event filtering with an Amazon SQS event source"). */
const sqsRecord = (body: string) => ({
  messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
  receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1545082649183',
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: '1545082649185',
  },
  messageAttributes: {},
  md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:my-queue',
  awsRegion: 'us-west-2',
});
/** The guide's message: `{ "RecordNumber": 1234, "TimeStamp": "yyyy-mm-ddThh:mm:ss", "RequestCode": "AAAA" }`. */
const guideMessage = (overrides: Record<string, unknown> = {}) =>
  sqsRecord(JSON.stringify({ RecordNumber: 1234, TimeStamp: 'yyyy-mm-ddThh:mm:ss', RequestCode: 'AAAA', ...overrides }));

/** A DynamoDB stream record as the guide shows it ("Using event filtering with a DynamoDB event source"). */
const dynamoRecord = (eventName: string, newImage?: Record<string, unknown>, oldImage?: Record<string, unknown>) => ({
  eventID: 'c9fbe7d0261a5163fcb6940593e41797',
  eventName,
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-2',
  dynamodb: {
    ApproximateCreationDateTime: 1664559083.0,
    Keys: { SK: { S: 'PRODUCT#CHOCOLATE#DARK#1000' }, PK: { S: 'COMPANY#1000' } },
    ...(newImage ? { NewImage: newImage } : {}),
    ...(oldImage ? { OldImage: oldImage } : {}),
    SequenceNumber: '111',
    SizeBytes: 75,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
  eventSourceARN: 'arn:aws:dynamodb:us-east-2:111122223333:table/chocolate-table-StreamsSampleDDBTable/stream/2022-09-30T17:05:53.209',
});
const chocolate = {
  quantity: { N: '50' },
  company_id: { S: '1000' },
  fabric: { S: 'Florida Chocolates' },
  price: { N: '15' },
  stores: { N: '5' },
  product_id: { S: '1000' },
  SK: { S: 'PRODUCT#CHOCOLATE#DARK#1000' },
  PK: { S: 'COMPANY#1000' },
  state: { S: 'FL' },
  type: { S: '' },
};

/** A Kinesis record whose `data` is base64 JSON (the guide's Kinesis filtering page). */
const kinesisRecord = (data: string) => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey: '1',
    sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
    data: Buffer.from(data).toString('base64'),
    approximateArrivalTimestamp: 1545084650.987,
  },
  eventSource: 'aws:kinesis',
  eventID: 'shardId-000000000006:49590338271490256608559692538361571095921575989136588898',
});

/** [what, source, patterns (the Filters' Pattern texts), record, delivered?]. */
const cases: [string, RecordSource, unknown[], unknown, boolean][] = [
  // The comparison operators of "Filter rule syntax" (Lambda developer guide), each on a JSON SQS body.
  ['null: UserID is null', 'sqs', [{ body: { UserID: [null] } }], sqsRecord('{"UserID":null}'), true],
  ['null: UserID is not null', 'sqs', [{ body: { UserID: [null] } }], sqsRecord('{"UserID":"u-1"}'), false],
  ['empty: LastName is empty', 'sqs', [{ body: { LastName: [''] } }], sqsRecord('{"LastName":""}'), true],
  ['empty: LastName is not empty', 'sqs', [{ body: { LastName: [''] } }], sqsRecord('{"LastName":"Doe"}'), false],
  ['equals: Name is "Alice"', 'sqs', [{ body: { Name: ['Alice'] } }], sqsRecord('{"Name":"Alice"}'), true],
  ['equals: Name is "alice" (case matters)', 'sqs', [{ body: { Name: ['Alice'] } }], sqsRecord('{"Name":"alice"}'), false],
  [
    'equals-ignore-case: Name is "Alice"',
    'sqs',
    [{ body: { Name: [{ 'equals-ignore-case': 'alice' }] } }],
    sqsRecord('{"Name":"ALICE"}'),
    true,
  ],
  [
    'and: Location is "New York" and Day is "Monday"',
    'sqs',
    [{ body: { Location: ['New York'], Day: ['Monday'] } }],
    sqsRecord('{"Location":"New York","Day":"Monday"}'),
    true,
  ],
  [
    'and: Location is "New York" but Day is "Tuesday"',
    'sqs',
    [{ body: { Location: ['New York'], Day: ['Monday'] } }],
    sqsRecord('{"Location":"New York","Day":"Tuesday"}'),
    false,
  ],
  [
    'or: PaymentType is "Credit" or "Debit"',
    'sqs',
    [{ body: { PaymentType: ['Credit', 'Debit'] } }],
    sqsRecord('{"PaymentType":"Debit"}'),
    true,
  ],
  ['or: PaymentType is "Cash"', 'sqs', [{ body: { PaymentType: ['Credit', 'Debit'] } }], sqsRecord('{"PaymentType":"Cash"}'), false],
  [
    'or (multiple fields): Location is "New York", or Day is "Monday"',
    'sqs',
    [{ body: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] } }],
    sqsRecord('{"Location":"Boston","Day":"Monday"}'),
    true,
  ],
  [
    'or (multiple fields): neither',
    'sqs',
    [{ body: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] } }],
    sqsRecord('{"Location":"Boston","Day":"Friday"}'),
    false,
  ],
  [
    'not: Weather is anything but "Raining"',
    'sqs',
    [{ body: { Weather: [{ 'anything-but': ['Raining'] }] } }],
    sqsRecord('{"Weather":"Sunny"}'),
    true,
  ],
  [
    'not: Weather is "Raining"',
    'sqs',
    [{ body: { Weather: [{ 'anything-but': ['Raining'] }] } }],
    sqsRecord('{"Weather":"Raining"}'),
    false,
  ],
  [
    'anything-but prefix',
    'sqs',
    [{ body: { Region: [{ 'anything-but': { prefix: 'us-' } }] } }],
    sqsRecord('{"Region":"us-east-1"}'),
    false,
  ],
  ['numeric (equals): Price is 100', 'sqs', [{ body: { Price: [{ numeric: ['=', 100] }] } }], sqsRecord('{"Price":100}'), true],
  ['numeric (equals): Price is 100.5', 'sqs', [{ body: { Price: [{ numeric: ['=', 100] }] } }], sqsRecord('{"Price":100.5}'), false],
  [
    'numeric (range): 10 < Price <= 20, at 20',
    'sqs',
    [{ body: { Price: [{ numeric: ['>', 10, '<=', 20] }] } }],
    sqsRecord('{"Price":20}'),
    true,
  ],
  [
    'numeric (range): 10 < Price <= 20, at 10',
    'sqs',
    [{ body: { Price: [{ numeric: ['>', 10, '<=', 20] }] } }],
    sqsRecord('{"Price":10}'),
    false,
  ],
  ['exists: ProductName exists', 'sqs', [{ body: { ProductName: [{ exists: true }] } }], sqsRecord('{"ProductName":"Mug"}'), true],
  ['exists: ProductName is missing', 'sqs', [{ body: { ProductName: [{ exists: true }] } }], sqsRecord('{"Other":1}'), false],
  ['does not exist: ProductName is missing', 'sqs', [{ body: { ProductName: [{ exists: false }] } }], sqsRecord('{"Other":1}'), true],
  [
    'does not exist: ProductName is there',
    'sqs',
    [{ body: { ProductName: [{ exists: false }] } }],
    sqsRecord('{"ProductName":"x"}'),
    false,
  ],
  ['begins with: Region is in the US', 'sqs', [{ body: { Region: [{ prefix: 'us-' }] } }], sqsRecord('{"Region":"us-west-2"}'), true],
  ['begins with: Region is in the EU', 'sqs', [{ body: { Region: [{ prefix: 'us-' }] } }], sqsRecord('{"Region":"eu-west-1"}'), false],
  ['ends with: FileName is a .png', 'sqs', [{ body: { FileName: [{ suffix: '.png' }] } }], sqsRecord('{"FileName":"cat.png"}'), true],
  ['ends with: FileName is a .jpg', 'sqs', [{ body: { FileName: [{ suffix: '.png' }] } }], sqsRecord('{"FileName":"cat.jpg"}'), false],
  ['wildcard', 'sqs', [{ body: { FileName: [{ wildcard: 'dir/*.png' }] } }], sqsRecord('{"FileName":"dir/cat.png"}'), true],
  [
    'wildcard, not matching',
    'sqs',
    [{ body: { FileName: [{ wildcard: 'dir/*.png' }] } }],
    sqsRecord('{"FileName":"other/cat.png"}'),
    false,
  ],

  // The SQS page's examples on its message { RecordNumber: 1234, TimeStamp, RequestCode: "AAAA" }.
  ['SQS: RequestCode is "BBBB" (the guide message is AAAA)', 'sqs', [{ body: { RequestCode: ['BBBB'] } }], guideMessage(), false],
  ['SQS: RequestCode is "BBBB"', 'sqs', [{ body: { RequestCode: ['BBBB'] } }], guideMessage({ RequestCode: 'BBBB' }), true],
  ['SQS: RecordNumber > 9999 (1234)', 'sqs', [{ body: { RecordNumber: [{ numeric: ['>', 9999] }] } }], guideMessage(), false],
  [
    'SQS: RecordNumber > 9999 (10000)',
    'sqs',
    [{ body: { RecordNumber: [{ numeric: ['>', 9999] }] } }],
    guideMessage({ RecordNumber: 10000 }),
    true,
  ],
  // "Filtering on incoming data format": a plain-string body against plain-string and JSON patterns.
  ['SQS plain body, plain-string pattern, equal', 'sqs', [{ body: ['This is a message'] }], sqsRecord('This is a message'), true],
  ['SQS plain body, plain-string pattern, prefix', 'sqs', [{ body: [{ prefix: 'This is' }] }], sqsRecord('This is a message'), true],
  ['SQS plain body, plain-string pattern, different', 'sqs', [{ body: ['Another message'] }], sqsRecord('This is a message'), false],
  ['SQS plain body, JSON pattern: the record is dropped', 'sqs', [{ body: { RequestCode: ['AAAA'] } }], sqsRecord('AAAA'), false],
  ['SQS JSON array body, JSON pattern: dropped', 'sqs', [{ body: { RequestCode: ['AAAA'] } }], sqsRecord('[1,2]'), false],
  [
    'SQS: a pattern on the metadata only (no body key) sees the record',
    'sqs',
    [{ attributes: { ApproximateReceiveCount: ['1'] } }],
    sqsRecord('not JSON'),
    true,
  ],
  // Several filters are ORed.
  [
    'two filters ORed: the second matches',
    'sqs',
    [{ body: { RequestCode: ['BBBB'] } }, { body: { RecordNumber: [1234] } }],
    guideMessage(),
    true,
  ],
  ['two filters ORed: none matches', 'sqs', [{ body: { RequestCode: ['BBBB'] } }, { body: { RecordNumber: [1] } }], guideMessage(), false],

  // The DynamoDB page's examples: typed attributes in NewImage/OldImage.
  [
    'DynamoDB: NewImage.state.S is "FL"',
    'dynamodb-stream',
    [{ dynamodb: { NewImage: { state: { S: ['FL'] } } } }],
    dynamoRecord('INSERT', chocolate),
    true,
  ],
  [
    'DynamoDB: NewImage.state.S is "CA"',
    'dynamodb-stream',
    [{ dynamodb: { NewImage: { state: { S: ['CA'] } } } }],
    dynamoRecord('INSERT', chocolate),
    false,
  ],
  [
    'DynamoDB: eventName is INSERT (a MODIFY)',
    'dynamodb-stream',
    [{ eventName: ['INSERT'] }],
    dynamoRecord('MODIFY', chocolate, chocolate),
    false,
  ],
  [
    'DynamoDB: Keys.PK.S begins with COMPANY',
    'dynamodb-stream',
    [{ dynamodb: { Keys: { PK: { S: [{ prefix: 'COMPANY' }] } } } }],
    dynamoRecord('INSERT', chocolate),
    true,
  ],
  [
    'DynamoDB: N attributes are strings, numeric does not match them',
    'dynamodb-stream',
    [{ dynamodb: { NewImage: { quantity: { N: [{ numeric: ['>', 10] }] } } } }],
    dynamoRecord('INSERT', chocolate),
    false,
  ],
  [
    'DynamoDB: N attributes match as their text',
    'dynamodb-stream',
    [{ dynamodb: { NewImage: { quantity: { N: ['50'] } } } }],
    dynamoRecord('INSERT', chocolate),
    true,
  ],
  [
    'DynamoDB: the empty string matches an empty S',
    'dynamodb-stream',
    [{ dynamodb: { NewImage: { type: { S: [''] } } } }],
    dynamoRecord('INSERT', chocolate),
    true,
  ],
  [
    'DynamoDB: a REMOVE has no NewImage (exists false)',
    'dynamodb-stream',
    [{ dynamodb: { NewImage: { state: { S: [{ exists: false }] } } } }],
    dynamoRecord('REMOVE', undefined, chocolate),
    true,
  ],
  [
    'DynamoDB: OldImage/NewImage $or',
    'dynamodb-stream',
    [{ $or: [{ dynamodb: { NewImage: { state: { S: ['TX'] } } } }, { dynamodb: { OldImage: { state: { S: ['FL'] } } } }] }],
    dynamoRecord('REMOVE', undefined, chocolate),
    true,
  ],

  // Kinesis: `data` is base64; a JSON pattern sees it decoded.
  ['Kinesis: data.RecordNumber', 'kinesis', [{ data: { RequestCode: ['AAAA'] } }], kinesisRecord('{"RequestCode":"AAAA"}'), false],
  [
    'Kinesis: kinesis.data.RequestCode',
    'kinesis',
    [{ kinesis: { data: { RequestCode: ['AAAA'] } } }],
    kinesisRecord('{"RequestCode":"AAAA"}'),
    true,
  ],
  ['Kinesis: plain data, string pattern', 'kinesis', [{ kinesis: { data: ['hello'] } }], kinesisRecord('hello'), true],
];

describe('compileRecordFilter (Lambda FilterCriteria, the examples of the Lambda developer guide)', () => {
  it.each(cases)('%s', (_what, source, patterns, record, delivered) => {
    const filter = compileRecordFilter(
      patterns.map((pattern) => JSON.stringify(pattern)),
      source,
    );
    expect(filter?.(record)).toBe(delivered);
  });

  it('the record the function gets is left as it was (the body stays a string)', () => {
    const record = guideMessage();
    const before = JSON.stringify(record);
    compileRecordFilter([JSON.stringify({ body: { RequestCode: ['AAAA'] } })], 'sqs')?.(record);
    expect(JSON.stringify(record)).toBe(before);
  });

  it('no patterns: no filter (every record is delivered)', () => {
    expect(compileRecordFilter([], 'sqs')).toBeUndefined();
  });

  it.each([['not json'], ['{}'], [JSON.stringify({ body: { a: [{ numeric: ['>', 'x'] }] } })], [JSON.stringify({ body: { a: 'x' } })]])(
    'refuses the invalid pattern %s',
    (pattern) => {
      expect(() => compileRecordFilter([pattern], 'sqs')).toThrow(EventPatternError);
    },
  );
});
