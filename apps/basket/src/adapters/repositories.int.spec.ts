import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { useTestTable } from '@shop/testing';
import { catalogEntryFromEvent, type CatalogEntry } from '../domain/catalog';
import { pendingOrderFor, withPendingOrder, type Basket } from '../domain/basket';
import { BasketChangedError, CheckoutAlreadyClaimedError } from '../domain/errors';
import { basketOf, CUSTOMER, entry, productChanged } from '../domain/testing/fixtures';
import { fixedClock } from '../domain/testing/in-memory';
import { DynamoBasketRepository } from './basket.repository';
import { checkoutKey, DynamoCheckoutRepository, toCheckoutItem } from './checkout.repository';
import { DynamoLineChangeReader } from './line-change.reader';
import { DynamoPriceCatalog } from './price-catalog.repository';
import { BASKET_TABLE } from './testing/basket-table';
import { createPlaceOrder } from '@shop/order-contracts';

// DynamoDB Local's endpoint comes from AWS_ENDPOINT_URL_DYNAMODB (exported by the global setup).
const ORDER_1 = '00000000-0000-4000-8000-000000000001';
const ORDER_2 = '00000000-0000-4000-8000-000000000002';
const docClient = createDocumentClient();
// The basket as read, locked for `orderId` by a checkout at `at`.
const lock = (basket: Basket, orderId: string, idempotencyKey: string, at = '2025-03-01T12:00:00.000Z'): Basket =>
  withPendingOrder(basket, pendingOrderFor(orderId, idempotencyKey, new Date(at)));
const table = useTestTable(BASKET_TABLE, { prefix: 'basket' });

afterAll(() => docClient.destroy());

describe('DynamoBasketRepository on DynamoDB Local', () => {
  const repository = () => new DynamoBasketRepository(docClient, table.tableName);

  it('creates, reads and replaces a basket with optimistic locking', async () => {
    const customerId = 'int-basket-1';
    await expect(repository().get(customerId)).resolves.toEqual({ customerId, lines: [], confirmedOrders: {}, version: 0 });

    await repository().save(basketOf({ 'MUG-001': 1, 'TEA-001': 2 }, { customerId, version: 0 }), 0);
    await expect(repository().get(customerId)).resolves.toEqual(basketOf({ 'MUG-001': 1, 'TEA-001': 2 }, { customerId, version: 1 }));

    await repository().save(basketOf({ 'TEA-001': 3 }, { customerId }), 1);
    await expect(repository().get(customerId)).resolves.toMatchObject({ lines: [{ sku: 'TEA-001', quantity: 3 }], version: 2 });
  });

  it('refuses a stale write and a second first write, keeping the stored basket', async () => {
    const customerId = 'int-basket-2';
    await repository().save(basketOf({ 'MUG-001': 1 }, { customerId }), 0);

    await expect(repository().save(basketOf({ 'MUG-001': 9 }, { customerId }), 0)).rejects.toBeInstanceOf(BasketChangedError);
    await repository().save(basketOf({ 'MUG-001': 2 }, { customerId }), 1);
    await expect(repository().save(basketOf({ 'MUG-001': 7 }, { customerId }), 1)).rejects.toBeInstanceOf(BasketChangedError);

    await expect(repository().get(customerId)).resolves.toMatchObject({ lines: [{ quantity: 2 }], version: 2 });
  });

  it('stores an emptied basket', async () => {
    const customerId = 'int-basket-3';
    await repository().save(basketOf({ 'MUG-001': 1 }, { customerId }), 0);
    await repository().save(basketOf({}, { customerId }), 1);
    await expect(repository().get(customerId)).resolves.toMatchObject({ lines: [], version: 2 });
  });

  it('stores the confirmed orders with the lines in one versioned write, and reads them back', async () => {
    const customerId = 'int-basket-4';
    const confirmedOrders = { [ORDER_1]: '2025-03-02T00:00:00.000Z', [ORDER_2]: '2025-03-03T00:00:00.000Z' };
    await repository().save(basketOf({ 'MUG-001': 1 }, { customerId }), 0);

    await repository().save(basketOf({ 'TEA-001': 1 }, { customerId, confirmedOrders }), 1);
    await expect(repository().save(basketOf({}, { customerId, confirmedOrders: {} }), 1)).rejects.toBeInstanceOf(BasketChangedError);

    await expect(repository().get(customerId)).resolves.toEqual(basketOf({ 'TEA-001': 1 }, { customerId, confirmedOrders, version: 2 }));
  });
});

