import { TransactionCanceledException, type AttributeValue, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, type TransactionRetryPolicy } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { pendingOrderFor, withPendingOrder } from '../domain/basket';
import { BasketChangedError, CheckoutAlreadyClaimedError } from '../domain/errors';
import type { CheckoutRecord } from '../domain/ports';
import { basketOf, CUSTOMER, mugPlaceOrder } from '../domain/testing/fixtures';
import { fixedClock } from '../domain/testing/in-memory';
import { basketKey, toBasketItem } from './basket.repository';
import { checkoutKey, DynamoCheckoutRepository, IDEMPOTENCY_KEY_TTL_SECONDS, toCheckoutItem } from './checkout.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const clock = fixedClock('2025-03-01T12:00:00.000Z');
const sleeps: number[] = [];
const retry: TransactionRetryPolicy = {
  maxAttempts: 3,
  delayMs: (attempt) => attempt * 10,
  sleep: async (ms) => void sleeps.push(ms),
};
const repository = new DynamoCheckoutRepository(
  createDocumentClient({ clientConfig: { region: 'eu-west-1' } }),
  'baskets',
  clock,
  0,
  retry,
);
const ORDER_ID = '00000000-0000-4000-8000-000000000001';
const OTHER_ORDER = '00000000-0000-4000-8000-0000000000ff';
const lockedBasket = () => withPendingOrder(basketOf({ 'MUG-001': 1 }, { version: 4 }), pendingOrderFor(ORDER_ID, 'key-1', clock.now()));
// A cancelled transaction as DynamoDB reports it: one reason per item, with the stored item (raw) where a condition failed.
const cancelled = (...reasons: CancellationReason[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
const none: CancellationReason = { Code: 'None' };
const conflict: CancellationReason = { Code: 'TransactionConflict' };
// The raw AttributeValue form DynamoDB returns items in (strings, numbers, maps and lists are all these items hold).
const raw = (value: unknown): AttributeValue => {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (Array.isArray(value)) return { L: value.map(raw) };
  return {
    M: Object.fromEntries(
      Object.entries(value as object)
        .filter(([, item]) => item !== undefined)
        .map(([name, item]) => [name, raw(item)]),
    ),
  };
};
const failedWith = (item?: Record<string, unknown>): CancellationReason => ({
  Code: 'ConditionalCheckFailed',
  ...(item && { Item: (raw(item) as AttributeValue.MMember).M }),
});

const record = (): CheckoutRecord => ({
  customerId: CUSTOMER,
  idempotencyKey: 'key-1',
  fingerprint: 'fp',
  orderId: ORDER_ID,
  command: mugPlaceOrder(ORDER_ID, {
    correlationId: 'corr-1',
    time: '2025-03-01T12:00:00.000Z',
    id: '00000000-0000-4000-8000-0000000000aa',
  }),
  createdAt: '2025-03-01T12:00:00.000Z',
});

beforeEach(() => {
  ddb.reset();
  sleeps.length = 0;
});

describe('DynamoCheckoutRepository', () => {
  it('keys a checkout by customer and Idempotency-Key', () => {
    expect(checkoutKey(CUSTOMER, 'key-1')).toEqual({ pk: `CHECKOUT#${CUSTOMER}#key-1`, sk: 'CHECKOUT' });
  });

  it('claims the key and locks the basket in one transaction of two conditional puts, each returning the stored item on failure', async () => {
    ddb.on(TransactWriteCommand).resolves({});

    await repository.claim(record(), lockedBasket());

    const expiresAt = Date.parse('2025-03-01T12:00:00.000Z') / 1000 + IDEMPOTENCY_KEY_TTL_SECONDS;
    expect(ddb.calls()).toHaveLength(1);
    expect(ddb).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: [
        {
          Put: {
            TableName: 'baskets',
            Item: { ...checkoutKey(CUSTOMER, 'key-1'), ...record(), expiresAt },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'pk' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: 'baskets',
            Item: {
              ...toBasketItem(lockedBasket()),
              pendingOrder: {
                orderId: ORDER_ID,
                idempotencyKey: 'key-1',
                placedAt: '2025-03-01T12:00:00.000Z',
                expiresAt: '2025-03-01T13:00:00.000Z',
              },
              version: 5,
            },
            ConditionExpression: '#version = :expected AND (attribute_not_exists(#pending) OR #pending.#expiresAt <= :placedAt)',
            ExpressionAttributeNames: { '#version': 'version', '#pending': 'pendingOrder', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':expected': 4, ':placedAt': '2025-03-01T12:00:00.000Z' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    });
  });

  it('refuses a basket that is not locked for the order, writing nothing', async () => {
    await expect(repository.claim(record(), basketOf({ 'MUG-001': 1 }))).rejects.toThrow('withPendingOrder');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('reports a key claimed already as CheckoutAlreadyClaimedError carrying the stored record, whatever the basket says', async () => {
    const winner = {
      ...record(),
      orderId: OTHER_ORDER,
      command: mugPlaceOrder(OTHER_ORDER, { correlationId: 'c', time: '2025-03-01T11:59:00.000Z', id: OTHER_ORDER }),
    };
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled(failedWith(toCheckoutItem(winner, clock.now())), failedWith({ ...toBasketItem(basketOf({})), version: 9 })));

    const error = await repository.claim(record(), lockedBasket()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CheckoutAlreadyClaimedError);
    expect(error).toMatchObject({ customerId: CUSTOMER, idempotencyKey: 'key-1', winner });
  });

  it('reports the basket as found when its condition failed: held by another order, or changed', async () => {
    const held = withPendingOrder(basketOf({ 'MUG-001': 1 }, { version: 5 }), pendingOrderFor(OTHER_ORDER, 'key-9', clock.now()));
    ddb.on(TransactWriteCommand).rejects(cancelled(none, failedWith({ ...toBasketItem(held), version: 5 })));

    const error = await repository.claim(record(), lockedBasket()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BasketChangedError);
    expect((error as BasketChangedError).current).toEqual(held);
    expect(ddb.calls()).toHaveLength(1);
  });

  it('reports a changed basket without the stored item when it cannot be read', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(none, failedWith({ pk: 'BASKET#x', version: 'corrupt' })));

    const error = await repository.claim(record(), lockedBasket()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BasketChangedError);
    expect((error as BasketChangedError).current).toBeUndefined();
  });

  it('tries a transaction cancelled by concurrent ones again, with backoff, also when the record met a conflict and the basket failed', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(none, conflict))
      .rejectsOnce(cancelled(conflict, failedWith({ ...toBasketItem(basketOf({})), version: 9 })))
      .resolves({});

    await repository.claim(record(), lockedBasket());

    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(sleeps).toEqual([10, 20]);
  });

  it('gives up as BasketChangedError when every attempt met a conflict', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(conflict, none));

    await expect(repository.claim(record(), lockedBasket())).rejects.toBeInstanceOf(BasketChangedError);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('lets other failures through', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('network'));
    await expect(repository.claim(record(), lockedBasket())).rejects.toThrow('network');
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
    ddb
      .on(GetCommand)
      .resolvesOnce({})
      .resolvesOnce({ Item: { ...toCheckoutItem(record(), clock.now()), orderId: 'nope' } });
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
      ddb
        .on(BatchGetCommand)
        .resolvesOnce({ Responses: { baskets: [storedBasket()] } })
        .resolvesOnce({ Responses: { baskets: [] } });

      await expect(repository.loadContext(CUSTOMER, 'key-1')).resolves.toEqual({ basket: basketOf({ 'MUG-001': 2 }, { version: 3 }) });
      await expect(repository.loadContext(CUSTOMER, 'key-2')).resolves.toEqual({
        basket: { customerId: CUSTOMER, lines: [], confirmedOrders: {}, version: 0 },
      });
    });

    it('asks again for a key DynamoDB left unprocessed', async () => {
      ddb
        .on(BatchGetCommand)
        .resolvesOnce({
          Responses: { baskets: [storedBasket()] },
          UnprocessedKeys: { baskets: { Keys: [checkoutKey(CUSTOMER, 'key-1')] } },
        })
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
