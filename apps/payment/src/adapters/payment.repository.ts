import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { compositeKey, conditionCheckFailureItem, isConditionalCheckFailed, type DocumentClient } from '@shop/dynamodb';
import {
  PaymentSchema,
  transitionTime,
  type ChargeAttempt,
  type Payment,
  type PaymentState,
  type PaymentTransition,
} from '../domain/payment';
import type { AttemptOutcome, PaymentRepository, WriteContext } from '../domain/ports';

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
 * status it moves from, returning the item as stored; a failed attempt write returns it too
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), so a charge needs no read.
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

  /** Strongly consistent: it decides the next step of a refund. */
  async get(orderId: string): Promise<Payment | undefined> {
    const { Item } = await this.docClient.send(
      new GetCommand({ TableName: this.tableName, Key: paymentKey(orderId), ConsistentRead: true }),
    );
    return Item ? fromPaymentItem(Item) : undefined;
  }

  async recordAttempt(attempt: ChargeAttempt, context: WriteContext): Promise<AttemptOutcome> {
    try {
      const { Attributes } = await this.docClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: paymentKey(attempt.orderId),
          UpdateExpression:
            'SET #orderId = :orderId, #paymentId = :paymentId, #customerId = if_not_exists(#customerId, :customerId), ' +
            '#amount = if_not_exists(#amount, :amount), #status = if_not_exists(#status, :pending), ' +
            '#createdAt = if_not_exists(#createdAt, :at), #updatedAt = :at, #correlationId = :correlationId ADD #attempts :one',
          // What a read would have checked: no payment yet, or a PENDING one of this very amount
          // (`amount` is the money map { amount, currency }).
          ConditionExpression:
            'attribute_not_exists(#pk) OR (#status = :pending AND #amount.#amount = :amountValue AND #amount.#currency = :amountCurrency)',
          ExpressionAttributeNames: names(
            'pk',
            'orderId',
            'paymentId',
            'customerId',
            'amount',
            'currency',
            'status',
            'createdAt',
            'updatedAt',
            'correlationId',
            'attempts',
          ),
          ExpressionAttributeValues: {
            ':orderId': attempt.orderId,
            ':paymentId': attempt.paymentId,
            ':customerId': attempt.customerId,
            ':amount': attempt.amount,
            ':amountValue': attempt.amount.amount,
            ':amountCurrency': attempt.amount.currency,
            ':pending': 'PENDING' satisfies PaymentState,
            ':at': attempt.at,
            ':correlationId': context.correlationId,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { recorded: true, payment: fromPaymentItem(Attributes ?? {}) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // The condition holds whenever no item is stored, so a failure always carries the stored one.
      const stored = conditionCheckFailureItem(error);
      if (!stored) throw error;
      return { recorded: false, payment: fromPaymentItem(stored) };
    }
  }

  async transition(
    orderId: string,
    from: PaymentState,
    transition: PaymentTransition,
    context: WriteContext,
  ): Promise<Payment | undefined> {
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
    expression: Pick<
      ConstructorParameters<typeof UpdateCommand>[0],
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
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