describe('DynamoPriceCatalog on DynamoDB Local', () => {
  const catalog = () => new DynamoPriceCatalog(docClient, table.tableName);
  const stored = async (sku: string): Promise<CatalogEntry | undefined> => (await catalog().getMany([sku])).get(sku);
  const at = (second: number) => `2025-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;

  it('applies newer versions and ignores older ones and duplicates (the condition expression)', async () => {
    const sku = 'INT-PRICE-1';
    await expect(catalog().apply(entry({ sku, version: 2, price: { amount: 200, currency: 'EUR' } }))).resolves.toBe(true);
    await expect(catalog().apply(entry({ sku, version: 1, price: { amount: 100, currency: 'EUR' } }))).resolves.toBe(false);
    await expect(catalog().apply(entry({ sku, version: 2, price: { amount: 999, currency: 'EUR' } }))).resolves.toBe(false);
    await expect(catalog().apply(entry({ sku, version: 3, price: { amount: 300, currency: 'EUR' } }))).resolves.toBe(true);

    await expect(stored(sku)).resolves.toMatchObject({ version: 3, price: { amount: 300 } });
  });

  it('keeps a deletion against late older events, and lets a later re-creation through', async () => {
    const sku = 'INT-PRICE-2';
    await catalog().apply(entry({ sku, version: 2, changedAt: at(5) }));

    await expect(catalog().apply(entry({ sku, version: 2, changedAt: at(6), deleted: true }))).resolves.toBe(true);
    await expect(catalog().apply(entry({ sku, version: 2, changedAt: at(6), deleted: true }))).resolves.toBe(false);
    await expect(catalog().apply(entry({ sku, version: 1, changedAt: at(1) }))).resolves.toBe(false);
    await expect(stored(sku)).resolves.toMatchObject({ deleted: true, version: 2 });

    await expect(catalog().apply(entry({ sku, version: 1, changedAt: at(9), name: 'Again' }))).resolves.toBe(true);
    await expect(stored(sku)).resolves.toMatchObject({ deleted: false, version: 1, name: 'Again' });
    await expect(catalog().apply(entry({ sku, version: 2, changedAt: at(6), deleted: true }))).resolves.toBe(false);
  });

  it('stores a tombstone for a deletion of a product it never saw', async () => {
    const sku = 'INT-PRICE-3';
    await expect(catalog().apply(catalogEntryFromEvent(productChanged('deleted', { sku, version: 4 }, at(7))))).resolves.toBe(true);
    await expect(catalog().apply(catalogEntryFromEvent(productChanged('updated', { sku, version: 3 }, at(3))))).resolves.toBe(false);
    await expect(stored(sku)).resolves.toMatchObject({ deleted: true });
  });

  it('reads many entries at once, unknown skus left out', async () => {
    await Promise.all(['INT-MANY-1', 'INT-MANY-2'].map((sku) => catalog().apply(entry({ sku }))));
    const found = await catalog().getMany(['INT-MANY-1', 'INT-MANY-2', 'INT-MANY-9']);
    expect([...found.keys()].sort()).toEqual(['INT-MANY-1', 'INT-MANY-2']);
  });
});

describe('DynamoCheckoutRepository on DynamoDB Local', () => {
  // The item's TTL (`expiresAt`) counts from this clock: a fixed date in the past would let DynamoDB
  // Local's TTL sweeper delete the item in the middle of the test.
  const clock = fixedClock(new Date().toISOString());
  const repository = () => new DynamoCheckoutRepository(docClient, table.tableName, clock);
  const orderId = '00000000-0000-4000-8000-000000000001';
  const record = {
    customerId: CUSTOMER,
    idempotencyKey: 'int-key-1',
    fingerprint: 'fp-1',
    orderId,
    command: createPlaceOrder({
      orderId,
      customerId: CUSTOMER,
      lines: [{ sku: 'MUG-001', name: 'Mug', quantity: 2, unitPrice: { amount: 1299, currency: 'EUR' } }],
      total: { amount: 2598, currency: 'EUR' },
      paymentToken: 'tok_approve',
      shippingAddress: { name: 'Ada', line1: '1 Way', city: 'London', postalCode: 'N1', country: 'GB' },
      correlationId: 'corr-int',
    }),
    createdAt: '2025-03-01T12:00:00.000Z',
  };

  it('loads the record of a key and the basket together, each absent or present', async () => {
    const customerId = 'int-context-1';
    const baskets = new DynamoBasketRepository(docClient, table.tableName);
    const own = { ...record, customerId, idempotencyKey: 'int-key-ctx' };

    await expect(repository().loadContext(customerId, 'int-key-ctx')).resolves.toEqual({
      basket: { customerId, lines: [], confirmedOrders: {}, version: 0 },
    });

    await baskets.save(basketOf({ 'MUG-001': 2 }, { customerId }), 0);
    await expect(repository().loadContext(customerId, 'int-key-ctx')).resolves.toEqual({
      basket: basketOf({ 'MUG-001': 2 }, { customerId, version: 1 }),
    });

    const locked = lock(basketOf({ 'MUG-001': 2 }, { customerId, version: 1 }), orderId, 'int-key-ctx');
    await repository().claim(own, locked);
    await expect(repository().loadContext(customerId, 'int-key-ctx')).resolves.toEqual({
      previous: own,
      basket: { ...locked, version: 2 },
    });
    await baskets.save(basketOf({}, { customerId }), 2); // emptied (and freed) by the order's confirmation
    await expect(repository().loadContext(customerId, 'int-key-ctx')).resolves.toEqual({
      previous: own,
      basket: basketOf({}, { customerId, version: 3 }),
    });
    await expect(repository().loadContext(customerId, 'another-key')).resolves.toEqual({
      basket: basketOf({}, { customerId, version: 3 }),
    });
  });

  it('claims a key once, keeps the first claim unchanged and reads it back', async () => {
    const baskets = new DynamoBasketRepository(docClient, table.tableName);
    await baskets.save(basketOf({ 'MUG-001': 2 }), 0);
    await repository().claim(record, lock(basketOf({ 'MUG-001': 2 }), orderId, 'int-key-1'));

    const second = '00000000-0000-4000-8000-000000000002';
    const refused = await repository()
      .claim({ ...record, orderId: second }, lock(await baskets.get(CUSTOMER), second, 'int-key-1'))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CheckoutAlreadyClaimedError);
    // The stored record came back with the refusal (ALL_OLD): no second read needed.
    expect((refused as CheckoutAlreadyClaimedError).winner).toEqual(record);
    await expect(repository().get(CUSTOMER, 'int-key-1')).resolves.toEqual(record);
    // The stored command comes back as the same bytes that were sent first.
    expect(JSON.stringify((await repository().get(CUSTOMER, 'int-key-1'))?.command)).toBe(JSON.stringify(record.command));
    const { Item } = await docClient.send(new GetCommand({ TableName: table.tableName, Key: checkoutKey(CUSTOMER, 'int-key-1') }));
    expect(Object.keys(Item ?? {}).sort()).toEqual([
      'command',
      'createdAt',
      'customerId',
      'expiresAt',
      'fingerprint',
      'idempotencyKey',
      'orderId',
      'pk',
      'sk',
    ]);
    await expect(repository().get('someone-else', 'int-key-1')).resolves.toBeUndefined();
  });

  describe('claim: the record and the basket lock, both or neither', () => {
    const baskets = () => new DynamoBasketRepository(docClient, table.tableName);
    const second = '00000000-0000-4000-8000-000000000002';
    const recordOf = (customerId: string, idempotencyKey: string, id = orderId) => ({ ...record, customerId, idempotencyKey, orderId: id });

    it('refuses a basket held by an order in its lease, returning it, and stores neither item', async () => {
      const customerId = 'int-claim-held';
      await baskets().save(basketOf({ 'MUG-001': 1 }, { customerId }), 0);
      const first = lock(basketOf({ 'MUG-001': 1 }, { customerId }), orderId, 'key-a');
      await repository().claim(recordOf(customerId, 'key-a'), first);

      const refused = await repository()
        .claim(recordOf(customerId, 'key-b', second), lock(await baskets().get(customerId), second, 'key-b'))
        .catch((e: unknown) => e);

      expect(refused).toBeInstanceOf(BasketChangedError);
      expect((refused as BasketChangedError).current).toEqual({ ...first, version: 2 });
      await expect(repository().get(customerId, 'key-b')).resolves.toBeUndefined();
      await expect(baskets().get(customerId)).resolves.toEqual({ ...first, version: 2 });
    });

    it('refuses a basket changed since it was read, returning it', async () => {
      const customerId = 'int-claim-changed';
      await baskets().save(basketOf({ 'MUG-001': 1 }, { customerId }), 0);
      const read = await baskets().get(customerId);
      await baskets().save(basketOf({ 'MUG-001': 3 }, { customerId }), 1); // the customer, meanwhile

      const refused = await repository()
        .claim(recordOf(customerId, 'key-a'), lock(read, orderId, 'key-a'))
        .catch((e: unknown) => e);

      expect(refused).toBeInstanceOf(BasketChangedError);
      expect((refused as BasketChangedError).current).toEqual(basketOf({ 'MUG-001': 3 }, { customerId, version: 2 }));
      await expect(repository().get(customerId, 'key-a')).resolves.toBeUndefined();
    });

    it('replaces a pending order whose lease ran out', async () => {
      const customerId = 'int-claim-expired';
      await baskets().save(basketOf({ 'MUG-001': 1 }, { customerId }), 0);
      await repository().claim(
        recordOf(customerId, 'key-a'),
        lock(await baskets().get(customerId), orderId, 'key-a', '2025-03-01T12:00:00.000Z'),
      );

      const justBefore = lock(await baskets().get(customerId), second, 'key-b', '2025-03-01T12:59:59.999Z');
      await expect(repository().claim(recordOf(customerId, 'key-b', second), justBefore)).rejects.toBeInstanceOf(BasketChangedError);
      const atExpiry = lock(await baskets().get(customerId), second, 'key-b', '2025-03-01T13:00:00.000Z');
      await repository().claim(recordOf(customerId, 'key-b', second), atExpiry);

      await expect(baskets().get(customerId)).resolves.toEqual({ ...atExpiry, version: 3 });
    });
  });

  it('reads a record written by an earlier version, with its status attribute', async () => {
    const old = { ...record, idempotencyKey: 'int-key-old' };
    await docClient.send(new PutCommand({ TableName: table.tableName, Item: { ...toCheckoutItem(old, clock.now()), status: 'SENT' } }));
    await expect(repository().get(CUSTOMER, 'int-key-old')).resolves.toEqual(old);
    await expect(repository().loadContext(CUSTOMER, 'int-key-old')).resolves.toMatchObject({ previous: old });
  });
});

describe('DynamoLineChangeReader on DynamoDB Local', () => {
  it("reads the basket with the sku's price, and the other lines' prices; an empty basket for a customer without one", async () => {
    const customerId = 'int-line-change-1';
    const catalog = new DynamoPriceCatalog(docClient, table.tableName);
    await catalog.apply(entry());
    await catalog.apply(entry({ sku: 'TEA-001', name: 'Tea', price: { amount: 450, currency: 'EUR' } }));
    const reader = new DynamoLineChangeReader(docClient, table.tableName);

    const none = await reader.read(customerId, 'TEA-001');
    expect(none.basket).toEqual({ customerId, lines: [], confirmedOrders: {}, version: 0 });
    expect([...none.catalog.keys()]).toEqual(['TEA-001']);

    await new DynamoBasketRepository(docClient, table.tableName).save(basketOf({ 'MUG-001': 1 }, { customerId, version: 0 }), 0);
    const some = await reader.read(customerId, 'TEA-001');
    expect(some.basket).toMatchObject({ lines: [{ sku: 'MUG-001', quantity: 1 }], version: 1 });
    expect([...some.catalog.keys()].sort()).toEqual(['MUG-001', 'TEA-001']);
    expect(some.catalog.get('TEA-001')).toEqual(entry({ sku: 'TEA-001', name: 'Tea', price: { amount: 450, currency: 'EUR' } }));

    const unknown = await reader.read(customerId, 'NOPE-001');
    expect([...unknown.catalog.keys()]).toEqual(['MUG-001']);
  });
});
