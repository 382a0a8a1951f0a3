import { MAX_LINES, pendingOrderFor, withPendingOrder } from './basket';
import { BasketChangedError, BasketFullError, CurrencyMismatchInBasketError, ProductNotForSaleError } from './errors';
import { MAX_SAVE_ATTEMPTS, removeItem, setItemQuantity } from './set-item-quantity.use-case';
import { basketOf, CUSTOMER, entry, ORDER_ID } from './testing/fixtures';
import { fixedClock, InMemoryBasketRepository, InMemoryPriceCatalog, losingFirstSave } from './testing/in-memory';

const clock = fixedClock('2025-03-01T12:00:00.000Z');
const setup = (baskets = new InMemoryBasketRepository()) => {
  const catalog = new InMemoryPriceCatalog([
    entry(),
    entry({ sku: 'TEA-001', name: 'Tea', price: { amount: 450, currency: 'EUR' } }),
    entry({ sku: 'GONE-1', deleted: true }),
    entry({ sku: 'USD-001', price: { amount: 100, currency: 'USD' } }),
  ]);
  return { baskets, catalog, deps: { baskets, catalog, clock } };
};

describe('setItemQuantity', () => {
  it('puts a sku in a new basket (version 1) and answers with the priced basket', async () => {
    const { baskets, deps } = setup();

    const view = await setItemQuantity(deps, { customerId: CUSTOMER, sku: 'MUG-001', quantity: 2 });

    expect(view).toEqual({
      lines: [
        {
          sku: 'MUG-001',
          name: 'Mug',
          quantity: 2,
          unitPrice: { amount: 1299, currency: 'EUR' },
          lineTotal: { amount: 2598, currency: 'EUR' },
        },
      ],
      total: { amount: 2598, currency: 'EUR' },
      unavailable: [],
    });
    expect(baskets.items.get(CUSTOMER)).toEqual({
      customerId: CUSTOMER,
      lines: [{ sku: 'MUG-001', quantity: 2, addedAt: '2025-03-01T12:00:00.000Z', changedAt: '2025-03-01T12:00:00.000Z' }],
      confirmedOrders: {},
      version: 1,
      updatedAt: '2025-03-01T12:00:00.000Z',
    });
  });

  it('keeps the orders confirmed in the last 7 days and forgets older ones when it writes', async () => {
    const recent = '00000000-0000-4000-8000-000000000001';
    const old = '00000000-0000-4000-8000-000000000002';
    const confirmedOrders = { [recent]: '2025-02-25T00:00:00.000Z', [old]: '2025-02-20T00:00:00.000Z' };
    const { baskets, deps } = setup(new InMemoryBasketRepository([basketOf({ 'MUG-001': 1 }, { confirmedOrders })]));

    await setItemQuantity(deps, { customerId: CUSTOMER, sku: 'TEA-001', quantity: 1 });

    expect(baskets.items.get(CUSTOMER)?.confirmedOrders).toEqual({ [recent]: '2025-02-25T00:00:00.000Z' });
  });

  it('sets the quantity of a sku already in the basket (not adds to it)', async () => {
    const { baskets, deps } = setup(new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'TEA-001': 1 })]));

    const view = await setItemQuantity(deps, { customerId: CUSTOMER, sku: 'MUG-001', quantity: 5 });

    expect(view.lines.map((line) => [line.sku, line.quantity])).toEqual([
      ['MUG-001', 5],
      ['TEA-001', 1],
    ]);
    expect(view.total).toEqual({ amount: 5 * 1299 + 450, currency: 'EUR' });
    expect(baskets.items.get(CUSTOMER)?.version).toBe(2);
  });

  it('removes the line at quantity 0', async () => {
    const { baskets, deps } = setup(new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'TEA-001': 1 })]));

    const view = await setItemQuantity(deps, { customerId: CUSTOMER, sku: 'MUG-001', quantity: 0 });

    expect(view.lines.map((line) => line.sku)).toEqual(['TEA-001']);
    expect(baskets.items.get(CUSTOMER)?.lines.map((line) => line.sku)).toEqual(['TEA-001']);
  });

  it.each(['NEVER-1', 'GONE-1'])('refuses %s (unknown or deleted) as not for sale and writes nothing', async (sku) => {
    const { baskets, deps } = setup();

    await expect(setItemQuantity(deps, { customerId: CUSTOMER, sku, quantity: 1 })).rejects.toEqual(new ProductNotForSaleError([sku]));
    expect(baskets.items.size).toBe(0);
  });

  it('refuses a product priced in another currency than the basket', async () => {
    const { baskets, deps } = setup(new InMemoryBasketRepository([basketOf({ 'MUG-001': 1 })]));

    const error = await setItemQuantity(deps, { customerId: CUSTOMER, sku: 'USD-001', quantity: 1 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CurrencyMismatchInBasketError);
    expect(error).toMatchObject({ issues: [{ field: 'sku', message: 'USD-001 is priced in USD, not EUR.' }] });
    expect(baskets.items.get(CUSTOMER)?.version).toBe(1);
  });

  it('lets the only line change to another currency (its own currency does not count)', async () => {
    const { catalog, deps } = setup(new InMemoryBasketRepository([basketOf({ 'USD-001': 1 })]));
    await catalog.apply(entry({ sku: 'USD-001', version: 2, price: { amount: 90, currency: 'USD' } }));

    await expect(setItemQuantity(deps, { customerId: CUSTOMER, sku: 'USD-001', quantity: 2 })).resolves.toMatchObject({
      total: { amount: 180, currency: 'USD' },
    });
  });

  it(`refuses a ${MAX_LINES + 1}st line, but still changes an existing one of a full basket`, async () => {
    const full = Object.fromEntries(Array.from({ length: MAX_LINES }, (_, i) => [`SKU-${String(i).padStart(3, '0')}`, 1]));
    const { catalog, deps } = setup(new InMemoryBasketRepository([basketOf(full)]));
    for (const sku of Object.keys(full)) await catalog.apply(entry({ sku }));

    await expect(setItemQuantity(deps, { customerId: CUSTOMER, sku: 'MUG-001', quantity: 1 })).rejects.toBeInstanceOf(BasketFullError);
    await expect(setItemQuantity(deps, { customerId: CUSTOMER, sku: 'SKU-000', quantity: 3 })).resolves.toMatchObject({
      lines: expect.arrayContaining([expect.objectContaining({ sku: 'SKU-000', quantity: 3 })]),
    });
  });

  it('retries when the basket changed between its read and its write', async () => {
    const inner = new InMemoryBasketRepository([basketOf({ 'TEA-001': 1 })]);
    const racing = losingFirstSave(inner, () => inner.save({ ...basketOf({ 'TEA-001': 4 }) }, 1)); // another request writes first
    const { deps } = setup();

    const view = await setItemQuantity({ ...deps, baskets: racing }, { customerId: CUSTOMER, sku: 'MUG-001', quantity: 1 });

    expect(view.lines.map((line) => [line.sku, line.quantity])).toEqual([
      ['TEA-001', 4],
      ['MUG-001', 1],
    ]);
    expect(inner.items.get(CUSTOMER)?.version).toBe(3);
  });

  it('keeps the pending order of the basket, and names it while its lease runs', async () => {
    const lock = pendingOrderFor(ORDER_ID, 'key-1', new Date('2025-03-01T11:59:00.000Z'));
    const { baskets, deps } = setup(new InMemoryBasketRepository([withPendingOrder(basketOf({ 'TEA-001': 1 }), lock)]));

    const view = await setItemQuantity(deps, { customerId: CUSTOMER, sku: 'MUG-001', quantity: 1 });

    expect(view.pendingOrderId).toBe(ORDER_ID);
    expect(baskets.items.get(CUSTOMER)).toMatchObject({ pendingOrder: lock, lines: [{ sku: 'TEA-001' }, { sku: 'MUG-001' }], version: 2 });
  });

  it('keeps the lock of a checkout that locked the basket between its read and its write: it writes again from the locked basket', async () => {
    const inner = new InMemoryBasketRepository([basketOf({ 'TEA-001': 1 })]);
    const lock = pendingOrderFor(ORDER_ID, 'key-1', new Date('2025-03-01T12:00:00.000Z'));
    // The checkout's claim: the basket with its lock, version bumped.
    const racing = losingFirstSave(inner, async () => inner.save(withPendingOrder(await inner.get(CUSTOMER), lock), 1));
    const { deps } = setup();

    await setItemQuantity({ ...deps, baskets: racing }, { customerId: CUSTOMER, sku: 'MUG-001', quantity: 1 });

    expect(inner.items.get(CUSTOMER)).toMatchObject({ pendingOrder: lock, lines: [{ sku: 'TEA-001' }, { sku: 'MUG-001' }], version: 3 });
  });

  it(`gives up after ${MAX_SAVE_ATTEMPTS} lost races`, async () => {
    const save = jest.fn().mockRejectedValue(new BasketChangedError(CUSTOMER));
    const inner = new InMemoryBasketRepository();
    const { deps } = setup();

    await expect(
      setItemQuantity({ ...deps, baskets: { get: (id) => inner.get(id), save } }, { customerId: CUSTOMER, sku: 'MUG-001', quantity: 1 }),
    ).rejects.toBeInstanceOf(BasketChangedError);
    expect(save).toHaveBeenCalledTimes(MAX_SAVE_ATTEMPTS);
  });
});

describe('removeItem', () => {
  it('removes the line', async () => {
    const { baskets, deps } = setup(new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'TEA-001': 1 })]));
    await expect(removeItem(deps, { customerId: CUSTOMER, sku: 'TEA-001' })).resolves.toMatchObject({ total: { amount: 2598 } });
    expect(baskets.items.get(CUSTOMER)?.lines.map((line) => line.sku)).toEqual(['MUG-001']);
  });

  it('is a no-op without a write for a sku that is not in the basket, even an unknown one', async () => {
    const { baskets, deps } = setup(new InMemoryBasketRepository([basketOf({ 'MUG-001': 2 })]));
    await expect(removeItem(deps, { customerId: CUSTOMER, sku: 'NEVER-1' })).resolves.toMatchObject({ lines: [{ sku: 'MUG-001' }] });
    expect(baskets.items.get(CUSTOMER)?.version).toBe(1);
  });
});
