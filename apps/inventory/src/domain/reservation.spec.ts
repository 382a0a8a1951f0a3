import { newReservation, releaseMarker, sortLines } from './reservation';
import { ORDER_1 } from './testing/inventory-fixtures';

const now = new Date('2025-03-01T10:00:00.000Z');

describe('reservations', () => {
  it('keep their lines in sku order, so the same order always makes the same transaction', () => {
    expect(
      sortLines([
        { sku: 'TEA-001', quantity: 1 },
        { sku: 'MUG-001', quantity: 2 },
      ]),
    ).toEqual([
      { sku: 'MUG-001', quantity: 2 },
      { sku: 'TEA-001', quantity: 1 },
    ]);
  });

  it('start RESERVED, stamped with the clock', () => {
    expect(newReservation(ORDER_1, [{ sku: 'MUG-001', quantity: 2 }], now)).toEqual({
      orderId: ORDER_1,
      lines: [{ sku: 'MUG-001', quantity: 2 }],
      status: 'RESERVED',
      createdAt: '2025-03-01T10:00:00.000Z',
    });
  });

  it('have a release marker: released and empty', () => {
    expect(releaseMarker(ORDER_1, now)).toEqual({
      orderId: ORDER_1,
      lines: [],
      status: 'RELEASED',
      createdAt: '2025-03-01T10:00:00.000Z',
      releasedAt: '2025-03-01T10:00:00.000Z',
    });
  });
});
