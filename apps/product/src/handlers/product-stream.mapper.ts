import { unmarshallDynamoDB } from '@aws-lambda-powertools/commons/utils/unmarshallDynamoDB';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { CorrelationIdSchema, nameBasedId } from '@shop/domain';
import { createProductChanged, type ProductChange, type ProductChanged } from '@shop/product-contracts';
import type { DynamoDBRecord } from 'aws-lambda';
import { fromProductItem } from '../adapters/product.repository';

/** A stream record that should hold a product but cannot be turned into a `ProductChanged`. */
export class InvalidStreamRecordError extends Error {
  constructor(
    readonly eventId: string | undefined,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Stream record ${eventId ?? '(no id)'} cannot be published: ${reason}.`, options);
    this.name = 'InvalidStreamRecordError';
  }
}

const CHANGES: Readonly<Record<string, ProductChange>> = { INSERT: 'created', MODIFY: 'updated', REMOVE: 'deleted' };

// The table's product items: pk `PRODUCT#<sku>`, sk `PRODUCT` (other item types are not products).
const isProductItem = (item: Record<string, unknown>): boolean =>
  item.sk === 'PRODUCT' && typeof item.pk === 'string' && item.pk.startsWith('PRODUCT#');

/**
 * The `ProductChanged` event a product table stream record stands for (INSERT → created,
 * MODIFY → updated, REMOVE → deleted, with the product after, or for deletes before, the change),
 * or `undefined` for records of other item types. It is the `toEvents` of the outbox relay
 * (`createOutboxRelay` of `@shop/messaging`, see `publish-events.handler.ts`).
 *
 * - `id` is derived from the stream record, so a redelivered record yields the same event id and
 *   consumers can deduplicate;
 * - `correlationId` is the item's `correlationId` attribute: the request that wrote it (for a
 *   delete, the last create/update: a delete cannot stamp the item it removes);
 * - `time` is when the change was made (the record's approximate creation time).
 * @throws InvalidStreamRecordError when the record holds an item that is not a valid product.
 */
export const productChangedFromStreamRecord = (record: DynamoDBRecord): ProductChanged | undefined => {
  const change = record.eventName ? CHANGES[record.eventName] : undefined;
  if (!change) throw new InvalidStreamRecordError(record.eventID, `unknown event name ${String(record.eventName)}`);
  const image = change === 'deleted' ? record.dynamodb?.OldImage : record.dynamodb?.NewImage;
  if (!image) throw new InvalidStreamRecordError(record.eventID, 'no item image (the stream must be NEW_AND_OLD_IMAGES)');

  // aws-lambda and the SDK describe the same wire format with two AttributeValue types.
  const item = unmarshallDynamoDB(image as Record<string, SdkAttributeValue>) as Record<string, unknown>;
  if (!isProductItem(item)) return undefined;

  let product;
  try {
    product = fromProductItem(item);
  } catch (error) {
    throw new InvalidStreamRecordError(record.eventID, 'the item is not a valid product', { cause: error });
  }
  const correlationId = CorrelationIdSchema.safeParse(item.correlationId);
  const createdAt = record.dynamodb?.ApproximateCreationDateTime;

  return createProductChanged({
    change,
    product,
    id: nameBasedId(`${record.eventSourceARN ?? ''}#${record.eventID ?? ''}`),
    correlationId: correlationId.success ? correlationId.data : nameBasedId(`correlation#${record.eventID ?? ''}`),
    ...(createdAt === undefined ? {} : { time: new Date(createdAt * 1000).toISOString() }),
  });
};
