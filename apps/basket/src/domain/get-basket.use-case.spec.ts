import { getBasket } from './get-basket.use-case';
import { basketOf, CUSTOMER, entry, OTHER_CUSTOMER } from './testing/fixtures';
import { InMemoryBasketRepository, InMemoryPriceCatalog } from './testing/in-memory';

describe('getBasket', () => {
  const baskets = new InMemoryBasketRepository([basketOf({ 'MUG-001': 2 })]);
  const catalog = new InMemoryPriceCatalog([entry({ price: { amount: 1000, currency: 'EUR' } })]);

  it("prices the customer's basket at the read model's current prices", async () => {
    await expect(getBasket({ baskets, catalog }, CUSTOMER)).resolves.toEqual({
      lines: [{ sku: 'MUG-001', name: 'Mug', quantity: 2, unitPrice: { amount: 1000, currency: 'EUR' }, lineTotal: { amount: 2000, currency: 'EUR' } }],
      total: { amount: 2000, currency: 'EUR' },
      unavailable: [],
    });
  });

  it('gives a customer without a basket an empty one', async () => {
    await expect(getBasket({ baskets, catalog }, OTHER_CUSTOMER)).resolves.toEqual({
      lines: [],
      total: { amount: 0, currency: 'EUR' },
      unavailable: [],
    });
  });
});
