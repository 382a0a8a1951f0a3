import { adjustStock } from './adjust-stock.use-case';
import { AdjustmentKeyReusedError, StockAdjustmentOutOfRangeError, StockNotFoundError } from './errors';
import { MAX_AVAILABLE } from './stock';
import { fixedClock, InMemoryInventory } from './testing/in-memory-inventory';
import { stockLevel } from './testing/inventory-fixtures';

const NOW = '2025-03-01T10:00:00.000Z';
const context = { correlationId: 'corr-adjust' };
const received = { sku: 'MUG-001', idempotencyKey: 'po-1234', delta: 5, reason: 'received PO-1234' };

const setup = (seed = [stockLevel({ available: 3, reserved: 2, version: 4 })]) => {
  const inventory = new InMemoryInventory(seed);
  return { inventory, deps: { stock: inventory.stockRepository, clock: fixedClock(NOW) } };
};

describe('adjustStock', () => {
  it('adds the delta to the available units, keeps what is reserved, and answers the stock and the adjustment', async () => {
    const { inventory, deps } = setup();

    const result = await adjustStock(deps, received, context);

    expect(result).toEqual({
      stock: stockLevel({ available: 8, reserved: 2, version: 5, updatedAt: NOW }),
      adjustment: { ...received, adjustedAt: NOW },
      replayed: false,
    });
    expect(inventory.stock.get('MUG-001')).toEqual(result.stock);
    expect(inventory.writtenBy.get('STOCK#MUG-001')).toBe('corr-adjust');
  });

  it('removes units down to exactly 0 available', async () => {
    const { deps } = setup();
    await expect(adjustStock(deps, { ...received, delta: -3, reason: 'broken in the warehouse' }, context)).resolves.toMatchObject({
      stock: { available: 0, reserved: 2 },
    });
  });

  it('applies a key once: the same request again answers the first adjustment, replayed, and changes nothing', async () => {
    const { inventory, deps } = setup();
    const first = await adjustStock(deps, received, context);

    const later = { stock: inventory.stockRepository, clock: fixedClock('2025-03-02T00:00:00.000Z') };
    const again = await adjustStock(later, received, { correlationId: 'corr-retry' });

    expect(again).toEqual({ stock: first.stock, adjustment: first.adjustment, replayed: true });
    expect(inventory.stock.get('MUG-001')?.available).toBe(8);
    expect(inventory.writtenBy.get('STOCK#MUG-001')).toBe('corr-adjust');
  });

  it.each([
    ['another delta', { delta: 6 }],
    ['another reason', { reason: 'received PO-9999' }],
  ])('refuses the key again with %s (422), changing nothing', async (_label, change) => {
    const { inventory, deps } = setup();
    await adjustStock(deps, received, context);

    await expect(adjustStock(deps, { ...received, ...change }, context)).rejects.toEqual(new AdjustmentKeyReusedError('MUG-001'));
    expect(inventory.stock.get('MUG-001')?.available).toBe(8);
  });

  it('treats the same key on another sku as another adjustment', async () => {
    const { inventory, deps } = setup([stockLevel(), stockLevel({ sku: 'TEA-001', available: 1 })]);
    await adjustStock(deps, received, context);
    await adjustStock(deps, { ...received, sku: 'TEA-001' }, context);
    expect([inventory.stock.get('MUG-001')?.available, inventory.stock.get('TEA-001')?.available]).toEqual([15, 6]);
  });

  it('refuses to take available below 0 (reserved units stay reserved), writing nothing', async () => {
    const { inventory, deps } = setup();

    await expect(adjustStock(deps, { ...received, delta: -4, reason: 'write-off' }, context)).rejects.toEqual(
      new StockAdjustmentOutOfRangeError('MUG-001', -4, 3),
    );
    expect(inventory.stock.get('MUG-001')).toEqual(stockLevel({ available: 3, reserved: 2, version: 4 }));
    expect(inventory.adjustments.size).toBe(0);
  });

  it('refuses to go above the bound of available units', async () => {
    const { deps } = setup([stockLevel({ available: MAX_AVAILABLE - 1 })]);
    await expect(adjustStock(deps, { ...received, delta: 2 }, context)).rejects.toBeInstanceOf(StockAdjustmentOutOfRangeError);
  });

  it('answers StockNotFoundError for a sku without stock, writing nothing', async () => {
    const { inventory, deps } = setup([]);
    await expect(adjustStock(deps, received, context)).rejects.toEqual(new StockNotFoundError('MUG-001'));
    expect(inventory.adjustments.size).toBe(0);
  });
});
