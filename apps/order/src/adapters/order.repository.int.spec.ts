import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import { createDocumentClient, type DocumentClient } from '@shop/dynamodb';
import { useTestTable } from '@shop/testing';
import { InvalidOrderTransitionError, OrderAlreadyExistsError } from '../domain/errors';
import { transitionOrder } from '../domain/order';
import type { OrderRepository } from '../domain/ports';
import { CUSTOMER_ID, ORDER_ID, OTHER_CUSTOMER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { DynamoOrderRepository, orderKey, toOrderItem } from './order.repository';
import { statusShardOf } from './status-index';
import { ORDER_TEST_TABLE } from './testing/order-test-table';

// DynamoDB Local's endpoint comes from AWS_ENDPOINT_URL_DYNAMODB (exported by the global setup).
const docClient = createDocumentClient();
const table = useTestTable(ORDER_TEST_TABLE);
const repository = (): DynamoOrderRepository => new DynamoOrderRepository(docClient, table.tableName);
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

    await expect(
      repository().create(pendingOrder({ orderId: id, placedAt: placedAt(59) }), { correlationId: 'c2' }),
    ).rejects.toBeInstanceOf(OrderAlreadyExistsError);
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

  describe('fence (PENDING only, one conditional UpdateItem)', () => {
    const AT = new Date('2025-03-01T10:00:02.000Z');

    it('flags a PENDING order and stores exactly the item a full write of the flagged order would', async () => {
      const id = orderId(950);
      const created = pendingOrder({ orderId: id });
      await repository().create(created, { correlationId: 'c1' });

      const result = await repository().fence(id, { status: 'NEEDS_ATTENTION', reason: 'Sandbox.Timedout' }, AT, {
        correlationId: 'corr-saga',
      });

      const expected = transitionOrder(created, { status: 'NEEDS_ATTENTION', reason: 'Sandbox.Timedout' }, AT).order;
      expect(result).toEqual({ order: expected, changed: true });
      await expect(storedItem(id)).resolves.toEqual(toOrderItem(expected, 'corr-saga'));
    });

    it('leaves a confirmed order exactly as it is and answers it', async () => {
      const id = orderId(951);
      await repository().create(pendingOrder({ orderId: id }), { correlationId: 'c1' });
      const { order: confirmed } = await repository().changeStatus(id, { status: 'CONFIRMED' }, AT, { correlationId: 'c2' });
      const before = await storedItem(id);

      await expect(
        repository().fence(id, { status: 'CANCELLED', reason: 'PROCESSING_FAILED' }, AT, { correlationId: 'c3' }),
      ).resolves.toEqual({
        order: confirmed,
        changed: false,
      });
      await expect(storedItem(id)).resolves.toEqual(before);
    });

    it('lets exactly one of a late confirmation and a fence win, never both, over 20 races', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, async (_, n) => {
          const id = orderId(960 + n);
          await repository().create(pendingOrder({ orderId: id }), { correlationId: 'c1' });
          const [confirm, fence] = await Promise.allSettled([
            repository().changeStatus(id, { status: 'CONFIRMED' }, AT, { correlationId: 'confirm' }),
            repository().fence(id, { status: 'CANCELLED', reason: 'PROCESSING_FAILED' }, AT, { correlationId: 'fence' }),
          ]);
          const stored = await storedItem(id);
          return {
            confirmed: confirm.status === 'fulfilled',
            fenced: fence.status === 'fulfilled' && fence.value.changed,
            status: stored?.status,
          };
        }),
      );

      for (const outcome of outcomes) {
        expect(outcome.confirmed !== outcome.fenced).toBe(true);
        expect(outcome.status).toBe(outcome.confirmed ? 'CONFIRMED' : 'CANCELLED');
      }
    });
  });

  describe('the status index (gsi2)', () => {
    const at = (minute: number) => new Date(`2025-03-02T10:${String(minute).padStart(2, '0')}:30.000Z`);
    const placedOn2nd = (minute: number) => `2025-03-02T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const all = async (list: (cursor?: string) => Promise<{ items: readonly { order: { orderId: string } }[]; nextCursor?: string }>) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(cursor);
        ids.push(...page.items.map((stored) => stored.order.orderId));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    const everyShard = async (list: (shard: number, cursor?: string) => ReturnType<OrderRepository['listPending']>) =>
      (await Promise.all(Array.from({ length: repository().partitions }, (_, shard) => all((cursor) => list(shard, cursor)))))
        .flat()
        .sort();

    it('lists a PENDING order in its shard until it settles, then in the settled shard, by checkout time', async () => {
      const ids = [1100, 1101, 1102, 1103, 1104, 1105].map(orderId);
      for (const [index, id] of ids.entries()) {
        await repository().create(pendingOrder({ orderId: id, placedAt: placedOn2nd(index) }), { correlationId: `corr-${index}` });
      }
      await repository().changeStatus(ids[0] as string, { status: 'CONFIRMED' }, at(10), { correlationId: 'c' });
      await repository().changeStatus(ids[1] as string, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, at(10), { correlationId: 'c' });
      await repository().fence(ids[2] as string, { status: 'NEEDS_ATTENTION', reason: 'X' }, at(10), { correlationId: 'c' });

      const before = '2025-03-02T10:05:00.000Z';
      const pending = await everyShard((shard, cursor) => repository().listPending(shard, before, 1, cursor));
      const settled = await everyShard((shard, cursor) => repository().listSettled(shard, '2025-03-02T10:00:00.000Z', before, 1, cursor));

      // Other tests of this file leave PENDING orders placed earlier: only this test's orders count.
      const mine = (found: string[]) => found.filter((id) => ids.includes(id));
      expect(mine(pending)).toEqual([ids[3], ids[4]].sort());
      expect(mine(settled)).toEqual([ids[0], ids[1], ids[2]].sort());
      expect(pending).not.toContain(ids[5]);
      const page = await repository().listPending(statusShardOf(ids[3] as string), before, 5);
      expect(page.items.find((stored) => stored.order.orderId === ids[3])).toEqual({
        order: pendingOrder({ orderId: ids[3], placedAt: placedOn2nd(3) }),
        correlationId: 'corr-3',
      });
    });

    it('keeps an order the reconciler cancelled in its PENDING shard until it is settled, then lists it as settled', async () => {
      const id = orderId(1115);
      const placedAt = '2025-03-02T11:00:00.000Z';
      await repository().create(pendingOrder({ orderId: id, placedAt }), { correlationId: 'c' });
      const shard = statusShardOf(id);
      const listed = async () => ({
        pending: (await repository().listPending(shard, '2025-03-02T12:00:00.000Z', 50)).items.some(
          (stored) => stored.order.orderId === id,
        ),
        settled: (await repository().listSettled(shard, placedAt, '2025-03-02T12:00:00.000Z', 50)).items.some(
          (stored) => stored.order.orderId === id,
        ),
      });

      await repository().settle(id); // still PENDING: nothing to settle
      await expect(listed()).resolves.toEqual({ pending: true, settled: false });
      await repository().fence(id, { status: 'CANCELLED', reason: 'PROCESSING_FAILED' }, at(0), { correlationId: 'c' });
      await expect(listed()).resolves.toEqual({ pending: true, settled: false });
      const fenced = await storedItem(id);

      await repository().settle(id);
      await repository().settle(id);

      await expect(listed()).resolves.toEqual({ pending: false, settled: true });
      // Only the index partition moved: no status change for the stream relay to publish.
      await expect(storedItem(id)).resolves.toEqual({ ...fenced, gsi2pk: `SETTLED#${shard}` });
    });

    it('takes a window as [placedFrom, placedTo): an order placed at the end is out, one at the start is in', async () => {
      const inside = orderId(1110);
      const atEnd = orderId(1111);
      await repository().create(pendingOrder({ orderId: inside, placedAt: '2025-03-03T10:00:00.000Z' }), { correlationId: 'c' });
      await repository().create(pendingOrder({ orderId: atEnd, placedAt: '2025-03-03T11:00:00.000Z' }), { correlationId: 'c' });
      for (const id of [inside, atEnd]) await repository().changeStatus(id, { status: 'CONFIRMED' }, at(0), { correlationId: 'c' });

      const [from, to] = ['2025-03-03T10:00:00.000Z', '2025-03-03T11:00:00.000Z'];
      const found = await everyShard((shard, cursor) => repository().listSettled(shard, from, to, 10, cursor));

      expect(found).toEqual([inside]);
    });

    it("refuses a cursor of another shard's query", async () => {
      const ids = [1120, 1121, 1122, 1123, 1124, 1125, 1126, 1127, 1128, 1129].map(orderId);
      for (const id of ids)
        await repository().create(pendingOrder({ orderId: id, placedAt: '2025-03-04T10:00:00.000Z' }), { correlationId: 'c' });
      // Ten orders over eight shards: some shard holds two, so its first page of one has a next page.
      const shard = ids.map(statusShardOf).find((candidate, index, shards) => shards.indexOf(candidate) !== index) as number;
      const page = await repository().listPending(shard, '2025-03-05T00:00:00.000Z', 1);
      const cursor = page.nextCursor as string;
      expect(cursor).toEqual(expect.any(String));

      await expect(
        repository().listPending((shard + 1) % repository().partitions, '2025-03-05T00:00:00.000Z', 1, cursor),
      ).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
});
