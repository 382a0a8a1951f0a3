import { InvalidCursorError } from '@shop/domain';
import { OrderCancelledSchema, OrderConfirmedSchema, OrderNeedsAttentionSchema } from '@shop/order-contracts';
import { RepublishInterruptedError } from './errors';
import { transitionOrder, type Order } from './order';
import { orderEventId, orderEventOf } from './order-events';
import type { OrderEvent, OrderEventPublisher } from './ports';
import { republishEvents, RepublishEventsInputSchema, type RepublishEventsDeps } from './republish-events.use-case';
import { InMemoryOrderRepository } from './testing/in-memory-order.repository';
import { pendingOrder } from './testing/order-fixtures';

/** Records what it publishes; fails for the orders it is told to (a topic that refuses them). */
class RecordingPublisher implements OrderEventPublisher {
  readonly published: OrderEvent[] = [];
  constructor(private readonly failing: readonly string[] = []) {}
  async publish(event: OrderEvent): Promise<void> {
    if (this.failing.includes(event.data.orderId)) throw new Error('SNS unavailable');
    this.published.push(event);
  }
}

const AT = new Date('2025-03-01T11:00:00.000Z');
const orderId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const placed = (minute: number) => `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
const order = (n: number, minute: number, status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'NEEDS_ATTENTION' = 'CONFIRMED'): Order => {
  const pending = pendingOrder({ orderId: orderId(n), placedAt: placed(minute) });
  if (status === 'PENDING') return pending;
  if (status === 'CONFIRMED') return transitionOrder(pending, { status }, AT).order;
  if (status === 'CANCELLED') return transitionOrder(pending, { status, reason: 'PAYMENT_DECLINED' }, AT).order;
  return transitionOrder(pending, { status, reason: 'States.Timeout' }, AT).order;
};

const setup = (seed: Order[], overrides: Partial<RepublishEventsDeps> & { publisher?: RecordingPublisher } = {}) => {
  const publisher = overrides.publisher ?? new RecordingPublisher();
  const orders = new InMemoryOrderRepository(seed);
  const deps: RepublishEventsDeps = { orders, remainingTimeMs: () => 300_000, pageSize: 2, timeReserveMs: 1_000, ...overrides, publisher };
  return { publisher, orders, deps };
};

const ids = (events: readonly OrderEvent[]) => events.map((event) => event.data.orderId).sort();
const window = { placedFrom: '2025-03-01T10:00:00.000Z', placedTo: '2025-03-01T11:00:00.000Z' };

describe('republishEvents for order ids', () => {
  it("republishes each order's current event, the very one the relay published (id, time, correlation id)", async () => {
    const seed = [order(1, 1, 'CONFIRMED'), order(2, 2, 'CANCELLED'), order(3, 3, 'NEEDS_ATTENTION')];
    const { publisher, orders, deps } = setup(seed);
    orders.items.set(orderId(1), { order: seed[0] as Order, correlationId: 'corr-confirm' });

    const result = await republishEvents(deps, { orderIds: [orderId(1), orderId(2), orderId(3)] });

    expect(result).toEqual({ published: 3, skipped: 0, notFound: [], stoppedBy: 'done' });
    const [confirmed, cancelled, flagged] = publisher.published;
    expect(OrderConfirmedSchema.parse(confirmed)).toEqual(orderEventOf(seed[0] as Order, 'corr-confirm'));
    expect(confirmed).toMatchObject({ id: orderEventId(orderId(1), 'CONFIRMED'), time: AT.toISOString(), correlationId: 'corr-confirm' });
    expect(OrderCancelledSchema.parse(cancelled).data.reason).toBe('PAYMENT_DECLINED');
    expect(OrderNeedsAttentionSchema.parse(flagged).data).toMatchObject({
      previousStatus: 'PENDING',
      reason: 'States.Timeout',
      flaggedAt: AT.toISOString(),
    });
  });

  it('skips PENDING orders (no event yet) and names the ids no order has', async () => {
    const { publisher, deps } = setup([order(1, 1, 'PENDING'), order(2, 2)]);

    const result = await republishEvents(deps, { orderIds: [orderId(1), orderId(2), orderId(9), orderId(2)] });

    expect(result).toEqual({ published: 1, skipped: 1, notFound: [orderId(9)], stoppedBy: 'done' });
    expect(ids(publisher.published)).toEqual([orderId(2)]);
  });

  it('publishes the same event id on a second replay, so consumers drop it', async () => {
    const { publisher, deps } = setup([order(1, 1)]);
    await republishEvents(deps, { orderIds: [orderId(1)] });
    await republishEvents(deps, { orderIds: [orderId(1)] });
    expect(publisher.published[0]).toEqual(publisher.published[1]);
  });
});

describe('republishEvents for a time window', () => {
  const seed = [
    order(1, 5),
    order(2, 15, 'CANCELLED'),
    order(3, 25),
    order(4, 35, 'NEEDS_ATTENTION'),
    order(5, 45),
    order(6, 50, 'PENDING'),
  ];

  it('republishes every settled order placed in [placedFrom, placedTo), page by page, across every partition', async () => {
    const atEnd = { ...order(7, 0), placedAt: '2025-03-01T11:00:00.000Z' };
    const justBefore = { ...order(8, 0), placedAt: '2025-03-01T09:59:59.999Z' };
    const { publisher, deps } = setup([...seed, atEnd, justBefore]);

    const result = await republishEvents(deps, { ...window, placedFrom: '2025-03-01T10:00:00Z' });

    expect(result).toEqual({ published: 5, skipped: 0, notFound: [], stoppedBy: 'done' });
    expect(ids(publisher.published)).toEqual([1, 2, 3, 4, 5].map(orderId));
  });

  it('stops after maxItems with a cursor that resumes where it stopped, to the end, with nothing twice', async () => {
    const { publisher, deps } = setup(seed);

    const first = await republishEvents(deps, { ...window, maxItems: 2 });
    expect(first).toMatchObject({ published: 2, stoppedBy: 'max-items', nextCursor: expect.any(String) });
    const rest = await republishEvents(deps, { ...window, cursor: first.nextCursor });

    expect(rest).toMatchObject({ published: 3, stoppedBy: 'done' });
    expect(rest.nextCursor).toBeUndefined();
    expect(ids(publisher.published)).toEqual([1, 2, 3, 4, 5].map(orderId));
  });

  it('stops before a page would start with too little time left', async () => {
    const { deps } = setup(seed, { remainingTimeMs: () => 500 });
    await expect(republishEvents(deps, window)).resolves.toMatchObject({ published: 2, stoppedBy: 'time', nextCursor: expect.any(String) });
  });

  it('refuses a cursor of another window, or one that is not a cursor', async () => {
    const { deps } = setup(seed);
    const { nextCursor } = await republishEvents(deps, { ...window, maxItems: 1 });

    const otherWindow = { ...window, placedTo: '2025-03-01T12:00:00.000Z' };
    await expect(republishEvents(deps, { ...otherWindow, cursor: nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(republishEvents(deps, { ...window, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('stops on a failed publish with the cursor of the page to resume from', async () => {
    const publisher = new RecordingPublisher([orderId(3)]);
    const { deps } = setup(seed, { publisher });

    const error = await republishEvents(deps, window).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RepublishInterruptedError);
    expect((error as RepublishInterruptedError).resumeCursor).toEqual(expect.any(String));
    expect((error as Error).message).toMatch(/stopped after \d+ events; re-invoke with the same payload with "cursor"/);
  });
});

describe('RepublishEventsInputSchema', () => {
  it.each<[string, unknown, boolean]>([
    ['order ids', { orderIds: [orderId(1)] }, true],
    ['a window', window, true],
    ['a window with cursor, maxItems and correlation id', { ...window, cursor: 'c', maxItems: 10, correlationId: 'replay-1' }, true],
    ['nothing', {}, false],
    ['ids and a window', { orderIds: [orderId(1)], ...window }, false],
    ['half a window', { placedFrom: window.placedFrom }, false],
    ['a window that ends before it starts', { placedFrom: window.placedTo, placedTo: window.placedFrom }, false],
    ['a cursor with ids', { orderIds: [orderId(1)], cursor: 'c' }, false],
    ['an id that is not a UUID', { orderIds: ['not-a-uuid'] }, false],
    ['no ids', { orderIds: [] }, false],
    ['101 ids', { orderIds: Array.from({ length: 101 }, (_, n) => orderId(n)) }, false],
    ['an unknown field', { ...window, since: 'yesterday' }, false],
  ])('%s: valid %s', (_label, input, valid) => {
    expect(RepublishEventsInputSchema.safeParse(input).success).toBe(valid);
  });
});
