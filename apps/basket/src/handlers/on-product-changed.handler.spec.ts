import './testing/lambda-env';
import { fakeLambdaContext, sqsEventFromSns, withoutEnv } from '@shop/testing';
import { entry, productChanged } from '../domain/testing/fixtures';
import { InMemoryPriceCatalog } from '../domain/testing/in-memory';
import { createProductChangedConsumer, handler } from './on-product-changed.handler';

const setup = (seed = [entry({ version: 2, price: { amount: 1500, currency: 'EUR' } })]) => {
  const catalog = new InMemoryPriceCatalog(seed);
  const metrics: string[] = [];
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), setCorrelationId: jest.fn() };
  const consume = createProductChangedConsumer({ catalog, logger, metrics: { addMetric: (name: string) => void metrics.push(name) } });
  return { catalog, metrics, logger, consume: (event: ReturnType<typeof sqsEventFromSns>) => consume(event, fakeLambdaContext()) };
};

describe('createProductChangedConsumer', () => {
  it('applies newer events, ignores older ones, and reports no failures', async () => {
    const { catalog, metrics, logger, consume } = setup();

    const result = await consume(
      sqsEventFromSns([
        productChanged('updated', { version: 3, price: { amount: 1700, currency: 'EUR' } }),
        productChanged('updated', { version: 1, price: { amount: 1000, currency: 'EUR' } }),
        productChanged('created', { sku: 'TEA-001', name: 'Tea' }),
      ]),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(catalog.entries.get('MUG-001')).toMatchObject({ version: 3, price: { amount: 1700 } });
    expect(catalog.entries.get('TEA-001')).toMatchObject({ name: 'Tea', deleted: false });
    expect(metrics.filter((name) => name !== 'MessagesProcessed')).toEqual([
      'PriceModelUpdated',
      'StaleProductChangeIgnored',
      'PriceModelUpdated',
    ]);
    expect(logger.setCorrelationId).toHaveBeenCalledWith('corr-product');
  });

  it('marks a deleted product as not for sale', async () => {
    const { catalog, consume } = setup();
    await consume(sqsEventFromSns([productChanged('deleted', { version: 2 }, '2025-01-02T00:00:00.000Z')]));
    expect(catalog.entries.get('MUG-001')?.deleted).toBe(true);
  });

  it('fails only the records that do not match the contract, or whose write fails', async () => {
    const { catalog, consume } = setup([]);
    const failing = { apply: jest.fn(catalog.apply.bind(catalog)).mockRejectedValueOnce(new Error('throttled')) };
    const consumeWithFailure = createProductChangedConsumer({
      catalog: failing,
      logger: { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), setCorrelationId: jest.fn() },
      metrics: { addMetric: jest.fn() },
    });

    const invalid = await consume(
      sqsEventFromSns([
        productChanged('created', { sku: 'OK-001' }),
        { ...productChanged('created'), data: { change: 'moved' } },
        'not json',
      ]),
    );
    const throttled = await consumeWithFailure(
      sqsEventFromSns([productChanged('created', { sku: 'A-001' }), productChanged('created', { sku: 'B-001' })]),
      fakeLambdaContext(),
    );

    expect(invalid).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }, { itemIdentifier: 'msg-2' }] });
    expect(catalog.entries.has('OK-001')).toBe(true);
    expect(throttled).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
  });
});

describe('handler', () => {
  it('answers an empty batch without failures', async () => {
    await expect(handler({ Records: [] }, fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });

  it('fails at cold start, with a named error, when TABLE_NAME is missing', () => {
    withoutEnv('TABLE_NAME', () =>
      jest.isolateModules(() => {
        expect(() => require('./on-product-changed.handler')).toThrow('Environment variable TABLE_NAME is required but not set.');
      }),
    );
  });
});
