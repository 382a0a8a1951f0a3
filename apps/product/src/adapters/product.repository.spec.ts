import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import { createDocumentClient, encodeCursor } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ProductAlreadyExistsError, ProductNotFoundError, VersionConflictError } from '../domain/errors';
import type { ProductRepository } from '../domain/ports';
import { mugProduct } from '../domain/testing/product-fixtures';
import { DynamoProductRepository, fromProductItem, toProductItem } from './product.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const repository: ProductRepository = new DynamoProductRepository(
  createDocumentClient({ clientConfig: { region: 'eu-west-1' } }),
  'products',
);
const context = { correlationId: 'corr-1' };
const key = { pk: 'PRODUCT#MUG-001', sk: 'PRODUCT' };

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item && { Item: item as never }) });

beforeEach(() => {
  ddb.reset();
});

describe('toProductItem / fromProductItem', () => {
  it('lays a product out with its keys, category index keys and the correlation id of the write', () => {
    expect(toProductItem(mugProduct(), 'corr-1')).toEqual({
      pk: 'PRODUCT#MUG-001',
      sk: 'PRODUCT',
      gsi1pk: 'CATEGORY#mugs',
      gsi1sk: 'MUG-001',
      ...mugProduct(),
      correlationId: 'corr-1',
    });
  });

  it('reads the product back without keys or bookkeeping', () => {
    expect(fromProductItem(toProductItem(mugProduct(), 'corr-1'))).toEqual(mugProduct());
  });

  it('fails loudly on a corrupt item', () => {
    expect(() => fromProductItem({ ...toProductItem(mugProduct(), 'c'), price: { amount: -1, currency: 'EUR' } })).toThrow();
  });
});

