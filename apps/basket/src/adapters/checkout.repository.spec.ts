import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CheckoutAlreadyClaimedError } from '../domain/errors';
import type { CheckoutRecord } from '../domain/ports';
import { basketOf, CUSTOMER, mugPlaceOrder } from '../domain/testing/fixtures';
import { fixedClock } from '../domain/testing/in-memory';
import { basketKey, toBasketItem } from './basket.repository';
import { checkoutKey, DynamoCheckoutRepository, IDEMPOTENCY_KEY_TTL_SECONDS, toCheckoutItem } from './checkout.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const clock = fixedClock('2025-03-01T12:00:00.000Z');
const repository = new DynamoCheckoutRepository(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'baskets', clock, 0);
const ORDER_ID = '00000000-0000-4000-8000-000000000001';

const record = (): CheckoutRecord => ({
  customerId: CUSTOMER,
  idempotencyKey: 'key-1',
  fingerprint: 'fp',
  orderId: ORDER_ID,
  command: mugPlaceOrder(ORDER_ID, { correlationId: 'corr-1', time: '2025-03-01T12:00:00.000Z', id: '00000000-0000-4000-8000-0000000000aa' }),
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

  it.each(['PENDING', 'SENT'])('reads an item written with the former status %s, which nothing reads any more', async (status) => {
    ddb.on(GetCommand).resolves({ Item: { ...toCheckoutItem(record(), clock.now()), status } });
    await expect(repository.get(CUSTOMER, 'key-1')).resolves.toEqual(record());
  });

  it('returns undefined for an unknown key, and fails loudly on a corrupt item', async () => {
    ddb.on(GetCommand).resolvesOnce({}).resolvesOnce({ Item: { ...toCheckoutItem(record(), clock.now()), orderId: 'nope' } });
    await expect(repository.get(CUSTOMER, 'key-9')).resolves.toBeUndefined();
    await expect(repository.get(CUSTOMER, 'key-1')).rejects.toThrow();
  });

  describe('loadContext', () => {
    const storedBasket = () => ({ ...toBasketItem(basketOf({ 'MUG-001': 2 })), version: 3 });
    const keys = [checkoutKey(CUSTOMER, 'key-1'), basketKey(CUSTOMER)];

    it('reads the checkout record and the basket in one strongly consistent BatchGetItem', async () => {
      ddb.on(BatchGetCommand).resolves({ Responses: { baskets: [storedBasket(), toCheckoutItem(record(), clock.now())] } });

      await expect(repository.loadContext(CUSTOMER, 'key-1')).resolves.toEqual({
        previous: record(),
        basket: basketOf({ 'MUG-001': 2 }, { version: 3 }),
      });
      expect(ddb.calls()).toHaveLength(1);
      expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, { RequestItems: { baskets: { Keys: keys, ConsistentRead: true } } });
    });

    it('gives no previous checkout for a new key, and an empty basket at version 0 when none is stored', async () => {
      ddb.on(BatchGetCommand).resolvesOnce({ Responses: { baskets: [storedBasket()] } }).resolvesOnce({ Responses: { baskets: [] } });

      await expect(repository.loadContext(CUSTOMER, 'key-1')).resolves.toEqual({ basket: basketOf({ 'MUG-001': 2 }, { version: 3 }) });
      await expect(repository.loadContext(CUSTOMER, 'key-2')).resolves.toEqual({
        basket: { customerId: CUSTOMER, lines: [], confirmedOrders: {}, version: 0 },
      });
    });

    it('asks again for a key DynamoDB left unprocessed', async () => {
      ddb
        .on(BatchGetCommand)
        .resolvesOnce({ Responses: { baskets: [storedBasket()] }, UnprocessedKeys: { baskets: { Keys: [checkoutKey(CUSTOMER, 'key-1')] } } })
        .resolvesOnce({ Responses: { baskets: [toCheckoutItem(record(), clock.now())] } });

      await expect(repository.loadContext(CUSTOMER, 'key-1')).resolves.toMatchObject({ previous: record(), basket: { version: 3 } });
      expect(ddb.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems).toEqual({
        baskets: { Keys: [checkoutKey(CUSTOMER, 'key-1')], ConsistentRead: true },
      });
    });

    it('fails loudly on a corrupt record', async () => {
      ddb.on(BatchGetCommand).resolves({ Responses: { baskets: [{ ...toCheckoutItem(record(), clock.now()), fingerprint: '' }] } });
      await expect(repository.loadContext(CUSTOMER, 'key-1')).rejects.toThrow();
    });
  });
});
