import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** One change of {@link dynamoDbStreamEvent}; images are plain objects, marshalled for you. */
export interface StreamChangeInput {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** Key attributes of the item, e.g. `{ pk: 'PRODUCT#ABC', sk: 'PRODUCT' }`. */
  readonly keys: Readonly<Record<string, unknown>>;
  /** Item after the change (INSERT, MODIFY). */
  readonly newImage?: Readonly<Record<string, unknown>>;
  /** Item before the change (MODIFY, REMOVE). */
  readonly oldImage?: Readonly<Record<string, unknown>>;
  /** @default `<index + 1>` zero-padded */
  readonly sequenceNumber?: string;
  /** Set for TTL deletions: `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }`. */
  readonly userIdentity?: { readonly type: string; readonly principalId: string };
}

/** Default stream ARN of {@link dynamoDbStreamEvent}. */
export const DEFAULT_STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/test-table/stream/2026-01-01T00:00:00.000';

/**
 * A DynamoDB stream batch (view type NEW_AND_OLD_IMAGES) as Lambda receives it.
 * @example dynamoDbStreamEvent([{ eventName: 'INSERT', keys: { pk, sk }, newImage: item }])
 */
export const dynamoDbStreamEvent = (
  changes: readonly StreamChangeInput[],
  options: { readonly streamArn?: string } = {},
): DynamoDBStreamEvent => ({
  Records: changes.map((change, index): DynamoDBRecord => {
    const sequenceNumber = change.sequenceNumber ?? String(index + 1).padStart(21, '0');
    return {
      eventID: `event-${index}`,
      eventName: change.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      eventSourceARN: options.streamArn ?? DEFAULT_STREAM_ARN,
      ...(change.userIdentity && { userIdentity: { ...change.userIdentity } }),
      dynamodb: {
        ApproximateCreationDateTime: 1767225600,
        Keys: marshallItem(change.keys),
        ...(change.newImage && { NewImage: marshallItem(change.newImage) }),
        ...(change.oldImage && { OldImage: marshallItem(change.oldImage) }),
        SequenceNumber: sequenceNumber,
        SizeBytes: 256,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
  }),
});

/** Marshalls a plain item into DynamoDB's AttributeValue form (strings, numbers, booleans, null, lists, maps). */
export const marshallItem = (item: Readonly<Record<string, unknown>>): Record<string, AttributeValue> =>
  Object.fromEntries(
    Object.entries(item)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, marshallValue(value)]),
  );

const marshallValue = (value: unknown): AttributeValue => {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshallValue) };
  if (typeof value === 'object') return { M: marshallItem(value as Record<string, unknown>) };
  throw new TypeError(`Cannot marshall a ${typeof value} into a DynamoDB attribute value.`);
};
