import { pendingOrderFor, withPendingOrder, type Basket } from './basket';
import { BasketChangedError } from './errors';
import { releasePendingOrder } from './release-pending-order.use-case';
import { MAX_SAVE_ATTEMPTS } from './set-item-quantity.use-case';
import { basketOf, CUSTOMER, OTHER_CUSTOMER } from './testing/fixtures';
import { fixedClock, InMemoryBasketRepository, losingFirstSave } from './testing/in-memory';

const clock = fixedClock('2025-03-01T12:10:00.000Z');
const ORDER = '00000000-0000-4000-8000-000000000001';
const NEWER = '00000000-0000-4000-8000-000000000002';
const placedAt = new Date('2025-03-01T12:00:00.000Z');
const heldBy = (orderId: string, lines: Record<string, number> = { 'MUG-001': 2 }): Basket =>
  withPendingOrder(basketOf(lines), pendingOrderFor(orderId, `key-${orderId.slice(-1)}`, placedAt));

describe('releasePendingOrder', () => {
  it('frees the basket of its order, keeping the lines, in one versioned write', async () => {
    const baskets = new InMemoryBasketRepository([heldBy(ORDER)]);

    await expect(releasePendingOrder({ baskets, clock }, { orderId: ORDER, customerId: CUSTOMER })).resolves.toBe(true);

    const written = baskets.items.get(CUSTOMER);
    expect(written).toEqual({ ...basketOf({ 'MUG-001': 2 }), updatedAt: '2025-03-01T12:10:00.000Z', version: 2 });
    expect(written).not.toHaveProperty('pendingOrder');
  });

  it('frees the basket also when the lease of its order ran out', async () => {
    const baskets = new InMemoryBasketRepository([heldBy(ORDER)]);
    const muchLater = fixedClock('2025-03-02T00:00:00.000Z');

    await expect(releasePendingOrder({ baskets, clock: muchLater }, { orderId: ORDER, customerId: CUSTOMER })).resolves.toBe(true);
    expect(baskets.items.get(CUSTOMER)).not.toHaveProperty('pendingOrder');
  });

  it("leaves a newer order's lock alone when a late event of an older order arrives, writing nothing", async () => {
    const baskets = new InMemoryBasketRepository([heldBy(NEWER)]);
    const before = baskets.items.get(CUSTOMER);

    await expect(releasePendingOrder({ baskets, clock }, { orderId: ORDER, customerId: CUSTOMER })).resolves.toBe(false);
    expect(baskets.items.get(CUSTOMER)).toBe(before);
  });

  it('changes nothing for a repeated event, a basket not held, or a customer without a basket', async () => {
    const baskets = new InMemoryBasketRepository([heldBy(ORDER)]);
    await releasePendingOrder({ baskets, clock }, { orderId: ORDER, customerId: CUSTOMER });

    await expect(releasePendingOrder({ baskets, clock }, { orderId: ORDER, customerId: CUSTOMER })).resolves.toBe(false);
    await expect(releasePendingOrder({ baskets, clock }, { orderId: ORDER, customerId: OTHER_CUSTOMER })).resolves.toBe(false);
    expect(baskets.items.get(CUSTOMER)?.version).toBe(2);
    expect(baskets.items.has(OTHER_CUSTOMER)).toBe(false);
  });

  it("retries a race lost to the customer's change, keeping it", async () => {
    const inner = new InMemoryBasketRepository([heldBy(ORDER)]);
    const baskets = losingFirstSave(inner, async () => {
      const basket = await inner.get(CUSTOMER);
      await inner.save(
        {
          ...basket,
          lines: [
            ...basket.lines,
            { sku: 'CUP-001', quantity: 1, addedAt: '2025-03-01T12:05:00.000Z', changedAt: '2025-03-01T12:05:00.000Z' },
          ],
        },
        basket.version,
      );
    });

    await expect(releasePendingOrder({ baskets, clock }, { orderId: ORDER, customerId: CUSTOMER })).resolves.toBe(true);
    const written = inner.items.get(CUSTOMER);
    expect(written).toMatchObject({ lines: [{ sku: 'MUG-001' }, { sku: 'CUP-001' }], version: 3 });
    expect(written).not.toHaveProperty('pendingOrder');
  });

  it('gives up after its attempts so the message is retried', async () => {
    const inner = new InMemoryBasketRepository([heldBy(ORDER)]);
    const save = jest.fn().mockRejectedValue(new BasketChangedError(CUSTOMER));

    await expect(
      releasePendingOrder({ baskets: { get: (id) => inner.get(id), save }, clock }, { orderId: ORDER, customerId: CUSTOMER }),
    ).rejects.toBeInstanceOf(BasketChangedError);
    expect(save).toHaveBeenCalledTimes(MAX_SAVE_ATTEMPTS);
  });
});
