import { nameBasedId } from '@shop/domain';
import { ProductChangedSchema } from '@shop/product-contracts';
import { DEFAULT_STREAM_ARN, dynamoDbStreamEvent, type StreamChangeInput } from '@shop/testing';
import type { DynamoDBRecord } from 'aws-lambda';
import { mugProduct } from '../domain/testing/product-fixtures';
import { InvalidStreamRecordError, productChangedFromStreamRecord } from './product-stream.mapper';

const keys = { pk: 'PRODUCT#MUG-001', sk: 'PRODUCT' };
const item = (overrides: Record<string, unknown> = {}) => ({
  ...keys,
  gsi1pk: 'CATEGORY#mugs',
  gsi1sk: 'MUG-001',
  ...mugProduct(),
  correlationId: 'corr-write-1',
  ...overrides,
});
const recordOf = (change: StreamChangeInput): DynamoDBRecord => dynamoDbStreamEvent([change]).Records[0] as DynamoDBRecord;

describe('productChangedFromStreamRecord', () => {
  it('maps an INSERT to a "created" event with the new product, stamped from the record', () => {
    const record = recordOf({ eventName: 'INSERT', keys, newImage: item() });

    const event = productChangedFromStreamRecord(record);

    expect(event).toEqual({
      id: nameBasedId(`${DEFAULT_STREAM_ARN}#${record.eventID}`),
      type: 'ProductChanged',
      version: 1,
      source: 'product',
      time: new Date((record.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000).toISOString(),
      correlationId: 'corr-write-1',
      data: { change: 'created', product: mugProduct() },
    });
    expect(ProductChangedSchema.safeParse(event).success).toBe(true);
  });

  it('maps a MODIFY to "updated" with the new image', () => {
    const record = recordOf({
      eventName: 'MODIFY',
      keys,
      oldImage: item(),
      newImage: item({ name: 'Big mug', version: 2, correlationId: 'corr-write-2' }),
    });
    const event = productChangedFromStreamRecord(record);
    expect(event?.data).toEqual({ change: 'updated', product: mugProduct({ name: 'Big mug', version: 2 }) });
    expect(event?.correlationId).toBe('corr-write-2');
  });

  it('maps a REMOVE to "deleted" with the product as it was', () => {
    const event = productChangedFromStreamRecord(recordOf({ eventName: 'REMOVE', keys, oldImage: item({ version: 3 }) }));
    expect(event?.data).toEqual({ change: 'deleted', product: mugProduct({ version: 3 }) });
  });

  it('gives a redelivered record the same event id', () => {
    const change: StreamChangeInput = { eventName: 'INSERT', keys, newImage: item() };
    expect(productChangedFromStreamRecord(recordOf(change))?.id).toBe(productChangedFromStreamRecord(recordOf(change))?.id);
  });

  it('makes a stable correlation id when the item has none', () => {
    const change: StreamChangeInput = { eventName: 'INSERT', keys, newImage: item({ correlationId: undefined }) };
    const event = productChangedFromStreamRecord(recordOf(change));
    expect(event?.correlationId).toBe(nameBasedId(`correlation#${recordOf(change).eventID}`));
  });

  it('skips items that are not products', () => {
    const other = { pk: 'SOMETHING#1', sk: 'ELSE', value: 1 };
    expect(productChangedFromStreamRecord(recordOf({ eventName: 'INSERT', keys: other, newImage: other }))).toBeUndefined();
  });

  it('refuses a product item that is not a valid product', () => {
    const record = recordOf({ eventName: 'INSERT', keys, newImage: item({ price: { amount: -1, currency: 'EUR' } }) });
    expect(() => productChangedFromStreamRecord(record)).toThrow(InvalidStreamRecordError);
  });

  it('refuses a record without the image it needs (stream not NEW_AND_OLD_IMAGES)', () => {
    expect(() => productChangedFromStreamRecord(recordOf({ eventName: 'INSERT', keys }))).toThrow(
      'no item image (the stream must be NEW_AND_OLD_IMAGES)',
    );
  });
});
