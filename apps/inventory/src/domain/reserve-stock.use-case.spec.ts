import { OUT_OF_STOCK_ERROR, OutOfStockError } from './errors';
import { reserveStock } from './reserve-stock.use-case';
import { fixedClock, InMemoryInventory } from './testing/in-memory-inventory';
import { ORDER_1, ORDER_2, stockLevel } from './testing/inventory-fixtures';

const clock = fixedClock('2025-03-01T10:00:00.000Z');

const setup = () => {
  const inventory = new InMemoryInventory([stockLevel({ sku: 'MUG-001', available: 5 }), stockLevel({ sku: 'TEA-001', available: 1 })]);
  const reserve = (orderId: string, lines: { sku: string; quantity: number }[]) =>
    reserveStock({ reservations: inventory.reservationRepository, clock }, { orderId, correlationId: 'corr-r', lines });
  return { inventory, reserve };
};

describe('reserveStock', () => {
  it('takes every line from stock and returns the reserved lines in sku order', async () => {
    const { inventory, reserve } = setup();

    const result = await reserve(ORDER_1, [
      { sku: 'TEA-001', quantity: 1 },
      { sku: 'MUG-001', quantity: 2 },
    ]);

    expect(result).toEqual({
      orderId: ORDER_1,
      lines: [
        { sku: 'MUG-001', quantity: 2 },
        { sku: 'TEA-001', quantity: 1 },
      ],
      reservedAt: '2025-03-01T10:00:00.000Z',
    });
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 3, reserved: 2 });
    expect(inventory.stock.get('TEA-001')).toMatchObject({ available: 0, reserved: 1 });
    expect(inventory.writtenBy.get(`RESERVATION#${ORDER_1}`)).toBe('corr-r');
  });

  it('reserves nothing when any line is short, naming the short skus (in sku order) in an OutOfStockError', async () => {
    const { inventory, reserve } = setup();

    const error = await reserve(ORDER_1, [
      { sku: 'MUG-001', quantity: 2 },
      { sku: 'TEA-001', quantity: 2 },
      { sku: 'NEW-001', quantity: 1 },
    ]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error).toMatchObject({ name: OUT_OF_STOCK_ERROR, skus: ['NEW-001', 'TEA-001'] });
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 5, reserved: 0 });
    expect(inventory.reservations.size).toBe(0);
  });

  it('is idempotent per order: a repeated reserve returns the first result and takes nothing more', async () => {
    const { inventory, reserve } = setup();
    const first = await reserve(ORDER_1, [{ sku: 'MUG-001', quantity: 2 }]);

    const again = await reserve(ORDER_1, [{ sku: 'MUG-001', quantity: 2 }]);

    expect(again).toEqual(first);
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 3, reserved: 2 });
  });

  it('lets the last units go to one order only', async () => {
    const { reserve } = setup();
    await reserve(ORDER_1, [{ sku: 'TEA-001', quantity: 1 }]);
    await expect(reserve(ORDER_2, [{ sku: 'TEA-001', quantity: 1 }])).rejects.toEqual(new OutOfStockError(['TEA-001']));
  });
});
