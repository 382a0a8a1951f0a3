import './testing/lambda-env';
import { ValidationError } from '@shop/domain';
import { fakeLambdaContext } from '@shop/testing';
import { newReservation } from '../domain/reservation';
import { fixedClock, InMemoryInventory } from '../domain/testing/in-memory-inventory';
import { ORDER_1, ORDER_2, stockLevel } from '../domain/testing/inventory-fixtures';
import { createReleaseStockCommand, handler } from './release-stock.handler';

const setup = () => {
  const inventory = new InMemoryInventory([stockLevel({ available: 1, reserved: 2 })]);
  inventory.reservations.set(ORDER_1, newReservation(ORDER_1, [{ sku: 'MUG-001', quantity: 2 }], new Date('2025-03-01T10:00:00.000Z')));
  const metrics: string[] = [];
  const logger = { info: jest.fn() };
  const command = createReleaseStockCommand({
    reservations: inventory.reservationRepository,
    clock: fixedClock('2025-03-01T10:05:00.000Z'),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { inventory, metrics, logger, command };
};

describe('ReleaseStock command', () => {
  it('gives the reservation back and returns the contract result', async () => {
    const { command, inventory, metrics } = setup();

    await expect(command({ orderId: ORDER_1, correlationId: 'corr-saga-1' })).resolves.toEqual({
      orderId: ORDER_1,
      released: true,
      lines: [{ sku: 'MUG-001', quantity: 2 }],
      releasedAt: '2025-03-01T10:05:00.000Z',
    });
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 3, reserved: 0 });
    expect(metrics).toEqual(['StockReleased']);
  });

  it('succeeds without effect for an order that reserved nothing', async () => {
    const { command, inventory, metrics, logger } = setup();

    await expect(command({ orderId: ORDER_2, correlationId: 'corr-saga-2' })).resolves.toMatchObject({ released: false, lines: [] });
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 1, reserved: 2 });
    expect(metrics).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith('Nothing to release', { orderId: ORDER_2, lines: [] });
  });

  it('refuses a payload that breaks the contract', async () => {
    const { command } = setup();
    await expect(command({ orderId: ORDER_1 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('handler', () => {
  it('is wrapped with observability and validates before touching the table', async () => {
    await expect(handler({}, fakeLambdaContext())).rejects.toBeInstanceOf(ValidationError);
  });
});
