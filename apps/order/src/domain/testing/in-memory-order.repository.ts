import { InvalidCursorError } from '@shop/domain';
import { OrderAlreadyExistsError, OrderNotFoundError } from '../errors';
import { transitionNotApplied, transitionOrder, transitionSources, type Order, type StatusTarget, type TransitionResult } from '../order';
import type { OrderRepository, Page, WriteContext } from '../ports';

/** A stored order and the correlation id of its last write, as the real table keeps it. */
export interface StoredOrder {
  readonly order: Order;
  readonly correlationId: string;
}

/** A method of {@link OrderRepository}: one call is one DynamoDB request in the real repository. */
export type OrderRepositoryCall = keyof OrderRepository;

/**
 * In-memory {@link OrderRepository} for unit tests: same contract (conditional create, a status
 * change that is one atomic conditional write with no read, newest-first listing per customer with
 * opaque cursors) without a database. Test code only.
 */
export class InMemoryOrderRepository implements OrderRepository {
  readonly items = new Map<string, StoredOrder>();
  /** Every call, in order, failed ones included (each is one DynamoDB request in the real repository). */
  readonly calls: OrderRepositoryCall[] = [];
  /** Every successful write, in order, for assertions. */
  readonly writes: { readonly kind: 'create' | 'changeStatus'; readonly order: Order; readonly correlationId: string }[] = [];

  constructor(seed: readonly Order[] = []) {
    for (const order of seed) this.items.set(order.orderId, { order, correlationId: 'seed' });
  }

  async get(orderId: string): Promise<Order | undefined> {
    this.calls.push('get');
    return this.items.get(orderId)?.order;
  }

  async create(order: Order, context: WriteContext): Promise<void> {
    this.calls.push('create');
    if (this.items.has(order.orderId)) throw new OrderAlreadyExistsError(order.orderId);
    this.items.set(order.orderId, { order, correlationId: context.correlationId });
    this.writes.push({ kind: 'create', order, correlationId: context.correlationId });
  }

  /** Like the real UpdateItem: applied only from a source status, otherwise the stored order decides the outcome. */
  async changeStatus(orderId: string, target: StatusTarget, at: Date, context: WriteContext): Promise<TransitionResult> {
    this.calls.push('changeStatus');
    const stored = this.items.get(orderId);
    if (!stored) throw new OrderNotFoundError(orderId);
    if (!transitionSources(target.status).includes(stored.order.status)) return transitionNotApplied(stored.order, target);
    const result = transitionOrder(stored.order, target, at);
    this.items.set(orderId, { order: result.order, correlationId: context.correlationId });
    this.writes.push({ kind: 'changeStatus', order: result.order, correlationId: context.correlationId });
    return result;
  }

  async listByCustomer(customerId: string, limit: number, cursor?: string): Promise<Page<Order>> {
    this.calls.push('listByCustomer');
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