describe('DynamoProductRepository', () => {
  describe('get', () => {
    it('reads the product strongly consistently', async () => {
      ddb.on(GetCommand).resolves({ Item: toProductItem(mugProduct(), 'corr-0') });

      await expect(repository.get('MUG-001')).resolves.toEqual(mugProduct());
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'products', Key: key, ConsistentRead: true });
    });

    it('returns undefined for an unknown sku', async () => {
      ddb.on(GetCommand).resolves({});

      await expect(repository.get('NOPE-1')).resolves.toBeUndefined();
    });
  });

  describe('create', () => {
    it('puts the item only if the sku is free, with the correlation id', async () => {
      ddb.on(PutCommand).resolves({});

      await repository.create(mugProduct(), context);

      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: 'products',
        Item: toProductItem(mugProduct(), 'corr-1'),
        ConditionExpression: 'attribute_not_exists(#key)',
      });
    });

    it('reports a taken sku as ProductAlreadyExistsError', async () => {
      ddb.on(PutCommand).rejects(conditionFailed());

      await expect(repository.create(mugProduct(), context)).rejects.toEqual(new ProductAlreadyExistsError('MUG-001'));
    });
  });

  describe('update', () => {
    it('replaces the item at the expected version', async () => {
      ddb.on(PutCommand).resolves({});
      const updated = mugProduct({ name: 'Big mug', version: 2 });

      await repository.update(updated, 1, context);

      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        Item: toProductItem(updated, 'corr-1'),
        ConditionExpression: 'attribute_exists(#key) AND #version = :expected',
        ExpressionAttributeValues: { ':expected': 1 },
      });
    });

    it('reports a stale version as VersionConflictError', async () => {
      ddb.on(PutCommand).rejects(conditionFailed({ version: { N: '3' } }));

      const error = await repository.update(mugProduct({ version: 2 }), 1, context).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(VersionConflictError);
      expect(error).toMatchObject({ sku: 'MUG-001', expectedVersion: 1 });
    });

    it('reports a vanished product as ProductNotFoundError', async () => {
      ddb.on(PutCommand).rejects(conditionFailed());

      await expect(repository.update(mugProduct({ version: 2 }), 1, context)).rejects.toBeInstanceOf(ProductNotFoundError);
    });
  });

  describe('delete', () => {
    it('deletes an existing product', async () => {
      ddb.on(DeleteCommand).resolves({ Attributes: toProductItem(mugProduct(), 'corr-0') });

      await repository.delete('MUG-001', context);

      expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
        TableName: 'products',
        Key: key,
        ConditionExpression: 'attribute_exists(#key)',
      });
    });

    it('reports an unknown sku as ProductNotFoundError', async () => {
      ddb.on(DeleteCommand).rejects(conditionFailed());

      await expect(repository.delete('MUG-001', context)).rejects.toEqual(new ProductNotFoundError('MUG-001'));
    });
  });

  describe('listByCategory', () => {
    const items = ['MUG-001', 'MUG-002', 'MUG-003'].map((sku) => toProductItem(mugProduct({ sku }), 'c'));

    it('queries the category index (never scans) and returns products with a cursor when there are more', async () => {
      ddb.on(QueryCommand).resolves({ Items: items });

      const page = await repository.listByCategory('mugs', 2);

      expect(page).toEqual({
        items: [mugProduct({ sku: 'MUG-001' }), mugProduct({ sku: 'MUG-002' })],
        nextCursor: encodeCursor({ pk: 'PRODUCT#MUG-002', sk: 'PRODUCT', gsi1pk: 'CATEGORY#mugs', gsi1sk: 'MUG-002' }),
      });
      expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
        TableName: 'products',
        IndexName: 'gsi1',
        KeyConditionExpression: '#partition = :partition',
        ExpressionAttributeNames: { '#partition': 'gsi1pk' },
        ExpressionAttributeValues: { ':partition': 'CATEGORY#mugs' },
        Limit: 3,
      });
    });

    it('leaves nextCursor out on the last page', async () => {
      ddb.on(QueryCommand).resolves({ Items: items });

      await expect(repository.listByCategory('mugs', 5)).resolves.toEqual({ items: items.map(fromProductItem) });
    });

    it("turns a tampered cursor or another category's cursor into the domain's InvalidCursorError", async () => {
      const otherCategory = encodeCursor({ pk: 'PRODUCT#CUP-1', sk: 'PRODUCT', gsi1pk: 'CATEGORY#cups', gsi1sk: 'CUP-1' });

      await expect(repository.listByCategory('mugs', 2, 'garbage!')).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(repository.listByCategory('mugs', 2, otherCategory)).rejects.toBeInstanceOf(InvalidCursorError);
      expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    });
  });

  describe('listAll (operator backfills only)', () => {
    const items = ['MUG-001', 'MUG-002'].map((sku) => toProductItem(mugProduct({ sku }), 'c'));

    it('scans the table for product items only, with the limit, and turns LastEvaluatedKey into the cursor', async () => {
      ddb.on(ScanCommand).resolves({ Items: items, LastEvaluatedKey: { pk: 'PRODUCT#MUG-002', sk: 'PRODUCT' } });

      await expect(repository.listAll(2)).resolves.toEqual({
        items: [mugProduct({ sku: 'MUG-001' }), mugProduct({ sku: 'MUG-002' })],
        nextCursor: encodeCursor({ pk: 'PRODUCT#MUG-002', sk: 'PRODUCT' }),
      });
      expect(ddb).toHaveReceivedCommandWith(ScanCommand, {
        TableName: 'products',
        Limit: 2,
        FilterExpression: '#sk = :sk AND begins_with(#pk, :pk)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':sk': 'PRODUCT', ':pk': 'PRODUCT#' },
        ExclusiveStartKey: undefined,
      });
    });

    it('resumes after the cursor, including a cursor on an item of another type (the last one examined)', async () => {
      ddb.on(ScanCommand).resolves({ Items: [] });
      const otherType = { pk: 'OTHER#1', sk: 'OTHER' };

      await expect(repository.listAll(10, encodeCursor(otherType))).resolves.toEqual({ items: [] });
      expect(ddb).toHaveReceivedCommandWith(ScanCommand, { ExclusiveStartKey: otherType });
    });

    it('gives an empty page that still has a cursor when the filter kept nothing', async () => {
      ddb.on(ScanCommand).resolves({ Items: [], LastEvaluatedKey: { pk: 'OTHER#1', sk: 'OTHER' } });

      await expect(repository.listAll(1)).resolves.toEqual({ items: [], nextCursor: encodeCursor({ pk: 'OTHER#1', sk: 'OTHER' }) });
    });

    it("turns a tampered cursor or a category listing's cursor into InvalidCursorError, without scanning", async () => {
      const categoryCursor = encodeCursor({ pk: 'PRODUCT#CUP-1', sk: 'PRODUCT', gsi1pk: 'CATEGORY#cups', gsi1sk: 'CUP-1' });

      await expect(repository.listAll(2, 'garbage!')).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(repository.listAll(2, categoryCursor)).rejects.toBeInstanceOf(InvalidCursorError);
      expect(ddb).not.toHaveReceivedCommand(ScanCommand);
    });

    it('fails loudly on a corrupt product item', async () => {
      ddb.on(ScanCommand).resolves({ Items: [{ ...items[0], price: { amount: -1, currency: 'EUR' } }] });

      await expect(repository.listAll(2)).rejects.toThrow();
    });
  });
});
