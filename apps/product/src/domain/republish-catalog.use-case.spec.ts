import { InvalidCursorError, nameBasedId } from '@shop/domain';
import { ProductChangedSchema, type ProductChanged } from '@shop/product-contracts';
import { RepublishInterruptedError } from './errors';
import type { Page, ProductChangedPublisher, ProductRepository } from './ports';
import type { Product } from './product';
import {
  republishCatalog,
  RepublishCatalogInputSchema,
  republishedEventId,
  republishedProductChanged,
  type RepublishCatalogDeps,
} from './republish-catalog.use-case';
import { InMemoryProductRepository } from './testing/in-memory-product.repository';
import { mugProduct } from './testing/product-fixtures';

/** Records what it publishes; fails for the skus it is told to (a topic that refuses them). */
class RecordingPublisher implements ProductChangedPublisher {
  readonly published: ProductChanged[] = [];
  constructor(private readonly failingSkus: readonly string[] = []) {}

  async publish(event: ProductChanged): Promise<void> {
    if (this.failingSkus.includes(event.data.product.sku)) throw new Error('SNS unavailable');
    this.published.push(event);
  }
}

const catalog = (count: number): Product[] =>
  Array.from({ length: count }, (_, i) => mugProduct({ sku: `MUG-${String(i + 1).padStart(3, '0')}`, version: i + 1 }));

const setup = (
  products: Pick<ProductRepository, 'listAll'>,
  overrides: Partial<RepublishCatalogDeps> & { publisher?: RecordingPublisher } = {},
) => {
  const publisher = overrides.publisher ?? new RecordingPublisher();
  const deps: RepublishCatalogDeps = {
    products,
    remainingTimeMs: () => 300_000,
    pageSize: 2,
    timeReserveMs: 1_000,
    ...overrides,
    publisher,
  };
  return { publisher, deps };
};

const skus = (events: readonly ProductChanged[]) => events.map((event) => event.data.product.sku);

