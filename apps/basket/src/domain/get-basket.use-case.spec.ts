import { pendingOrderFor, withPendingOrder } from './basket';
import { getBasket } from './get-basket.use-case';
import { basketOf, CUSTOMER, entry, ORDER_ID, OTHER_CUSTOMER } from './testing/fixtures';
import { fixedClock, InMemoryBasketRepository, InMemoryPriceCatalog } from './testing/in-memory';

describe('getBasket', () => {
  const baskets = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2 })]);
  const catalog = new InMemoryPriceCatalog([entry({ price: { amount: 1000, currency: 'EUR' } })]);
  const clock = fixedClock('2025-03-01T12:00:00.000Z');

  it("prices the customer's basket at the read model's current prices", async () => {
    await expect(getBasket({ baskets, catalog, clock }, CUSTOMER)).resolves.toEqual({
      lines: [
        {
          sku: 'MUG-001',
          name: 'Mug',
          quantity: 2,
          unitPrice: { amount: 1000, currency: 'EUR' },
          lineTotal: { amount: 2000, currency: 'EUR' },
        },
      ],
      total: { amount: 2000, currency: 'EUR' },
      unavailable: [],
    });
  });

  it('gives a customer without a basket an empty one', async () => {
    await expect(getBasket({ baskets, catalog, clock }, OTHER_CUSTOMER)).resolves.toEqual({
      lines: [],
      total: { amount: 0, currency: 'EUR' },
      unavailable: [],
    });
  });

  it('names the order in flight from the basket while its lease runs', async () => {
    const held = new InMemoryBasketRepository([
      withPendingOrder(basketOf({ 'MUG-001': 2 }), pendingOrderFor(ORDER_ID, 'key-1', clock.now())),
    ]);

    await expect(getBasket({ baskets: held, catalog, clock }, CUSTOMER)).resolves.toMatchObject({ pendingOrderId: ORDER_ID });
    const anHourLater = fixedClock('2025-03-01T13:00:00.000Z');
    await expect(getBasket({ baskets: held, catalog, clock: anHourLater }, CUSTOMER)).resolves.not.toHaveProperty('pendingOrderId');
  });
});
