import { OUT_OF_STOCK_ERROR, OutOfStockError, STOCK_CONTENTION_ERROR, StockContentionError } from './errors';
import { ReleaseStockInputSchema, ReleaseStockResultSchema, ReserveStockInputSchema, ReserveStockResultSchema } from './stock-commands';

const orderId = '7d1f3c2a-5b4e-4f6a-8c9d-0e1f2a3b4c5d';

describe('ReserveStockInputSchema', () => {
  it('accepts distinct lines with positive quantities', () => {
    const input = {
      orderId,
      correlationId: 'corr-1',
      lines: [
        { sku: 'MUG-001', quantity: 2 },
        { sku: 'TEA-001', quantity: 1 },
      ],
    };
    expect(ReserveStockInputSchema.parse(input)).toEqual(input);
  });

  it.each([
    ['no lines', []],
    ['a zero quantity', [{ sku: 'MUG-001', quantity: 0 }]],
    [
      'a repeated sku',
      [
        { sku: 'MUG-001', quantity: 1 },
        { sku: 'MUG-001', quantity: 1 },
      ],
    ],
  ])('rejects %s', (_label, lines) => {
    expect(ReserveStockInputSchema.safeParse({ orderId, correlationId: 'corr-1', lines }).success).toBe(false);
  });
});

describe('stock results and release', () => {
  it('parse the documented shapes', () => {
    const reserved = { orderId, lines: [{ sku: 'MUG-001', quantity: 2 }], reservedAt: '2025-01-01T00:00:00.000Z' };
    expect(ReserveStockResultSchema.parse(reserved)).toEqual(reserved);
    expect(ReleaseStockInputSchema.parse({ orderId, correlationId: 'c' })).toEqual({ orderId, correlationId: 'c' });
    const released = { orderId, released: false, lines: [], releasedAt: '2025-01-01T00:00:00.000Z' };
    expect(ReleaseStockResultSchema.parse(released)).toEqual(released);
  });
});

describe('OutOfStockError', () => {
  it('is named for the saga Catch and lists the short skus', () => {
    const error = new OutOfStockError(['MUG-001', 'TEA-001']);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(OUT_OF_STOCK_ERROR);
    expect(OUT_OF_STOCK_ERROR).toBe('OutOfStockError');
    expect(error.skus).toEqual(['MUG-001', 'TEA-001']);
    expect(error.message).toBe('Not enough stock for MUG-001, TEA-001.');
  });
});

describe('StockContentionError', () => {
  it('is named for the saga Retry, names the order and the attempts, and keeps its cause', () => {
    const cause = new Error('TransactionConflict');
    const error = new StockContentionError(orderId, 8, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(STOCK_CONTENTION_ERROR);
    expect(STOCK_CONTENTION_ERROR).toBe('StockContentionError');
    expect({ orderId: error.orderId, attempts: error.attempts, cause: error.cause }).toEqual({ orderId, attempts: 8, cause });
    expect(error.message).toBe(`Stock for order ${orderId} is contended: 8 attempts were cancelled by concurrent transactions.`);
  });
});
