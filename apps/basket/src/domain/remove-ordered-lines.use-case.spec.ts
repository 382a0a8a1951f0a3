import { BasketChangedError } from './errors';
import { removeOrderedLines } from './remove-ordered-lines.use-case';
import { basketOf, CUSTOMER, OTHER_CUSTOMER } from './testing/fixtures';
import { fixedClock, InMemoryBasketRepository } from './testing/in-memory';

const clock = fixedClock('2025-03-02T00:00:00.000Z');
const order = { orderId: '00000000-0000-4000-8000-000000000001', customerId: CUSTOMER, skus: ['MUG-001', 'TEA-001'] };

describe('removeOrderedLines', () => {
  it("removes the ordered skus from the customer's basket", async () => {
    const baskets = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'TEA-001': 1 })]);

    await expect(removeOrderedLines({ baskets, clock }, order)).resolves.toBe(2);
    expect(baskets.items.get(CUSTOMER)).toMatchObject({ lines: [], version: 2 });
  });

  it('keeps what the customer added after checking out', async () => {
    const baskets = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2, 'CUP-001': 1 })]);

    await removeOrderedLines({ baskets, clock }, order);

    expect(baskets.items.get(CUSTOMER)?.lines.map((line) => line.sku)).toEqual(['CUP-001']);
  });

  it('changes nothing when the lines are gone already (a redelivery) or there is no basket', async () => {
    const baskets = new InMemoryBasketRepository([basketOf({ 'CUP-001': 1 })]);

    await expect(removeOrderedLines({ baskets, clock }, order)).resolves.toBe(0);
    await expect(removeOrderedLines({ baskets, clock }, { ...order, customerId: OTHER_CUSTOMER })).resolves.toBe(0);
    expect(baskets.items.get(CUSTOMER)?.version).toBe(1);
    expect(baskets.items.has(OTHER_CUSTOMER)).toBe(false);
  });

  it('retries a lost race, then fails so the message is retried', async () => {
    const inner = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2 })]);
    const save = jest.fn().mockRejectedValue(new BasketChangedError(CUSTOMER));

    await expect(removeOrderedLines({ baskets: { get: (id) => inner.get(id), save }, clock }, order)).rejects.toBeInstanceOf(BasketChangedError);
    expect(save).toHaveBeenCalledTimes(3);
  });
});
