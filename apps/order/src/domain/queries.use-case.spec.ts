import { InvalidCursorError } from '@shop/domain';
import { OrderNotFoundError } from './errors';
import { getCustomerOrder } from './get-order.use-case';
import { listCustomerOrders, ListOrdersQuerySchema } from './list-orders.use-case';
import { transitionOrder } from './order';
import { toOrderView } from './order-view';
import { InMemoryOrderRepository } from './testing/in-memory-order.repository';
import { CUSTOMER_ID, ORDER_ID, OTHER_CUSTOMER_ID, pendingOrder } from './testing/order-fixtures';

const orderAt = (minute: number, customerId = CUSTOMER_ID) =>
  pendingOrder({
    orderId: `00000000-0000-4000-8000-0000000000${String(minute).padStart(2, '0')}`,
    placedAt: `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
    customerId,
  });

describe('getCustomerOrder', () => {
  const orders = new InMemoryOrderRepository([pendingOrder()]);

  it("returns the caller's own order", async () => {
    await expect(getCustomerOrder({ orders }, CUSTOMER_ID, ORDER_ID)).resolves.toEqual(pendingOrder());
  });

  it("answers not found for another customer's order, exactly as for a missing one", async () => {
    await expect(getCustomerOrder({ orders }, OTHER_CUSTOMER_ID, ORDER_ID)).rejects.toEqual(new OrderNotFoundError(ORDER_ID));
    await expect(getCustomerOrder({ orders }, CUSTOMER_ID, orderAt(1).orderId)).rejects.toBeInstanceOf(OrderNotFoundError);
  });
});

describe('listCustomerOrders', () => {
  const orders = new InMemoryOrderRepository([orderAt(1), orderAt(3), orderAt(2), orderAt(4, OTHER_CUSTOMER_ID)]);

  it("pages through the caller's orders newest first, never another customer's", async () => {
    const first = await listCustomerOrders({ orders }, CUSTOMER_ID, { limit: 2 });
    expect(first.items.map((order) => order.placedAt.slice(11, 16))).toEqual(['10:03', '10:02']);

    const second = await listCustomerOrders({ orders }, CUSTOMER_ID, { limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({ items: [orderAt(1)] });
  });

  it("rejects another customer's cursor", async () => {
    const page = await listCustomerOrders({ orders }, CUSTOMER_ID, { limit: 1 });
    await expect(listCustomerOrders({ orders }, OTHER_CUSTOMER_ID, { limit: 1, cursor: page.nextCursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe('ListOrdersQuerySchema', () => {
  it('defaults the limit to 20 and coerces it from the query string', () => {
    expect(ListOrdersQuerySchema.parse({})).toEqual({ limit: 20 });
    expect(ListOrdersQuerySchema.parse({ limit: '5', cursor: 'abc' })).toEqual({ limit: 5, cursor: 'abc' });
  });

  it.each(['0', '51', '2.5', 'ten'])('rejects limit=%s', (limit) => {
    expect(ListOrdersQuerySchema.safeParse({ limit }).success).toBe(false);
  });
});

describe('toOrderView', () => {
  it('shows status, lines, total, address and history, without customer id or bookkeeping', () => {
    const cancelled = transitionOrder(
      pendingOrder(),
      { status: 'CANCELLED', reason: 'OUT_OF_STOCK' },
      new Date('2025-03-01T10:00:03.000Z'),
    ).order;
    expect(toOrderView(cancelled)).toEqual({
      orderId: ORDER_ID,
      status: 'CANCELLED',
      cancellationReason: 'OUT_OF_STOCK',
      lines: cancelled.lines,
      total: cancelled.total,
      shippingAddress: cancelled.shippingAddress,
      statusHistory: cancelled.statusHistory,
      placedAt: cancelled.placedAt,
      updatedAt: '2025-03-01T10:00:03.000Z',
    });
  });
});
