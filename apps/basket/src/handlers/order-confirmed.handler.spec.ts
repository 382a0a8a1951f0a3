import './testing/lambda-env';
import { fakeLambdaContext, sqsEventFromSns } from '@shop/testing';
import { basketOf, CUSTOMER, ORDER_ID, orderConfirmed } from '../domain/testing/fixtures';
import { fixedClock, InMemoryBasketRepository } from '../domain/testing/in-memory';
import { createOrderConfirmedConsumer, handler } from './order-confirmed.handler';

const setup = (lines: Record<string, number>) => {
  const baskets = new InMemoryBasketRepository([basketOf(lines)]);
  const metrics: string[] = [];
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), setCorrelationId: jest.fn() };
  const consume = createOrderConfirmedConsumer({
    baskets,
    clock: fixedClock('2025-03-02T00:00:00.000Z'),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { baskets, logger, consume: (event: ReturnType<typeof sqsEventFromSns>) => consume(event, fakeLambdaContext()) };
};

describe('createOrderConfirmedConsumer', () => {
  it("removes the ordered lines from the customer's basket, logging with the order's correlation id", async () => {
    const { baskets, logger, consume } = setup({ 'MUG-001': 2, 'TEA-001': 1, 'CUP-001': 1 });

    const result = await consume(sqsEventFromSns([orderConfirmed(['MUG-001', 'TEA-001'])]));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(baskets.items.get(CUSTOMER)?.lines.map((line) => line.sku)).toEqual(['CUP-001']);
    expect(logger.setCorrelationId).toHaveBeenCalledWith('corr-order');
    expect(logger.info).toHaveBeenCalledWith('Removed the ordered lines from the basket', { orderId: ORDER_ID, removed: 2 });
  });

  it('changes nothing on a redelivery', async () => {
    const { baskets, consume } = setup({ 'MUG-001': 2 });
    await consume(sqsEventFromSns([orderConfirmed(['MUG-001'])]));
    await expect(consume(sqsEventFromSns([orderConfirmed(['MUG-001'])]))).resolves.toEqual({ batchItemFailures: [] });
    expect(baskets.items.get(CUSTOMER)).toMatchObject({ lines: [], version: 2 });
  });

  it('fails a message that does not match the contract, and handles the others', async () => {
    const { baskets, consume } = setup({ 'MUG-001': 2 });
    const bad = { ...orderConfirmed(['MUG-001']), data: { ...orderConfirmed(['MUG-001']).data, total: { amount: 1, currency: 'EUR' } } };

    const result = await consume(sqsEventFromSns([bad, orderConfirmed(['MUG-001'])]));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
    expect(baskets.items.get(CUSTOMER)?.lines).toEqual([]);
  });
});

describe('handler', () => {
  it('answers an empty batch without failures', async () => {
    await expect(handler({ Records: [] }, fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });
});
