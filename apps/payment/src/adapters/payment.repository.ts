import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { compositeKey, isConditionalCheckFailed, type DocumentClient } from '@shop/dynamodb';
import { PaymentSchema, transitionTime, type ChargeAttempt, type Payment, type PaymentState, type PaymentTransition } from '../domain/payment';
import type { PaymentRepository, WriteContext } from '../domain/ports';

/** Primary key of a payment item (a type alias, so it is assignable to the lib's key records). */
export type PaymentKey = {
  /** `PAYMENT#<orderId>` */
  readonly pk: string;
  /** Always `PAYMENT`. */
  readonly sk: string;
};

/** The key of the payment of this order. */
export const paymentKey = (orderId: string): PaymentKey => ({ pk: compositeKey('PAYMENT', orderId), sk: 'PAYMENT' });

/** The payment held by a stored item: keys and bookkeeping dropped, the rest validated. */
export const fromPaymentItem = (item: Record<string, unknown>): Payment => PaymentSchema.parse(item);

/**
 * The {@link PaymentRepository} on DynamoDB: one item per order (`PAYMENT#<orderId>` / `PAYMENT`,
 * plus the correlation id of the last write). Every write is one `UpdateItem` conditional on the
 * status it moves from, returning the item as stored.
 */
export class DynamoPaymentRepository implements PaymentRepository {
  /**
   * @param docClient a document client (from `createDocumentClient` of `@shop/dynamodb`), built once per module.
   * @param tableName the payment table.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
  ) {}

  /** Strongly consistent: it decides the next step of a charge or refund. */
  async get(orderId: string): Promise<Payment | undefined> {
    const { Item } = await this.docClient.send(new GetCommand({ TableName: this.tableName, Key: paymentKey(orderId), ConsistentRead: true }));
    return Item ? fromPaymentItem(Item) : undefined;
  }

  async recordAttempt(attempt: ChargeAttempt, context: WriteContext): Promise<Payment | undefined> {
    return this.update(attempt.orderId, {
      UpdateExpression:
        'SET #orderId = :orderId, #paymentId = :paymentId, #customerId = if_not_exists(#customerId, :customerId), ' +
        '#amount = if_not_exists(#amount, :amount), #status = if_not_exists(#status, :pending), ' +
        '#createdAt = if_not_exists(#createdAt, :at), #updatedAt = :at, #correlationId = :correlationId ADD #attempts :one',
      ConditionExpression: 'attribute_not_exists(#pk) OR #status = :pending',
      ExpressionAttributeNames: names('pk', 'orderId', 'paymentId', 'customerId', 'amount', 'status', 'createdAt', 'updatedAt', 'correlationId', 'attempts'),
      ExpressionAttributeValues: {
        ':orderId': attempt.orderId,
        ':paymentId': attempt.paymentId,
        ':customerId': attempt.customerId,
        ':amount': attempt.amount,
        ':pending': 'PENDING' satisfies PaymentState,
        ':at': attempt.at,
        ':correlationId': context.correlationId,
        ':one': 1,
      },
    });
  }

  async transition(orderId: string, from: PaymentState, transition: PaymentTransition, context: WriteContext): Promise<Payment | undefined> {
    const fields = Object.entries({ ...transition, updatedAt: transitionTime(transition), correlationId: context.correlationId }).filter(
      ([, value]) => value !== undefined,
    );
    return this.update(orderId, {
      UpdateExpression: `SET ${fields.map(([name]) => `#${name} = :${name}`).join(', ')}`,
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names(...fields.map(([name]) => name)),
      ExpressionAttributeValues: { ...Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])), ':from': from },
    });
  }

  /** One conditional UpdateItem returning the stored payment, or `undefined` when its condition failed. */
  private async update(
    orderId: string,
    expression: Pick<ConstructorParameters<typeof UpdateCommand>[0], 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ): Promise<Payment | undefined> {
    try {
      const { Attributes } = await this.docClient.send(
        new UpdateCommand({ TableName: this.tableName, Key: paymentKey(orderId), ...expression, ReturnValues: 'ALL_NEW' }),
      );
      return fromPaymentItem(Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }
}

const names = (...attributes: string[]): Record<string, string> => Object.fromEntries(attributes.map((name) => [`#${name}`, name]));
