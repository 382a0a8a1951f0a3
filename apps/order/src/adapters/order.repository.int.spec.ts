import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import { createDocumentClient, type DocumentClient } from '@shop/dynamodb';
import { useTestTable } from '@shop/testing';
import { InvalidOrderTransitionError, OrderAlreadyExistsError } from '../domain/errors';
import { transitionOrder } from '../domain/order';
import type { OrderRepository } from '../domain/ports';
import { CUSTOMER_ID, ORDER_ID, OTHER_CUSTOMER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { DynamoOrderRepository, orderKey, toOrderItem } from './order.repository';

// DynamoDB Local's endpoint comes from AWS_ENDPOINT_URL_DYNAMODB (exported by the global setup).
const docClient = createDocumentClient();
const table = useTestTable();
const repository = (): OrderRepository => new DynamoOrderRepository(docClient, table.tableName);
const storedItem = async (orderId: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: orderKey(orderId), ConsistentRead: true }))).Item;

/** The repository on a client that names every request it sends, to count DynamoDB calls. */
const countingRepository = () => {
  const sent: string[] = [];
  const counting: DocumentClient = {
    send: ((command: { constructor: { name: string } }, ...rest: unknown[]) => {
      sent.push(command.constructor.name);
      return (docClient.send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as DocumentClient['send'],
  };
  return { sent, repository: new DynamoOrderRepository(counting, table.tableName) };
};

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

  describe('changeStatus (one conditional UpdateItem)', () => {
    const AT = new Date('2025-03-01T10:00:02.000Z');
    const LATER = new Date('2025-03-01T10:00:09.000Z');

    it('confirms in one call and stores exactly the item a full write of the confirmed order would', async () => {
      const id = orderId(901);
      const created = pendingOrder({ orderId: id });
      await repository().create(created, { correlationId: 'c1' });
      const { sent, repository: counted } = countingRepository();

      const result = await counted.changeStatus(id, { status: 'CONFIRMED' }, AT, { correlationId: 'corr-saga' });

      const expected = transitionOrder(created, { status: 'CONFIRMED' }, AT).order;
      expect(result).toEqual({ order: expected, changed: true });
      expect(sent).toEqual(['UpdateCommand']);
      await expect(storedItem(id)).resolves.toEqual(toOrderItem(expected, 'corr-saga'));
    });

    it('changes nothing for a repeat, in one call, and keeps the first write on the item', async () => {
      const id = orderId(902);
      await repository().create(pendingOrder({ orderId: id }), { correlationId: 'c1' });
      const first = await repository().changeStatus(id, { status: 'CONFIRMED' }, AT, { correlationId: 'corr-saga' });
      const before = await storedItem(id);
      const { sent, repository: counted } = countingRepository();

      const again = await counted.changeStatus(id, { status: 'CONFIRMED' }, LATER, { correlationId: 'corr-redelivered' });

      expect(again).toEqual({ order: first.order, changed: false });
      expect(sent).toEqual(['UpdateCommand']);
      await expect(storedItem(id)).resolves.toEqual(before);
    });

    it('keeps the first cancellation reason', async () => {
      const id = orderId(903);
      await repository().create(pendingOrder({ orderId: id }), { correlationId: 'c1' });

      await repository().changeStatus(id, { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' }, AT, { correlationId: 'c2' });
      const again = await repository().changeStatus(id, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, LATER, { correlationId: 'c3' });

      expect(again.changed).toBe(false);
      await expect(storedItem(id)).resolves.toMatchObject({
        status: 'CANCELLED',
        cancellationReason: 'PAYMENT_DECLINED',
        statusHistory: [{ status: 'PENDING' }, { status: 'CANCELLED', at: AT.toISOString(), reason: 'PAYMENT_DECLINED' }],
        version: 2,
        correlationId: 'c2',
      });
    });

    it('refuses to cancel a confirmed order and leaves the item untouched', async () => {
      const id = orderId(904);
      await repository().create(pendingOrder({ orderId: id }), { correlationId: 'c1' });
      await repository().changeStatus(id, { status: 'CONFIRMED' }, AT, { correlationId: 'c2' });
      const before = await storedItem(id);

      await expect(
        repository().changeStatus(id, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, LATER, { correlationId: 'c3' }),
      ).rejects.toEqual(new InvalidOrderTransitionError(id, 'CONFIRMED', 'CANCELLED'));
      await expect(storedItem(id)).resolves.toEqual(before);
    });

    it('flags a cancelled order NEEDS_ATTENTION, keeping its cancellation reason and bumping the version again', async () => {
      const id = orderId(905);
      await repository().create(pendingOrder({ orderId: id }), { correlationId: 'c1' });
      const { order: cancelled } = await repository().changeStatus(id, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, AT, {
        correlationId: 'c2',
      });

      await repository().changeStatus(id, { status: 'NEEDS_ATTENTION', reason: 'States.Timeout' }, LATER, { correlationId: 'c3' });

      const expected = transitionOrder(cancelled, { status: 'NEEDS_ATTENTION', reason: 'States.Timeout' }, LATER).order;
      await expect(storedItem(id)).resolves.toEqual(toOrderItem(expected, 'c3'));
      expect(expected).toMatchObject({ cancellationReason: 'OUT_OF_STOCK', version: 3 });
    });

    it('lets exactly one of racing copies change the status', async () => {
      const id = orderId(906);
      await repository().create(pendingOrder({ orderId: id }), { correlationId: 'c1' });

      const results = await Promise.all(
        [1, 2, 3, 4].map(() => repository().changeStatus(id, { status: 'CONFIRMED' }, AT, { correlationId: 'corr-saga' })),
      );

      expect(results.filter((result) => result.changed)).toHaveLength(1);
      await expect(storedItem(id)).resolves.toMatchObject({ status: 'CONFIRMED', version: 2, statusHistory: [{}, {}] });
    });

    it('refuses an order that does not exist, and creates no item', async () => {
      const id = orderId(907);

      await expect(repository().changeStatus(id, { status: 'CONFIRMED' }, AT, { correlationId: 'c' })).rejects.toMatchObject({
        name: 'OrderNotFoundError',
        orderId: id,
      });
      await expect(storedItem(id)).resolves.toBeUndefined();
    });
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
