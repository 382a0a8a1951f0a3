import { transitionOrder, type Order } from './order';
import type { SagaExecution } from './ports';
import { reconcileOrder } from './reconcile-order.use-case';
import { sweepPendingOrders, type SweepPendingOrdersDeps } from './sweep-pending-orders.use-case';
import { FakeCompensations, namedError } from './testing/fake-compensations';
import { FakeOrderSaga } from './testing/fake-order-saga';
import { InMemoryOrderRepository } from './testing/in-memory-order.repository';
import { pendingOrder } from './testing/order-fixtures';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const STALE_AFTER_MS = 35 * 60_000;
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const orderId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A PENDING order placed and received `minutes` ago. */
const pendingSince = (n: number, minutes: number, createdMinutes = minutes): Order => ({
  ...pendingOrder({ orderId: orderId(n), placedAt: minutesAgo(minutes) }),
  createdAt: minutesAgo(createdMinutes),
});

const setup = (seed: Order[], executions: Record<string, SagaExecution> = {}, overrides: Partial<SweepPendingOrdersDeps> = {}) => {
  const orders = new InMemoryOrderRepository(seed);
  const saga = new FakeOrderSaga();
  for (const [id, execution] of Object.entries(executions)) saga.described.set(id, execution);
  const compensations = new FakeCompensations();
  for (const order of seed) compensations.holding(order.orderId);
  const reconciled: string[] = [];
  const deps: SweepPendingOrdersDeps = {
    orders,
    saga,
    reconcile: async (command) => {
      reconciled.push(command.orderId);
      return reconcileOrder(
        { orders, compensations, clock: { now: () => NOW }, sleep: async () => undefined, inFlightGraceMs: 25_000 },
        command,
      );
    },
    clock: { now: () => NOW },
    remainingTimeMs: () => 180_000,
    staleAfterMs: STALE_AFTER_MS,
    pageSize: 2,
    timeReserveMs: 60_000,
    ...overrides,
  };
  return { orders, compensations, reconciled, deps, status: (id: string) => orders.items.get(id)?.order.status };
};

const ended = { status: 'TIMED_OUT', stoppedAt: new Date(minutesAgo(10)) } as const;

describe('sweepPendingOrders', () => {
  it('reconciles every stale PENDING order whose execution ended or never started, in every partition', async () => {
    const seed = [1, 2, 3, 4, 5].map((n) => pendingSince(n, 40 + n));
    const { orders, compensations, deps, status } = setup(seed, Object.fromEntries(seed.map((order) => [order.orderId, ended])));

    const result = await sweepPendingOrders(deps);

    expect(result).toEqual({ examined: 5, running: 0, compensated: 5, needsAttention: 0, untouched: 0, failures: [], stoppedBy: 'done' });
    expect(seed.map((order) => status(order.orderId))).toEqual(Array(5).fill('CANCELLED'));
    expect(compensations.charged.size + compensations.reserved.size).toBe(0);
    expect(new Set(seed.map((order) => orders.partitionOf(order.orderId)))).toEqual(new Set([0, 1]));
  });

  it('leaves young orders and orders whose execution still runs alone', async () => {
    const young = pendingSince(1, 10);
    const running = pendingSince(2, 50);
    const lateIntake = pendingSince(3, 50, 5); // placed long ago, reached the intake 5 minutes ago
    const { reconciled, deps, status } = setup([young, running, lateIntake], { [running.orderId]: { status: 'RUNNING' } });

    const result = await sweepPendingOrders(deps);

    expect(result).toMatchObject({ examined: 1, running: 1, compensated: 0 });
    expect(reconciled).toEqual([]);
    expect([young, running, lateIntake].map((order) => status(order.orderId))).toEqual(['PENDING', 'PENDING', 'PENDING']);
  });

  it('reconciles an order with no execution at all (the intake stopped before starting it)', async () => {
    const orphan = pendingSince(1, 60);
    const { deps, status } = setup([orphan]);
    await expect(sweepPendingOrders(deps)).resolves.toMatchObject({ compensated: 1 });
    expect(status(orphan.orderId)).toBe('CANCELLED');
  });

  it('finishes an order a reconciliation fenced and was cut off before compensating, then no longer lists it', async () => {
    const fenced = transitionOrder(
      pendingSince(1, 50),
      { status: 'CANCELLED', reason: 'PROCESSING_FAILED' },
      new Date(minutesAgo(14)),
    ).order;
    const { orders, compensations, deps } = setup([fenced], { [fenced.orderId]: ended });

    await expect(sweepPendingOrders(deps)).resolves.toMatchObject({ examined: 1, compensated: 1 });
    expect(compensations.charged.size + compensations.reserved.size).toBe(0);
    expect(orders.items.get(fenced.orderId)?.order).toEqual(fenced);
    await expect(sweepPendingOrders(deps)).resolves.toMatchObject({ examined: 0 });
  });

  it('records an order it cannot reconcile and goes on with the others', async () => {
    const seed = [pendingSince(1, 50), pendingSince(2, 51)];
    const { deps, orders } = setup(seed, Object.fromEntries(seed.map((order) => [order.orderId, ended])));
    const saga = deps.saga as FakeOrderSaga;
    const describe = saga.describe.bind(saga);
    saga.describe = async (id) => {
      if (id === orderId(1)) throw namedError('ThrottlingException');
      return describe(id);
    };

    const result = await sweepPendingOrders(deps);

    expect(result.failures).toEqual([{ orderId: orderId(1), error: 'ThrottlingException' }]);
    expect(result.compensated).toBe(1);
    expect(orders.items.get(orderId(1))?.order.status).toBe('PENDING');
  });

  it('counts orders a compensation keeps failing for as needing attention', async () => {
    const seed = [pendingSince(1, 50)];
    const { deps, compensations } = setup(seed, { [orderId(1)]: ended });
    compensations.always.ReleaseStock = namedError('StockContentionError');
    await expect(sweepPendingOrders(deps)).resolves.toMatchObject({ needsAttention: 1, compensated: 0 });
  });

  it('stops before the invocation runs out of time; what is left is found by the next run', async () => {
    const seed = [1, 2, 3, 4, 5, 6].map((n) => pendingSince(n, 50 + n));
    let remaining = 65_000;
    const { deps, reconciled } = setup(seed, Object.fromEntries(seed.map((order) => [order.orderId, ended])), {
      remainingTimeMs: () => remaining,
      reconcile: async (command) => {
        reconciled.push(command.orderId);
        remaining -= 3_000;
        return { action: 'none', reason: 'order-settled' };
      },
    });

    const result = await sweepPendingOrders(deps);

    expect(result.stoppedBy).toBe('time');
    expect(reconciled).toHaveLength(2);
  });

  it('reads the partitions a page at a time in turn, so one full partition cannot starve another', async () => {
    const seed = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => pendingSince(n, 50 + n));
    const { deps, orders } = setup(seed, Object.fromEntries(seed.map((order) => [order.orderId, { status: 'RUNNING' } as const])));
    const pages: number[] = [];
    const list = orders.listPending.bind(orders);
    orders.listPending = async (partition, ...rest) => {
      pages.push(partition);
      return list(partition, ...rest);
    };

    await sweepPendingOrders(deps);

    expect(pages.slice(0, 4)).toEqual([0, 1, 0, 1]);
  });
});
