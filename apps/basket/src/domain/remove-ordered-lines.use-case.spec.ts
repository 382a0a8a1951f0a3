import { pendingOrderFor, withPendingOrder } from './basket';
import { BasketChangedError } from './errors';
import type { BasketRepository } from './ports';
import { removeOrderedLines } from './remove-ordered-lines.use-case';
import { MAX_SAVE_ATTEMPTS } from './set-item-quantity.use-case';
import { basketOf, CUSTOMER, OTHER_CUSTOMER } from './testing/fixtures';
import { fixedClock, InMemoryBasketRepository, losingFirstSave } from './testing/in-memory';

const clock = fixedClock('2025-03-02T00:00:00.000Z');
const ORDER = '00000000-0000-4000-8000-000000000001';
const order = { orderId: ORDER, customerId: CUSTOMER, skus: ['MUG-001', 'TEA-001'] };
const skusOf = (baskets: InMemoryBasketRepository, customerId = CUSTOMER) => baskets.items.get(customerId)?.lines.map((line) => line.sku);

// The customer puts a line in the basket: a versioned write, as the API makes.
const customerAdds = async (baskets: BasketRepository, sku: string, customerId = CUSTOMER) => {
  const basket = await baskets.get(customerId);
  await baskets.save(
    {
      ...basket,
      lines: [...basket.lines, { sku, quantity: 1, addedAt: '2025-03-03T00:00:00.000Z', changedAt: '2025-03-03T00:00:00.000Z' }],
    },
    basket.version,
  );
};

/** Lets the first `copies` reads through only once all of them have read: every copy then writes from the same basket. */
const racingReads = (inner: BasketRepository, copies: number): BasketRepository & { saves: number } => {
  let reads = 0;
  let release!: () => void;
  const allRead = new Promise<void>((resolve) => {
    release = resolve;
  });
  const repository = {
    saves: 0,
    get: async (customerId: string) => {
      const basket = await inner.get(customerId);
      reads += 1;
      if (reads === copies) release();
      if (reads <= copies) await allRead;
      return basket;
    },
    save: async (...args: Parameters<BasketRepository['save']>) => {
      repository.saves += 1;
      return inner.save(...args);
    },
  };
  return repository;
};

