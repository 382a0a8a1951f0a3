import './testing/lambda-env';
import { ValidationError } from '@shop/domain';
import { OutOfStockError } from '@shop/inventory-contracts';
import { fakeLambdaContext } from '@shop/testing';
import { fixedClock, InMemoryInventory } from '../domain/testing/in-memory-inventory';
import { ORDER_1, ORDER_2, stockLevel } from '../domain/testing/inventory-fixtures';
import { createReserveStockCommand, handler } from './reserve-stock.handler';

const setup = () => {
  const inventory = new InMemoryInventory([stockLevel({ available: 3 })]);
  const metrics: string[] = [];
  const logger = { info: jest.fn() };
  const command = createReserveStockCommand({
    reservations: inventory.reservationRepository,
    clock: fixedClock('2025-03-01T10:00:00.000Z'),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { inventory, metrics, logger, command };
};

const payload = (orderId: string, quantity: number) => ({ orderId, correlationId: 'corr-saga-1', lines: [{ sku: 'MUG-001', quantity }] });

describe('ReserveStock command', () => {
  it('returns the contract result for the saga and counts the reservation', async () => {
    const { command, inventory, metrics, logger } = setup();

    await expect(command(payload(ORDER_1, 2))).resolves.toEqual({
      orderId: ORDER_1,
      lines: [{ sku: 'MUG-001', quantity: 2 }],
      reservedAt: '2025-03-01T10:00:00.000Z',
    });
    expect(inventory.stock.get('MUG-001')).toMatchObject({ available: 1, reserved: 2 });
    expect(inventory.writtenBy.get(`RESERVATION#${ORDER_1}`)).toBe('corr-saga-1');
    expect(metrics).toEqual(['StockReserved']);
    expect(logger.info).toHaveBeenCalledWith('Stock reserved', { orderId: ORDER_1, lines: [{ sku: 'MUG-001', quantity: 2 }] });
  });

  it('throws an error named OutOfStockError (what the saga Catch matches) and reserves nothing', async () => {
    const { command, inventory, metrics } = setup();

    const error = await command(payload(ORDER_2, 4)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutOfStockError);
    expect((error as Error).name).toBe('OutOfStockError');
    expect(inventory.reservations.size).toBe(0);
    expect(metrics).toEqual(['StockReservationRefused']);
  });

  it('refuses a payload that breaks the contract with a ValidationError naming the fields', async () => {
    const { command, inventory } = setup();

    const error = await command({ orderId: 'not-a-uuid', lines: [{ sku: 'MUG-001', quantity: 0 }] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['orderId', 'correlationId', 'lines.0.quantity']);
    expect(inventory.reservations.size).toBe(0);
  });
});

describe('handler', () => {
  it('is wrapped with observability and validates before touching the table', async () => {
    await expect(handler({ orderId: ORDER_1 }, fakeLambdaContext())).rejects.toBeInstanceOf(ValidationError);
  });
});
