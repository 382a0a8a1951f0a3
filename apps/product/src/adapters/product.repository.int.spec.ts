import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import { createDocumentClient } from '@shop/dynamodb';
import { useTestTable } from '@shop/testing';
import { ProductAlreadyExistsError, ProductNotFoundError, VersionConflictError } from '../domain/errors';
import type { ProductRepository } from '../domain/ports';
import { applyUpdate } from '../domain/product';
import { mugProduct } from '../domain/testing/product-fixtures';
import { DynamoProductRepository, productKey } from './product.repository';

// DynamoDB Local's endpoint comes from AWS_ENDPOINT_URL_DYNAMODB (exported by the global setup).
const docClient = createDocumentClient();
const table = useTestTable();
const repository = (): ProductRepository => new DynamoProductRepository(docClient, table.tableName);
const storedItem = async (sku: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: productKey(sku), ConsistentRead: true }))).Item;

afterAll(() => docClient.destroy());

describe('DynamoProductRepository on DynamoDB Local', () => {
  it('creates a product, reads it back and keeps the correlation id of the write on the item', async () => {
    const product = mugProduct({ sku: 'CREATE-1' });

    await repository().create(product, { correlationId: 'corr-create' });

    await expect(repository().get('CREATE-1')).resolves.toEqual(product);
    await expect(storedItem('CREATE-1')).resolves.toMatchObject({
      pk: 'PRODUCT#CREATE-1',
      sk: 'PRODUCT',
      gsi1pk: 'CATEGORY#mugs',
      gsi1sk: 'CREATE-1',
      correlationId: 'corr-create',
    });
  });

  it('refuses a duplicate sku and keeps the first product', async () => {
    const first = mugProduct({ sku: 'DUP-1', name: 'First' });
    await repository().create(first, { correlationId: 'c1' });

    await expect(repository().create(mugProduct({ sku: 'DUP-1', name: 'Second' }), { correlationId: 'c2' })).rejects.toBeInstanceOf(
      ProductAlreadyExistsError,
    );
    await expect(repository().get('DUP-1')).resolves.toEqual(first);
  });

  it('returns undefined for an unknown sku', async () => {
    await expect(repository().get('UNKNOWN-1')).resolves.toBeUndefined();
  });

  it('updates at the expected version, then rejects the stale version without losing the update', async () => {
    const created = mugProduct({ sku: 'UPD-1' });
    await repository().create(created, { correlationId: 'c1' });
    const updated = applyUpdate(created, { ...created, name: 'Renamed' }, new Date('2025-02-01T00:00:00.000Z'));

    await repository().update(updated, 1, { correlationId: 'corr-update' });
    const lostUpdate = applyUpdate(created, { ...created, name: 'Lost' }, new Date('2025-02-02T00:00:00.000Z'));

    await expect(repository().update(lostUpdate, 1, { correlationId: 'c3' })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(repository().get('UPD-1')).resolves.toEqual({ ...updated, version: 2 });
    await expect(storedItem('UPD-1')).resolves.toMatchObject({ correlationId: 'corr-update', version: 2 });
  });

  it('moves a product to its new category in the index on update', async () => {
    const created = mugProduct({ sku: 'MOVE-1', category: 'move-from' });
    await repository().create(created, { correlationId: 'c1' });

    await repository().update(applyUpdate(created, { ...created, category: 'move-to' }, new Date()), 1, { correlationId: 'c2' });

    await expect(repository().listByCategory('move-from', 10)).resolves.toEqual({ items: [] });
    await expect(repository().listByCategory('move-to', 10)).resolves.toMatchObject({ items: [{ sku: 'MOVE-1', version: 2 }] });
  });

  it('reports an update of an unknown product as not found', async () => {
    await expect(repository().update(mugProduct({ sku: 'GHOST-1', version: 2 }), 1, { correlationId: 'c' })).rejects.toBeInstanceOf(
      ProductNotFoundError,
    );
    await expect(storedItem('GHOST-1')).resolves.toBeUndefined();
  });

  it('deletes a product, then reports it not found', async () => {
    await repository().create(mugProduct({ sku: 'DEL-1' }), { correlationId: 'c1' });

    await repository().delete('DEL-1', { correlationId: 'c2' });

    await expect(repository().get('DEL-1')).resolves.toBeUndefined();
    await expect(repository().delete('DEL-1', { correlationId: 'c3' })).rejects.toBeInstanceOf(ProductNotFoundError);
  });

  describe('listByCategory', () => {
    const skus = ['LIST-07', 'LIST-03', 'LIST-01', 'LIST-05', 'LIST-02', 'LIST-06', 'LIST-04'];

    beforeAll(async () => {
      await Promise.all(skus.map((sku) => repository().create(mugProduct({ sku, category: 'paging' }), { correlationId: 'seed' })));
      await repository().create(mugProduct({ sku: 'OTHER-01', category: 'paging-other' }), { correlationId: 'seed' });
    });

    it('pages through a category in sku order, across several pages; the last page has no cursor', async () => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await repository().listByCategory('paging', 3, cursor);
        pages.push(page.items.map((product) => product.sku));
        cursor = page.nextCursor;
      } while (cursor !== undefined && pages.length < 10);

      expect(pages).toEqual([['LIST-01', 'LIST-02', 'LIST-03'], ['LIST-04', 'LIST-05', 'LIST-06'], ['LIST-07']]);
    });

    it('returns whole products, and nothing of other categories', async () => {
      const page = await repository().listByCategory('paging', 100);

      expect(page.items).toHaveLength(7);
      expect(page.items[0]).toEqual(mugProduct({ sku: 'LIST-01', category: 'paging' }));
      expect(page.nextCursor).toBeUndefined();
    });

    it("rejects a tampered cursor and another category's cursor as InvalidCursorError", async () => {
      const { nextCursor } = await repository().listByCategory('paging', 2);
      expect(nextCursor).toBeDefined();
      const tampered = `${nextCursor?.slice(0, -4)}AAAA`;

      await expect(repository().listByCategory('paging', 2, tampered)).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(repository().listByCategory('paging-other', 2, nextCursor)).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(repository().listByCategory('paging', 2, 'not-a-cursor')).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
});

describe('DynamoProductRepository.listAll on DynamoDB Local (a Scan, for operator backfills)', () => {
  // A table of its own, so the scan sees exactly what this block wrote.
  const scanned = useTestTable();
  const products = (): ProductRepository => new DynamoProductRepository(docClient, scanned.tableName);
  const skus = ['SCAN-01', 'SCAN-02', 'SCAN-03', 'SCAN-04', 'SCAN-05'];

  beforeAll(async () => {
    await Promise.all(
      skus.map((sku, i) => products().create(mugProduct({ sku, category: i % 2 ? 'odd' : 'even' }), { correlationId: 'seed' })),
    );
    // Items of other types in the same table: never returned as products.
    await docClient.send(new PutCommand({ TableName: scanned.tableName, Item: { pk: 'SETTINGS#catalog', sk: 'SETTINGS' } }));
    await docClient.send(new PutCommand({ TableName: scanned.tableName, Item: { pk: 'PRODUCT#SCAN-01', sk: 'AUDIT#1' } }));
  });

  it('pages through every product of every category exactly once, skipping other item types; the last page has no cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await products().listAll(2, cursor);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((product) => product.sku));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined && pages < 20);

    expect(cursor).toBeUndefined();
    expect(seen.sort()).toEqual(skus);
  });

  it('returns whole products', async () => {
    const { items } = await products().listAll(100);
    expect(items.find((product) => product.sku === 'SCAN-02')).toEqual(mugProduct({ sku: 'SCAN-02', category: 'odd' }));
  });

  it('rejects a cursor it did not issue as InvalidCursorError', async () => {
    await expect(products().listAll(2, 'not-a-cursor')).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
