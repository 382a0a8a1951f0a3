import { unmarshallDynamoDB } from '@aws-lambda-powertools/commons/utils/unmarshallDynamoDB';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { CorrelationIdSchema, nameBasedId } from '@shop/domain';
import type { DynamoDBRecord } from 'aws-lambda';
import { fromOrderItem, isOrderItem } from '../adapters/order.repository';
import type { Order } from '../domain/order';
import { MissingCancellationReasonError, orderEventOf } from '../domain/order-events';
import type { OrderEvent } from '../domain/ports';

/** A stream record that holds an order item but cannot be turned into an event. */
export class InvalidOrderStreamRecordError extends Error {
  constructor(
    readonly eventId: string | undefined,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Stream record ${eventId ?? '(no id)'} cannot be published: ${reason}.`, options);
    this.name = 'InvalidOrderStreamRecordError';
  }
}

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

// aws-lambda and the SDK describe the same wire format with two AttributeValue types.
const unmarshall = (image: Image): Record<string, unknown> =>
  unmarshallDynamoDB(image as Record<string, SdkAttributeValue>) as Record<string, unknown>;

/**
 * The event an order table stream record stands for, or `undefined` when there is none: the
 * record shows an order entering CONFIRMED, CANCELLED or NEEDS_ATTENTION → that status's event
 * ({@link orderEventOf}: `OrderConfirmed`, `OrderCancelled` with its reason, `OrderNeedsAttention`);
 * anything else (the PENDING insert, a write that kept the status, other item types such as
 * idempotency records, removals) → no event. The event carries the correlation id of the write
 * (the saga's or the reconciler's, hence the checkout's) and the time the status was entered.
 * @throws InvalidOrderStreamRecordError when the record holds an order item that is not a valid order.
 */
export const orderEventFromStreamRecord = (record: DynamoDBRecord): OrderEvent | undefined => {
  const newImage = record.dynamodb?.NewImage;
  if (record.eventName === 'REMOVE' || !newImage) return undefined;
  const item = unmarshall(newImage);
  if (!isOrderItem(item)) return undefined;
  const oldImage = record.dynamodb?.OldImage;
  const previousStatus = oldImage ? unmarshall(oldImage).status : undefined;
  if (item.status === previousStatus || item.status === 'PENDING') return undefined;

  let order: Order;
  try {
    order = fromOrderItem(item);
  } catch (error) {
    throw new InvalidOrderStreamRecordError(record.eventID, 'the item is not a valid order', { cause: error });
  }
  const correlation = CorrelationIdSchema.safeParse(item.correlationId);
  const correlationId = correlation.success ? correlation.data : nameBasedId(`correlation#${order.orderId}`);
  try {
    return orderEventOf(order, correlationId);
  } catch (error) {
    if (error instanceof MissingCancellationReasonError) {
      throw new InvalidOrderStreamRecordError(record.eventID, 'a cancelled order without a reason', { cause: error });
    }
    throw error;
  }
};
