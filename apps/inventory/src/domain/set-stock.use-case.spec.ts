import { StockAlreadyExistsError, StockNotFoundError, StockPreconditionRequiredError, StockVersionConflictError } from './errors';
import { setStock } from './set-stock.use-case';
import { fixedClock, InMemoryInventory } from './testing/in-memory-inventory';
import { stockLevel } from './testing/inventory-fixtures';

const clock = fixedClock('2025-03-01T10:00:00.000Z');
const context = { correlationId: 'corr-set' };

describe('setStock', () => {
  it('creates the stock of a new sku at version 1 with nothing reserved (If-None-Match: *)', async () => {
    const inventory = new InMemoryInventory();

    const result = await setStock(
      { stock: inventory.stockRepository, clock },
      { sku: 'MUG-001', available: 10, precondition: { kind: 'create' } },
      context,
    );

    expect(result).toEqual({
      stock: { sku: 'MUG-001', available: 10, reserved: 0, version: 1, updatedAt: '2025-03-01T10:00:00.000Z' },
      created: true,
    });
    expect(inventory.stock.get('MUG-001')).toEqual(result.stock);
    expect(inventory.writtenBy.get('STOCK#MUG-001')).toBe('corr-set');
  });

  it('refuses to create the stock of a sku that has some, and keeps it', async () => {
    const inventory = new InMemoryInventory([stockLevel({ available: 3, version: 4 })]);

    await expect(
      setStock({ stock: inventory.stockRepository, clock }, { sku: 'MUG-001', available: 10, precondition: { kind: 'create' } }, context),
    ).rejects.toEqual(new StockAlreadyExistsError('MUG-001'));
    expect(inventory.stock.get('MUG-001')).toEqual(stockLevel({ available: 3, version: 4 }));
  });

  it('replaces the available units at the expected version, keeps what is reserved and bumps the version', async () => {
    const inventory = new InMemoryInventory([stockLevel({ available: 3, reserved: 2, version: 4 })]);

    const result = await setStock(
      { stock: inventory.stockRepository, clock },
      { sku: 'MUG-001', available: 0, precondition: { kind: 'update', expectedVersion: 4 } },
      context,
    );

    expect(result).toEqual({
      stock: stockLevel({ available: 0, reserved: 2, version: 5, updatedAt: '2025-03-01T10:00:00.000Z' }),
      created: false,
    });
  });

  it('writes nothing at a stale version or for a sku without stock', async () => {
    const inventory = new InMemoryInventory([stockLevel({ version: 2 })]);
    const deps = { stock: inventory.stockRepository, clock };

    await expect(
      setStock(deps, { sku: 'MUG-001', available: 1, precondition: { kind: 'update', expectedVersion: 1 } }, context),
    ).rejects.toBeInstanceOf(StockVersionConflictError);
    await expect(
      setStock(deps, { sku: 'TEA-001', available: 1, precondition: { kind: 'update', expectedVersion: 1 } }, context),
    ).rejects.toBeInstanceOf(StockNotFoundError);
    expect([...inventory.stock.values()]).toEqual([stockLevel({ version: 2 })]);
  });

  it('refuses a write without a precondition (no blind overwrite), writing nothing', async () => {
    const inventory = new InMemoryInventory([stockLevel({ version: 2 })]);

    await expect(setStock({ stock: inventory.stockRepository, clock }, { sku: 'MUG-001', available: 99 }, context)).rejects.toEqual(
      new StockPreconditionRequiredError('MUG-001'),
    );
    await expect(setStock({ stock: inventory.stockRepository, clock }, { sku: 'NEW-001', available: 99 }, context)).rejects.toBeInstanceOf(
      StockPreconditionRequiredError,
    );
    expect([...inventory.stock.values()]).toEqual([stockLevel({ version: 2 })]);
  });
});
