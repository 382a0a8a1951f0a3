import { StockNotFoundError } from './errors';
import { getStock } from './get-stock.use-case';
import { InMemoryInventory } from './testing/in-memory-inventory';
import { stockLevel } from './testing/inventory-fixtures';

describe('getStock', () => {
  it('returns the stock of the sku', async () => {
    const inventory = new InMemoryInventory([stockLevel({ available: 4, reserved: 2, version: 3 })]);
    await expect(getStock({ stock: inventory.stockRepository }, 'MUG-001')).resolves.toEqual(
      stockLevel({ available: 4, reserved: 2, version: 3 }),
    );
  });

  it('throws StockNotFoundError when no stock was recorded', async () => {
    const inventory = new InMemoryInventory();
    await expect(getStock({ stock: inventory.stockRepository }, 'NOPE-1')).rejects.toEqual(new StockNotFoundError('NOPE-1'));
  });
});
