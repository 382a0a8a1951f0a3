import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { capturedPayment, ORDER_1 } from '../domain/testing/payment-fixtures';
import { paymentIdFor } from '../domain/payment';
import { DynamoPaymentRepository, fromPaymentItem, paymentKey } from './payment.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const repository = new DynamoPaymentRepository(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'payments');
const key = { pk: `PAYMENT#${ORDER_1}`, sk: 'PAYMENT' };
const item = { ...key, ...capturedPayment(), correlationId: 'corr-0' };
const context = { correlationId: 'corr-1' };
// The exception carries the stored item in raw AttributeValue form (the document client translates results only).
const raw = (value: unknown): AttributeValue =>
  typeof value === 'number'
    ? { N: String(value) }
    : typeof value === 'object' && value !== null
      ? { M: rawItem(value) }
      : { S: String(value) };
const rawItem = (value: object): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(value).map(([name, v]) => [name, raw(v)]));
const conditionFailed = (stored?: Record<string, AttributeValue>) =>
  new ConditionalCheckFailedException({ message: 'failed', $metadata: {}, ...(stored && { Item: stored }) });

beforeEach(() => {
  ddb.reset();
});

describe('fromPaymentItem', () => {
  it('drops keys and bookkeeping', () => {
    expect(paymentKey(ORDER_1)).toEqual(key);
    expect(fromPaymentItem(item)).toEqual(capturedPayment());
  });

  it('fails loudly on a corrupt item', () => {
    expect(() => fromPaymentItem({ ...item, status: 'LOST' })).toThrow();
  });
});

describe('DynamoPaymentRepository', () => {
  it('reads the payment strongly consistently', async () => {
    ddb.on(GetCommand).resolves({ Item: item });

    await expect(repository.get(ORDER_1)).resolves.toEqual(capturedPayment());
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'payments', Key: key, ConsistentRead: true });
  });

  it('returns undefined for an order without payment', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(repository.get(ORDER_1)).resolves.toBeUndefined();
  });

  describe('recordAttempt', () => {
    const attempt = {
      orderId: ORDER_1,
      paymentId: paymentIdFor(ORDER_1),
      customerId: 'c-1',
      amount: { amount: 5, currency: 'EUR' as const },
      at: '2025-03-01T10:00:00.000Z',
    };

    it('creates the payment PENDING or counts one more attempt, only while none or PENDING of the same amount, in one update', async () => {
      const pending = { ...key, ...capturedPayment({ status: 'PENDING', attempts: 2, captureId: undefined, capturedAt: undefined }) };
      ddb.on(UpdateCommand).resolves({ Attributes: pending });

      await expect(repository.recordAttempt(attempt, context)).resolves.toEqual({ recorded: true, payment: fromPaymentItem(pending) });

      expect(ddb.commandCalls(GetCommand)).toEqual([]);
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input).toMatchObject({
        TableName: 'payments',
        Key: key,
        ConditionExpression:
          'attribute_not_exists(#pk) OR (#status = :pending AND #amount.#amount = :amountValue AND #amount.#currency = :amountCurrency)',
        ExpressionAttributeNames: { '#pk': 'pk', '#status': 'status', '#amount': 'amount', '#currency': 'currency' },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ExpressionAttributeValues: {
          ':pending': 'PENDING',
          ':one': 1,
          ':at': attempt.at,
          ':correlationId': 'corr-1',
          ':amount': attempt.amount,
          ':amountValue': 5,
          ':amountCurrency': 'EUR',
        },
      });
      expect(input?.UpdateExpression).toContain('#status = if_not_exists(#status, :pending)');
      expect(input?.UpdateExpression).toContain('ADD #attempts :one');
    });

    it('returns the payment as stored when the condition fails (past PENDING or another amount), from the ALL_OLD item', async () => {
      ddb.on(UpdateCommand).rejects(conditionFailed(rawItem(item)));

      await expect(repository.recordAttempt(attempt, context)).resolves.toEqual({ recorded: false, payment: capturedPayment() });
      expect(ddb.commandCalls(GetCommand)).toEqual([]);
    });

    it('passes a failed condition without a stored item through (it cannot hold: no item satisfies the condition)', async () => {
      const failure = conditionFailed();
      ddb.on(UpdateCommand).rejects(failure);

      await expect(repository.recordAttempt(attempt, context)).rejects.toBe(failure);
    });
  });

  describe('transition', () => {
    it('moves the status and records the data of the transition, only from the expected status', async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: item });

      await repository.transition(
        ORDER_1,
        'AUTHORIZED',
        { status: 'CAPTURED', captureId: 'cap-1', capturedAt: '2025-03-01T10:00:01.000Z' },
        context,
      );

      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        Key: key,
        UpdateExpression:
          'SET #status = :status, #captureId = :captureId, #capturedAt = :capturedAt, #updatedAt = :updatedAt, #correlationId = :correlationId',
        ConditionExpression: '#status = :from',
        ExpressionAttributeValues: {
          ':status': 'CAPTURED',
          ':captureId': 'cap-1',
          ':capturedAt': '2025-03-01T10:00:01.000Z',
          ':updatedAt': '2025-03-01T10:00:01.000Z',
          ':correlationId': 'corr-1',
          ':from': 'AUTHORIZED',
        },
      });
    });

    it('leaves optional fields that are not given out of the update', async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: item });

      await repository.transition(ORDER_1, 'AUTHORIZED', { status: 'REFUNDED', refundedAt: '2025-03-01T10:00:01.000Z' }, context);

      expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).not.toContain('refundId');
    });

    it('returns undefined when the payment is not in the expected status', async () => {
      ddb.on(UpdateCommand).rejects(conditionFailed());
      await expect(
        repository.transition(
          ORDER_1,
          'PENDING',
          { status: 'DECLINED', declineReason: 'x', declinedAt: '2025-03-01T10:00:00.000Z' },
          context,
        ),
      ).resolves.toBeUndefined();
    });

    it('passes other failures through', async () => {
      const failure = new Error('ThrottlingException');
      ddb.on(UpdateCommand).rejects(failure);
      await expect(repository.transition(ORDER_1, 'PENDING', { status: 'REFUNDED', refundedAt: 't' }, context)).rejects.toBe(failure);
    });
  });
});
