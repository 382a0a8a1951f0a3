import { StockContentionError } from './errors';
import type { ReservationRepository } from './ports';
import { releaseStock } from './release-stock.use-case';
import { reserveStock } from './reserve-stock.use-case';
import { fixedClock, InMemoryInventory } from './testing/in-memory-inventory';
import { ORDER_1, stockLevel } from './testing/inventory-fixtures';

const reservedAt = fixedClock('2025-03-01T10:00:00.000Z');
const releasedAt = fixedClock('2025-03-01T10:05:00.000Z');

const setup = async () => {
  const inventory = new InMemoryInventory([stockLevel({ sku: 'MUG-001', available: 5 }), stockLevel({ sku: 'TEA-001', available: 3 })]);
  await reserveStock(
    { reservations: inventory.reservationRepository, clock: reservedAt },
    {
      orderId: ORDER_1,
      correlationId: 'corr-r',
      lines: [
        { sku: 'MUG-001', quantity: 2 },
        { sku: 'TEA-001', quantity: 3 },
      ],
    },
  );
  const release = (
    orderId = ORDER_1,
    reservations: Pick<ReservationRepository, 'get' | 'release' | 'storeReleaseMarker'> = inventory.reservationRepository,
  ) => releaseStock({ reservations, clock: releasedAt }, { orderId, correlationId: 'corr-rel' });
  return { inventory, release };
};

describe('releaseStock', () => {
  it('gives back exactly what the reservation took and marks it released', async () => {
    const { inventory, release } = await setup();

    const result = await release();

    expect(result).toEqual({
      orderId: ORDER_1,
      released: true,
      lines: [
        { sku: 'MUG-001', quantity: 2 },
        { sku: 'TEA-001', quantity: 3 },
      ],
      releasedAt: '2025-03-01T10:05:00.000Z',
    });
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 5, reserved: 0 });
    expect(inventory.stock.get('TEA-001')).toMatchObject({ available: 3, reserved: 0 });
    expect(inventory.reservations.get(ORDER_1)).toMatchObject({ status: 'RELEASED', releasedAt: '2025-03-01T10:05:00.000Z' });
    expect(inventory.writtenBy.get(`RESERVATION#${ORDER_1}`)).toBe('corr-rel');
  });

  it('gives back only once: a repeated release returns the first result and changes nothing', async () => {
    const { inventory, release } = await setup();
    const first = await release();

    const again = await release();

    expect(again).toEqual(first);
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 5, reserved: 0 });
  });

  it('is a no-op success for an order without a reservation, and then a late reserve takes nothing', async () => {
    const { inventory, release } = await setup();
    const other = '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e';

    const result = await release(other);
    const late = await reserveStock(
      { reservations: inventory.reservationRepository, clock: reservedAt },
      { orderId: other, correlationId: 'corr-late', lines: [{ sku: 'MUG-001', quantity: 1 }] },
    );

    expect(result).toEqual({ orderId: other, released: false, lines: [], releasedAt: '2025-03-01T10:05:00.000Z' });
    expect(late).toEqual({ orderId: other, lines: [], reservedAt: '2025-03-01T10:05:00.000Z' });
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 3, reserved: 2 });
    await expect(release(other)).resolves.toEqual(result);
  });

  it('reads again when another release wins the race, and returns that release', async () => {
    const { inventory, release } = await setup();
    const racing: ReservationRepository = {
      ...inventory.reservationRepository,
      release: async (reservation, at, context) => {
        await inventory.reservationRepository.release(reservation, '2025-03-01T10:04:00.000Z', { correlationId: 'other' });
        return inventory.reservationRepository.release(reservation, at, context);
      },
    };

    const result = await release(ORDER_1, racing);

    expect(result).toMatchObject({ released: true, releasedAt: '2025-03-01T10:04:00.000Z' });
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 5, reserved: 0 });
  });

  it('gives up with a transient StockContentionError when the reservation keeps changing', async () => {
    const { inventory, release } = await setup();
    const flapping: ReservationRepository = {
      ...inventory.reservationRepository,
      release: async () => 'not-reserved',
    };

    await expect(release(ORDER_1, flapping)).rejects.toEqual(new StockContentionError(ORDER_1, 4));
  });
});
