import { InvalidCursorError } from '@shop/domain';
import { OrderAlreadyExistsError, OrderNotFoundError, OrderVersionConflictError } from '../errors';
import type { Order } from '../order';
import type { OrderRepository, Page, WriteContext } from '../ports';

/** A stored order and the correlation id of its last write, as the real table keeps it. */
export interface StoredOrder {
  readonly order: Order;
  readonly correlationId: string;
}

/**
 * In-memory {@link OrderRepository} for unit tests: same contract (conditional create, optimistic
 * locking, newest-first listing per customer with opaque cursors) without a database. Test code only.
 */
export class InMemoryOrderRepository implements OrderRepository {
  readonly items = new Map<string, StoredOrder>();
  /** Every successful write, in order, for assertions. */
  readonly writes: { readonly kind: 'create' | 'update'; readonly order: Order; readonly correlationId: string }[] = [];

  constructor(seed: readonly Order[] = []) {
    for (const order of seed) this.items.set(order.orderId, { order, correlationId: 'seed' });
  }

  async get(orderId: string): Promise<Order | undefined> {
    return this.items.get(orderId)?.order;
  }

  async create(order: Order, context: WriteContext): Promise<void> {
    if (this.items.has(order.orderId)) throw new OrderAlreadyExistsError(order.orderId);
    this.items.set(order.orderId, { order, correlationId: context.correlationId });
    this.writes.push({ kind: 'create', order, correlationId: context.correlationId });
  }

  async update(order: Order, expectedVersion: number, context: WriteContext): Promise<void> {
    const stored = this.items.get(order.orderId);
    if (!stored) throw new OrderNotFoundError(order.orderId);
    if (stored.order.version !== expectedVersion) throw new OrderVersionConflictError(order.orderId, expectedVersion);
    this.items.set(order.orderId, { order, correlationId: context.correlationId });
    this.writes.push({ kind: 'update', order, correlationId: context.correlationId });
  }

  async listByCustomer(customerId: string, limit: number, cursor?: string): Promise<Page<Order>> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, customerId);
    const matching = [...this.items.values()]
      .map((stored) => stored.order)
      .filter((order) => order.customerId === customerId)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1))
      .filter((order) => after === undefined || sortKey(order) < after);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return matching.length > limit && last ? { items, nextCursor: encodeCursor(customerId, sortKey(last)) } : { items };
  }
}

const sortKey = (order: Order): string => `${order.placedAt}#${order.orderId}`;

const encodeCursor = (customerId: string, after: string): string =>
  Buffer.from(JSON.stringify({ customerId, after })).toString('base64url');

const decodeCursor = (cursor: string, customerId: string): string => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'after' in parsed &&
      typeof parsed.after === 'string' &&
      'customerId' in parsed &&
      parsed.customerId === customerId
    ) {
      return parsed.after;
    }
  } catch {
    // fall through: any undecodable cursor is invalid
  }
  throw new InvalidCursorError();
};
