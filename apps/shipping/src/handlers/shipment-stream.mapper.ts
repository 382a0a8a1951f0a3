import { unmarshallDynamoDB } from '@aws-lambda-powertools/commons/utils/unmarshallDynamoDB';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import type { ShipmentCreated } from '@shop/shipping-contracts';
import type { DynamoDBRecord } from 'aws-lambda';
import { correlationIdOfItem, fromShipmentItem, isShipmentItem } from '../adapters/shipment.repository';
import { shipmentCreatedFor } from '../domain/shipment';

/** A stream record that holds a shipment but cannot be turned into a `ShipmentCreated`. */
export class InvalidShipmentRecordError extends Error {
  constructor(
    readonly eventId: string | undefined,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Stream record ${eventId ?? '(no id)'} cannot be published: ${reason}.`, options);
    this.name = 'InvalidShipmentRecordError';
  }
}

/**
 * The `ShipmentCreated` event a shipping table stream record stands for: an INSERT of a shipment
 * item. Anything else (other item types, e.g. idempotency records; modifications; TTL removals)
 * stands for no event.
 *
 * The event is {@link shipmentCreatedFor} the stored shipment: the same id (derived from the
 * shipment id), time and correlation id (the item's: the checkout's) however often the record is
 * delivered or the shipment republished by an operator (`republish-shipments`), so consumers can
 * deduplicate.
 * @throws InvalidShipmentRecordError when the inserted shipment item is not a valid shipment.
 */
export const shipmentCreatedFromStreamRecord = (record: DynamoDBRecord): ShipmentCreated | undefined => {
  if (record.eventName !== 'INSERT') return undefined;
  const image = record.dynamodb?.NewImage;
  if (!image) throw new InvalidShipmentRecordError(record.eventID, 'no new image (the stream must include NEW_IMAGE)');
  // aws-lambda and the SDK describe the same wire format with two AttributeValue types.
  const item = unmarshallDynamoDB(image as Record<string, SdkAttributeValue>) as Record<string, unknown>;
  if (!isShipmentItem(item)) return undefined;

  let shipment;
  try {
    shipment = fromShipmentItem(item);
  } catch (error) {
    throw new InvalidShipmentRecordError(record.eventID, 'the item is not a valid shipment', { cause: error });
  }
  return shipmentCreatedFor(shipment, correlationIdOfItem(item));
};
