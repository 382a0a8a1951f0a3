import { InvalidCursorError } from '@shop/domain';
import { OrderAlreadyExistsError, OrderNotFoundError } from '../errors';
import {
  transitionNotApplied,
  transitionOrder,
  transitionSources,
  type FenceTarget,
  type Order,
  type OrderStatus,
  type StatusTarget,
  type TransitionResult,
} from '../order';
import type { OrderRepository, Page, StoredOrder, WriteContext } from '../ports';

export type { StoredOrder } from '../ports';

/** A method of {@link OrderRepository}: one call is one DynamoDB request in the real repository. */
export type OrderRepositoryCall = Exclude<keyof OrderRepository, 'partitions'>;

/**
 * In-memory {@link OrderRepository} for unit tests: same contract (conditional create, a status
 * change that is one atomic conditional write with no read, newest-first listing per customer with
 * opaque cursors) without a database. Test code only.
 */
export class InMemoryOrderRepository implements OrderRepository {
  readonly items = new Map<string, StoredOrder>();
  /** Two partitions are enough to show that readers visit each. */
  readonly partitions = 2;
  /** Orders {@link settle}d: out of the PENDING partitions though cancelled by the reconciler. */
  readonly settled = new Set<string>();
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

  async getStored(orderId: string): Promise<StoredOrder | undefined> {
    this.calls.push('getStored');
    return this.items.get(orderId);
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
    return this.update(orderId, target, at, context, transitionSources(target.status), (order) => transitionNotApplied(order, target));
  }

  /** Like the real fence: applied only to a PENDING order; any other comes back unchanged. */
  async fence(orderId: string, target: FenceTarget, at: Date, context: WriteContext): Promise<TransitionResult> {
    this.calls.push('fence');
    return this.update(orderId, target, at, context, ['PENDING'], (order) => ({ order, changed: false }));
  }

  private update(
    orderId: string,
    target: StatusTarget,
    at: Date,
    context: WriteContext,
    from: readonly OrderStatus[],
    notApplied: (order: Order) => TransitionResult,
  ): TransitionResult {
    const stored = this.items.get(orderId);
    if (!stored) throw new OrderNotFoundError(orderId);
    if (!from.includes(stored.order.status)) return notApplied(stored.order);
    const result = transitionOrder(stored.order, target, at);
    this.items.set(orderId, { order: result.order, correlationId: context.correlationId });
    this.writes.push({ kind: 'changeStatus', order: result.order, correlationId: context.correlationId });
    return result;
  }

  /** The real index's partition of an order: here, by the last digit of its id. */
  partitionOf(orderId: string): number {
    return Number.parseInt(orderId.at(-1) ?? '0', 16) % this.partitions;
  }

  /** Like the real index: PENDING orders, and those the reconciler cancelled until they are settled. */
  private inPendingPartition(order: Order): boolean {
    const cancelledByReconciler = order.status === 'CANCELLED' && order.cancellationReason === 'PROCESSING_FAILED';
    return order.status === 'PENDING' || (cancelledByReconciler && !this.settled.has(order.orderId));
  }

  async settle(orderId: string): Promise<void> {
    this.calls.push('settle');
    if (this.items.get(orderId)?.order.status !== 'PENDING') this.settled.add(orderId);
  }

  async listPending(partition: number, placedBefore: string, limit: number, cursor?: string): Promise<Page<StoredOrder>> {
    this.calls.push('listPending');
    return this.statusPage(partition, (order) => this.inPendingPartition(order) && order.placedAt < placedBefore, limit, cursor);
  }

  async listSettled(partition: number, placedFrom: string, placedTo: string, limit: number, cursor?: string): Promise<Page<StoredOrder>> {
    this.calls.push('listSettled');
    const inWindow = (order: Order) => order.placedAt >= placedFrom && order.placedAt < placedTo;
    return this.statusPage(partition, (order) => !this.inPendingPartition(order) && inWindow(order), limit, cursor);
  }

  private statusPage(partition: number, matches: (order: Order) => boolean, limit: number, cursor?: string): Page<StoredOrder> {
    const scope = `status-${partition}`;
    const after = cursor === undefined ? undefined : decodeCursor(cursor, scope);
    const matching = [...this.items.values()]
      .filter((stored) => this.partitionOf(stored.order.orderId) === partition && matches(stored.order))
      .sort((a, b) => (sortKey(a.order) < sortKey(b.order) ? -1 : 1))
      .filter((stored) => after === undefined || sortKey(stored.order) > after);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return matching.length > limit && last ? { items, nextCursor: encodeCursor(scope, sortKey(last.order)) } : { items };
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