describe('removeOrderedLines', () => {
  it("removes the ordered skus from the customer's basket and records the order in the same write", async () => {
    const baskets = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'TEA-001': 1 })]);

    await expect(removeOrderedLines({ baskets, clock }, order)).resolves.toEqual({ removed: 2, alreadyApplied: false, released: false });
    expect(baskets.items.get(CUSTOMER)).toMatchObject({ lines: [], confirmedOrders: { [ORDER]: '2025-03-02T00:00:00.000Z' }, version: 2 });
  });

  it('frees the basket of the confirmed order in the same write that removes its lines', async () => {
    const lock = pendingOrderFor(ORDER, 'key-1', new Date('2025-03-01T12:00:00.000Z'));
    const baskets = new InMemoryBasketRepository([withPendingOrder(basketOf({ 'MUG-001': 2, 'CUP-001': 1 }), lock)]);

    await expect(removeOrderedLines({ baskets, clock }, order)).resolves.toEqual({ removed: 1, alreadyApplied: false, released: true });
    const written = baskets.items.get(CUSTOMER);
    expect(written).toMatchObject({ lines: [{ sku: 'CUP-001' }], confirmedOrders: { [ORDER]: '2025-03-02T00:00:00.000Z' }, version: 2 });
    expect(written).not.toHaveProperty('pendingOrder');
  });

  it("keeps a newer order's lock when a late confirmation of an older order arrives", async () => {
    const newer = pendingOrderFor('00000000-0000-4000-8000-000000000002', 'key-2', new Date('2025-03-01T12:00:00.000Z'));
    const baskets = new InMemoryBasketRepository([withPendingOrder(basketOf({ 'MUG-001': 2 }), newer)]);

    await expect(removeOrderedLines({ baskets, clock }, order)).resolves.toEqual({ removed: 1, alreadyApplied: false, released: false });
    expect(baskets.items.get(CUSTOMER)?.pendingOrder).toEqual(newer);
  });

  it('keeps what the customer added after checking out', async () => {
    const baskets = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'CUP-001': 1 })]);

    await removeOrderedLines({ baskets, clock }, order);

    expect(skusOf(baskets)).toEqual(['CUP-001']);
  });

  it('keeps a line of an ordered sku that the customer set after checking out, when the first copy comes late', async () => {
    // checked out at 10:00 with MUG-001 × 2 and TEA-001; at 10:01 the customer put MUG-001 × 1 back (again)
    const placedAt = '2025-03-01T10:00:00.000Z';
    const baskets = new InMemoryBasketRepository([
      basketOf(
        {},
        {
          lines: [
            { sku: 'MUG-001', quantity: 1, addedAt: '2025-03-01T09:00:00.000Z', changedAt: '2025-03-01T10:01:00.000Z' },
            { sku: 'TEA-001', quantity: 1, addedAt: '2025-03-01T09:30:00.000Z', changedAt: '2025-03-01T09:30:00.000Z' },
          ],
        },
      ),
    ]);

    await expect(removeOrderedLines({ baskets, clock }, { ...order, placedAt })).resolves.toEqual({
      removed: 1,
      alreadyApplied: false,
      released: false,
    });
    expect(baskets.items.get(CUSTOMER)?.lines).toEqual([expect.objectContaining({ sku: 'MUG-001', quantity: 1 })]);
  });

  it('removes a line set at the checkout instant, and every line of the skus when the checkout time is unknown', async () => {
    const placedAt = '2025-03-01T10:00:00.000Z';
    const lines = [{ sku: 'MUG-001', quantity: 1, addedAt: '2025-03-01T09:00:00.000Z', changedAt: placedAt }];
    const atTheInstant = new InMemoryBasketRepository([basketOf({}, { lines })]);
    await removeOrderedLines({ baskets: atTheInstant, clock }, { ...order, placedAt });
    expect(skusOf(atTheInstant)).toEqual([]);

    const later = [{ ...lines[0], changedAt: '2025-03-01T10:05:00.000Z' }];
    const unknownCheckout = new InMemoryBasketRepository([basketOf({}, { lines: later })]);
    await removeOrderedLines({ baskets: unknownCheckout, clock }, order);
    expect(skusOf(unknownCheckout)).toEqual([]);
  });

  it('changes nothing on a redelivery, not even the version', async () => {
    const baskets = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'TEA-001': 1 })]);
    await removeOrderedLines({ baskets, clock }, order);

    await expect(removeOrderedLines({ baskets, clock }, order)).resolves.toEqual({ removed: 0, alreadyApplied: true, released: false });
    expect(baskets.items.get(CUSTOMER)?.version).toBe(2);
  });

  it('keeps an ordered sku the customer added again when a late redelivery comes', async () => {
    const baskets = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'TEA-001': 1 })]);
    await removeOrderedLines({ baskets, clock }, order);
    await customerAdds(baskets, 'MUG-001');

    await expect(removeOrderedLines({ baskets, clock }, order)).resolves.toEqual({ removed: 0, alreadyApplied: true, released: false });
    expect(skusOf(baskets)).toEqual(['MUG-001']);
  });

  it('records the order also when none of its lines is left, so a later copy keeps a sku added since', async () => {
    const baskets = new InMemoryBasketRepository([basketOf({ 'CUP-001': 1 })]);

    await expect(removeOrderedLines({ baskets, clock }, order)).resolves.toEqual({ removed: 0, alreadyApplied: false, released: false });
    expect(baskets.items.get(CUSTOMER)).toMatchObject({ confirmedOrders: { [ORDER]: '2025-03-02T00:00:00.000Z' }, version: 2 });

    await customerAdds(baskets, 'TEA-001');
    await removeOrderedLines({ baskets, clock }, order);
    expect(skusOf(baskets)).toEqual(['CUP-001', 'TEA-001']);
  });

  it('stores a basket with no lines and the order for a customer without one, so a sku added later survives a redelivery', async () => {
    const baskets = new InMemoryBasketRepository();
    const orderOfOther = { ...order, customerId: OTHER_CUSTOMER };

    await expect(removeOrderedLines({ baskets, clock }, orderOfOther)).resolves.toEqual({
      removed: 0,
      alreadyApplied: false,
      released: false,
    });
    expect(baskets.items.get(OTHER_CUSTOMER)).toEqual({
      customerId: OTHER_CUSTOMER,
      lines: [],
      confirmedOrders: { [ORDER]: '2025-03-02T00:00:00.000Z' },
      version: 1,
      updatedAt: '2025-03-02T00:00:00.000Z',
    });

    await customerAdds(baskets, 'MUG-001', OTHER_CUSTOMER);
    await expect(removeOrderedLines({ baskets, clock }, orderOfOther)).resolves.toEqual({
      removed: 0,
      alreadyApplied: true,
      released: false,
    });
    expect(skusOf(baskets, OTHER_CUSTOMER)).toEqual(['MUG-001']);
  });

  it('removes the lines once when two copies of the message race: the loser reads again and finds the order', async () => {
    const inner = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'TEA-001': 1, 'CUP-001': 1 })]);
    const baskets = racingReads(inner, 2);

    const outcomes = await Promise.all([removeOrderedLines({ baskets, clock }, order), removeOrderedLines({ baskets, clock }, order)]);

    expect(outcomes).toEqual(
      expect.arrayContaining([
        { removed: 2, alreadyApplied: false, released: false },
        { removed: 0, alreadyApplied: true, released: false },
      ]),
    );
    expect(baskets.saves).toBe(2); // the winner's write, and the loser's refused one
    expect(inner.items.get(CUSTOMER)).toMatchObject({ lines: [{ sku: 'CUP-001' }], version: 2 });
  });

  it('retries a race lost to the customer, keeping their change', async () => {
    const inner = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2 })]);
    const baskets = losingFirstSave(inner, () => customerAdds(inner, 'CUP-001')); // between our read and our write

    await expect(removeOrderedLines({ baskets, clock }, order)).resolves.toEqual({ removed: 1, alreadyApplied: false, released: false });
    expect(inner.items.get(CUSTOMER)).toMatchObject({
      lines: [{ sku: 'CUP-001' }],
      confirmedOrders: { [ORDER]: expect.any(String) },
      version: 3,
    });
  });

  it('gives up after its attempts so the message is retried', async () => {
    const inner = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2 })]);
    const save = jest.fn().mockRejectedValue(new BasketChangedError(CUSTOMER));

    await expect(removeOrderedLines({ baskets: { get: (id) => inner.get(id), save }, clock }, order)).rejects.toBeInstanceOf(
      BasketChangedError,
    );
    expect(save).toHaveBeenCalledTimes(MAX_SAVE_ATTEMPTS);
  });

  it('forgets orders applied more than 7 days ago when it writes', async () => {
    const older = '00000000-0000-4000-8000-000000000009';
    const baskets = new InMemoryBasketRepository([
      basketOf({ 'MUG-001': 1 }, { confirmedOrders: { [older]: '2025-02-22T23:59:59.000Z' } }),
    ]);

    await removeOrderedLines({ baskets, clock }, order);

    expect(baskets.items.get(CUSTOMER)?.confirmedOrders).toEqual({ [ORDER]: '2025-03-02T00:00:00.000Z' });
  });
});