describe('republishCatalog', () => {
  it('publishes one ProductChanged (updated, current state and version) per product, page by page, to the end', async () => {
    const products = catalog(5);
    const repository = new InMemoryProductRepository(products);
    const listAll = jest.spyOn(repository, 'listAll');
    const { publisher, deps } = setup(repository);

    const result = await republishCatalog(deps, { correlationId: 'corr-run-1' });

    expect(result).toEqual({ published: 5, correlationId: 'corr-run-1', stoppedBy: 'done' });
    expect(listAll.mock.calls.map(([limit]) => limit)).toEqual([2, 2, 2]);
    expect(publisher.published).toEqual(products.map((product) => republishedProductChanged(product, 'corr-run-1')));
    expect(publisher.published.map((event) => [event.data.change, event.data.product.version, event.correlationId])).toEqual(
      products.map((product) => ['updated', product.version, 'corr-run-1']),
    );
    expect(publisher.published.every((event) => ProductChangedSchema.safeParse(event).success)).toBe(true);
  });

  it('publishes nothing for an empty catalog, and is done', async () => {
    const { publisher, deps } = setup(new InMemoryProductRepository());
    await expect(republishCatalog(deps, { correlationId: 'c' })).resolves.toEqual({ published: 0, correlationId: 'c', stoppedBy: 'done' });
    expect(publisher.published).toEqual([]);
  });

  it('stops after maxItems with a cursor that resumes right after the last published product', async () => {
    const products = new InMemoryProductRepository(catalog(5));
    const { publisher, deps } = setup(products, { pageSize: 25 });

    const first = await republishCatalog(deps, { maxItems: 3, correlationId: 'c' });
    expect(first).toEqual({ published: 3, nextCursor: expect.any(String), correlationId: 'c', stoppedBy: 'max-items' });
    expect(skus(publisher.published)).toEqual(['MUG-001', 'MUG-002', 'MUG-003']);

    const second = await republishCatalog(deps, { cursor: first.nextCursor, maxItems: 3, correlationId: 'c' });
    expect(second).toEqual({ published: 2, correlationId: 'c', stoppedBy: 'done' });
    expect(skus(publisher.published)).toEqual(['MUG-001', 'MUG-002', 'MUG-003', 'MUG-004', 'MUG-005']);
  });

  it('never reads more than maxItems products, whatever the page size', async () => {
    const products = new InMemoryProductRepository(catalog(10));
    const listAll = jest.spyOn(products, 'listAll');
    const { deps } = setup(products, { pageSize: 4 });

    await expect(republishCatalog(deps, { maxItems: 6, correlationId: 'c' })).resolves.toMatchObject({
      published: 6,
      stoppedBy: 'max-items',
    });
    expect(listAll.mock.calls.map(([limit]) => limit)).toEqual([4, 2]);
  });

  it('stops before starting a page when less than the time reserve is left, with the cursor of that page', async () => {
    const products = new InMemoryProductRepository(catalog(5));
    const remaining = [300_000, 999];
    const { publisher, deps } = setup(products, { remainingTimeMs: () => remaining.shift() ?? 0, timeReserveMs: 1_000 });

    const first = await republishCatalog(deps, { correlationId: 'c' });
    expect(first).toEqual({ published: 4, nextCursor: expect.any(String), correlationId: 'c', stoppedBy: 'time' });
    expect(skus(publisher.published)).toEqual(['MUG-001', 'MUG-002', 'MUG-003', 'MUG-004']);

    const second = await republishCatalog({ ...deps, remainingTimeMs: () => 300_000 }, { cursor: first.nextCursor, correlationId: 'c' });
    expect(second).toEqual({ published: 1, correlationId: 'c', stoppedBy: 'done' });
    expect(skus(publisher.published)).toHaveLength(5);
  });

  it('reads at least one page even when started short of time, so every run makes progress', async () => {
    const { publisher, deps } = setup(new InMemoryProductRepository(catalog(3)), { remainingTimeMs: () => 0 });
    await expect(republishCatalog(deps, { correlationId: 'c' })).resolves.toMatchObject({
      published: 2,
      nextCursor: expect.any(String),
      stoppedBy: 'time',
    });
    expect(publisher.published).toHaveLength(2);
  });

  it('goes on through pages that hold no product (a Scan page of other item types) until the cursor ends', async () => {
    const pages: Record<string, Page<Product>> = {
      start: { items: [], nextCursor: 'p2' },
      p2: { items: [mugProduct({ sku: 'MUG-007' })], nextCursor: 'p3' },
      p3: { items: [] },
    };
    const { publisher, deps } = setup({ listAll: async (_limit, cursor) => pages[cursor ?? 'start'] as Page<Product> });

    await expect(republishCatalog(deps, { correlationId: 'c' })).resolves.toEqual({ published: 1, correlationId: 'c', stoppedBy: 'done' });
    expect(skus(publisher.published)).toEqual(['MUG-007']);
  });

  it('gives the same event ids on every run for unchanged products, and new ones for a new version', async () => {
    const products = new InMemoryProductRepository(catalog(3));
    const first = setup(products);
    const second = setup(products);

    await republishCatalog(first.deps, { correlationId: 'run-1' });
    await republishCatalog(second.deps, { correlationId: 'run-2' });

    const ids = (events: readonly ProductChanged[]) => events.map((event) => event.id);
    expect(ids(second.publisher.published)).toEqual(ids(first.publisher.published));
    expect(new Set(ids(first.publisher.published)).size).toBe(3);
    expect(first.publisher.published[0]?.id).toBe(nameBasedId('republish#MUG-001#1#2025-01-01T00:00:00.000Z'));
    expect(republishedEventId(mugProduct({ version: 2 }))).not.toBe(republishedEventId(mugProduct({ version: 1 })));
    // A sku deleted and created again restarts at version 1: another life, another id.
    expect(republishedEventId(mugProduct({ updatedAt: '2025-06-01T00:00:00.000Z' }))).not.toBe(republishedEventId(mugProduct()));
  });

  it('throws RepublishInterruptedError with the cursor of the failed page when a publish fails', async () => {
    const products = new InMemoryProductRepository(catalog(5));
    const publisher = new RecordingPublisher(['MUG-004']);
    const { deps } = setup(products, { publisher });

    const error = await republishCatalog(deps, { correlationId: 'corr-x' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RepublishInterruptedError);
    const interrupted = error as RepublishInterruptedError;
    expect([interrupted.published, interrupted.correlationId]).toEqual([2, 'corr-x']);
    expect(interrupted.message).toBe(
      `Republishing the catalog stopped after 2 products; re-invoke with ${JSON.stringify({ cursor: interrupted.resumeCursor, correlationId: 'corr-x' })} to resume.`,
    );
    // Every publish of the page was awaited before throwing; resuming redoes that page only.
    expect(skus(publisher.published)).toEqual(['MUG-001', 'MUG-002', 'MUG-003']);
    const resumed = setup(products);
    await expect(republishCatalog(resumed.deps, { cursor: interrupted.resumeCursor, correlationId: 'corr-x' })).resolves.toMatchObject({
      published: 3,
    });
    expect(skus(resumed.publisher.published)).toEqual(['MUG-003', 'MUG-004', 'MUG-005']);
  });

  it('keeps what is left of maxItems in the payload to resume with, so a trial stays a trial', async () => {
    const products = new InMemoryProductRepository(catalog(5));
    const { deps } = setup(products, { publisher: new RecordingPublisher(['MUG-003']) });

    const error = (await republishCatalog(deps, { maxItems: 4, correlationId: 'corr-x' }).catch(
      (caught: unknown) => caught,
    )) as RepublishInterruptedError;

    expect(error).toBeInstanceOf(RepublishInterruptedError);
    expect(error.message).toBe(
      `Republishing the catalog stopped after 2 products; re-invoke with ${JSON.stringify({ cursor: error.resumeCursor, maxItems: 2, correlationId: 'corr-x' })} to resume.`,
    );
    const resumed = setup(products);
    await expect(
      republishCatalog(resumed.deps, { cursor: error.resumeCursor, maxItems: 2, correlationId: 'corr-x' }),
    ).resolves.toMatchObject({
      published: 2,
      stoppedBy: 'max-items',
    });
    expect(skus(resumed.publisher.published)).toEqual(['MUG-003', 'MUG-004']);
  });

  it('rejects a cursor it did not issue', async () => {
    const { deps } = setup(new InMemoryProductRepository(catalog(1)));
    await expect(republishCatalog(deps, { cursor: 'not-a-cursor', correlationId: 'c' })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('republishedProductChanged', () => {
  it('is an updated event with the product as it is, stamped with the time of its last write to the second', () => {
    const product = mugProduct({ version: 4, updatedAt: '2025-03-01T10:00:05.678Z' });
    expect(republishedProductChanged(product, 'corr-1')).toEqual({
      id: republishedEventId(product),
      type: 'ProductChanged',
      version: 1,
      source: 'product',
      time: '2025-03-01T10:00:05.000Z',
      correlationId: 'corr-1',
      data: { change: 'updated', product },
    });
  });
});

describe('RepublishCatalogInputSchema', () => {
  it('accepts an empty payload, a cursor, maxItems and a correlation id', () => {
    expect(RepublishCatalogInputSchema.parse({})).toEqual({});
    expect(RepublishCatalogInputSchema.parse({ cursor: 'abc', maxItems: 2, correlationId: 'replay-1' })).toEqual({
      cursor: 'abc',
      maxItems: 2,
      correlationId: 'replay-1',
    });
  });

  it.each([
    ['maxItems 0', { maxItems: 0 }],
    ['a fractional maxItems', { maxItems: 1.5 }],
    ['maxItems as a string', { maxItems: '2' }],
    ['an empty cursor', { cursor: '' }],
    ['a correlation id with spaces', { correlationId: 'a b' }],
    ['an unknown field', { max: 2 }],
    ['no object', null],
  ])('rejects %s', (_name, payload) => {
    expect(RepublishCatalogInputSchema.safeParse(payload).success).toBe(false);
  });
});
