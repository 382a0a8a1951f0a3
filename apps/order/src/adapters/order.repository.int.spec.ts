import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import { createDocumentClient } from '@shop/dynamodb';
import { useTestTable } from '@shop/testing';
import { OrderAlreadyExistsError, OrderNotFoundError, OrderVersionConflictError } from '../domain/errors';
import { transitionOrder } from '../domain/order';
import type { OrderRepository } from '../domain/ports';
import { CUSTOMER_ID, ORDER_ID, OTHER_CUSTOMER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { DynamoOrderRepository, orderKey } from './order.repository';

// DynamoDB Local's endpoint comes from AWS_ENDPOINT_URL_DYNAMODB (exported by the global setup).
const docClient = createDocumentClient();
const table = useTestTable();
const repository = (): OrderRepository => new DynamoOrderRepository(docClient, table.tableName);
const storedItem = async (orderId: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: orderKey(orderId), ConsistentRead: true }))).Item;

const orderId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const placedAt = (minute: number) => `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

afterAll(() => docClient.destroy());

describe('DynamoOrderRepository on DynamoDB Local', () => {
  it('creates an order, reads it back and keeps the correlation id of the write on the item', async () => {
    await repository().create(pendingOrder(), { correlationId: 'corr-create' });

    await expect(repository().get(ORDER_ID)).resolves.toEqual(pendingOrder());
    await expect(storedItem(ORDER_ID)).resolves.toMatchObject({
      pk: `ORDER#${ORDER_ID}`,
      sk: 'ORDER',
      gsi1pk: `CUSTOMER#${CUSTOMER_ID}`,
      gsi1sk: `2025-03-01T10:00:00.000Z#${ORDER_ID}`,
      correlationId: 'corr-create',
    });
  });

  it('refuses a second order with the same id and keeps the first', async () => {
    const id = orderId(900);
    await repository().create(pendingOrder({ orderId: id }), { correlationId: 'c1' });

    await expect(repository().create(pendingOrder({ orderId: id, placedAt: placedAt(59) }), { correlationId: 'c2' })).rejects.toBeInstanceOf(
      OrderAlreadyExistsError,
    );
    await expect(repository().get(id)).resolves.toEqual(pendingOrder({ orderId: id }));
  });

  it('changes the status at the expected version, then rejects the stale version without losing the change', async () => {
    const id = orderId(901);
    const created = pendingOrder({ orderId: id });
    await repository().create(created, { correlationId: 'c1' });
    const confirmed = transitionOrder(created, { status: 'CONFIRMED' }, new Date('2025-03-01T10:00:02.000Z')).order;

    await repository().update(confirmed, 1, { correlationId: 'corr-saga' });
    const stale = transitionOrder(created, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, new Date()).order;

    await expect(repository().update(stale, 1, { correlationId: 'c3' })).rejects.toBeInstanceOf(OrderVersionConflictError);
    await expect(repository().get(id)).resolves.toEqual(confirmed);
    await expect(storedItem(id)).resolves.toMatchObject({ status: 'CONFIRMED', version: 2, correlationId: 'corr-saga' });
  });

  it('refuses to update an order that does not exist', async () => {
    const ghost = transitionOrder(pendingOrder({ orderId: orderId(902) }), { status: 'CONFIRMED' }, new Date()).order;
    await expect(repository().update(ghost, 1, { correlationId: 'c' })).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it("pages through one customer's orders newest first, and only theirs", async () => {
    const customerId = 'list-customer-1';
    for (const minute of [5, 1, 3, 2, 4]) {
      await repository().create(pendingOrder({ orderId: orderId(minute), customerId, placedAt: placedAt(minute) }), { correlationId: 'c' });
    }
    await repository().create(pendingOrder({ orderId: orderId(6), customerId: OTHER_CUSTOMER_ID, placedAt: placedAt(6) }), {
      correlationId: 'c',
    });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repository().listByCustomer(customerId, 2, cursor);
      seen.push(...page.items.map((order) => order.placedAt.slice(14, 16)));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);

    expect(seen).toEqual(['05', '04', '03', '02', '01']);
    expect(pages).toBe(3);
  });

  it("rejects one customer's cursor on another customer's listing", async () => {
    const customerId = 'list-customer-2';
    await repository().create(pendingOrder({ orderId: orderId(20), customerId, placedAt: placedAt(20) }), { correlationId: 'c' });
    await repository().create(pendingOrder({ orderId: orderId(21), customerId, placedAt: placedAt(21) }), { correlationId: 'c' });
    const page = await repository().listByCustomer(customerId, 1);

    await expect(repository().listByCustomer(OTHER_CUSTOMER_ID, 1, page.nextCursor)).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
