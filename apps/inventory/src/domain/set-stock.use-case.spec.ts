import { StockNotFoundError, StockVersionConflictError } from './errors';
import { setStock } from './set-stock.use-case';
import { fixedClock, InMemoryInventory } from './testing/in-memory-inventory';
import { stockLevel } from './testing/inventory-fixtures';

const clock = fixedClock('2025-03-01T10:00:00.000Z');
const context = { correlationId: 'corr-set' };

describe('setStock', () => {
  it('records the stock of a new sku at version 1 with nothing reserved', async () => {
    const inventory = new InMemoryInventory();

    const level = await setStock({ stock: inventory.stockRepository, clock }, { sku: 'MUG-001', available: 10 }, context);

    expect(level).toEqual({ sku: 'MUG-001', available: 10, reserved: 0, version: 1, updatedAt: '2025-03-01T10:00:00.000Z' });
    expect(inventory.writtenBy.get('STOCK#MUG-001')).toBe('corr-set');
  });

  it('replaces the available units, keeps what is reserved and bumps the version', async () => {
    const inventory = new InMemoryInventory([stockLevel({ available: 3, reserved: 2, version: 4 })]);

    const level = await setStock({ stock: inventory.stockRepository, clock }, { sku: 'MUG-001', available: 0 }, context);

    expect(level).toMatchObject({ available: 0, reserved: 2, version: 5 });
  });

  it('writes only at the expected version when one is given', async () => {
    const inventory = new InMemoryInventory([stockLevel({ version: 2 })]);
    const deps = { stock: inventory.stockRepository, clock };

    await expect(setStock(deps, { sku: 'MUG-001', available: 1, expectedVersion: 1 }, context)).rejects.toBeInstanceOf(
      StockVersionConflictError,
    );
    await expect(setStock(deps, { sku: 'TEA-001', available: 1, expectedVersion: 1 }, context)).rejects.toBeInstanceOf(
      StockNotFoundError,
    );
    expect(inventory.stock.get('MUG-001')).toEqual(stockLevel({ version: 2 }));
    await expect(setStock(deps, { sku: 'MUG-001', available: 7, expectedVersion: 2 }, context)).resolves.toMatchObject({
      available: 7,
      version: 3,
    });
  });
});
