import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { createPlaceOrder } from '@shop/order-contracts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CheckoutAlreadyClaimedError } from '../domain/errors';
import type { CheckoutRecord } from '../domain/ports';
import { checkoutInput, CUSTOMER } from '../domain/testing/fixtures';
import { fixedClock } from '../domain/testing/in-memory';
import { checkoutKey, DynamoCheckoutRepository, IDEMPOTENCY_KEY_TTL_SECONDS, toCheckoutItem } from './checkout.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const clock = fixedClock('2025-03-01T12:00:00.000Z');
const repository = new DynamoCheckoutRepository(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'baskets', clock);
const ORDER_ID = '00000000-0000-4000-8000-000000000001';

const record = (): CheckoutRecord => ({
  customerId: CUSTOMER,
  idempotencyKey: 'key-1',
  fingerprint: 'fp',
  orderId: ORDER_ID,
  command: createPlaceOrder({
    orderId: ORDER_ID,
    customerId: CUSTOMER,
    lines: [{ sku: 'MUG-001', name: 'Mug', quantity: 1, unitPrice: { amount: 1299, currency: 'EUR' } }],
    total: { amount: 1299, currency: 'EUR' },
    ...checkoutInput(),
    correlationId: 'corr-1',
    time: '2025-03-01T12:00:00.000Z',
    id: '00000000-0000-4000-8000-0000000000aa',
  }),
  status: 'PENDING',
  createdAt: '2025-03-01T12:00:00.000Z',
});

beforeEach(() => {
  ddb.reset();
});

describe('DynamoCheckoutRepository', () => {
  it('keys a checkout by customer and Idempotency-Key', () => {
    expect(checkoutKey(CUSTOMER, 'key-1')).toEqual({ pk: `CHECKOUT#${CUSTOMER}#key-1`, sk: 'CHECKOUT' });
  });

  it('claims the key with a conditional put that expires a day later', async () => {
    ddb.on(PutCommand).resolves({});

    await repository.claim(record());

    const expiresAt = Date.parse('2025-03-01T12:00:00.000Z') / 1000 + IDEMPOTENCY_KEY_TTL_SECONDS;
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'baskets',
      Item: { ...checkoutKey(CUSTOMER, 'key-1'), ...record(), expiresAt },
      ConditionExpression: 'attribute_not_exists(#key)',
    });
  });

  it('reports a key claimed already as CheckoutAlreadyClaimedError', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(repository.claim(record())).rejects.toBeInstanceOf(CheckoutAlreadyClaimedError);
  });

  it('reads a checkout back, validated', async () => {
    ddb.on(GetCommand).resolves({ Item: toCheckoutItem(record(), clock.now()) });

    await expect(repository.get(CUSTOMER, 'key-1')).resolves.toEqual(record());
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: checkoutKey(CUSTOMER, 'key-1'), ConsistentRead: true });
  });

  it('returns undefined for an unknown key, and fails loudly on a corrupt item', async () => {
    ddb.on(GetCommand).resolvesOnce({}).resolvesOnce({ Item: { ...toCheckoutItem(record(), clock.now()), orderId: 'nope' } });
    await expect(repository.get(CUSTOMER, 'key-9')).resolves.toBeUndefined();
    await expect(repository.get(CUSTOMER, 'key-1')).rejects.toThrow();
  });

  it('marks the checkout SENT', async () => {
    ddb.on(UpdateCommand).resolves({});
    await repository.markSent(CUSTOMER, 'key-1');
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: checkoutKey(CUSTOMER, 'key-1'),
      UpdateExpression: 'SET #status = :sent',
      ExpressionAttributeValues: { ':sent': 'SENT' },
    });
  });
});
