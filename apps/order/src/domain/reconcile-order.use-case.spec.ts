import { transitionOrder, type Order } from './order';
import { reconcileOrder, type ReconcileOrderDeps } from './reconcile-order.use-case';
import { FakeCompensations, namedError } from './testing/fake-compensations';
import { InMemoryOrderRepository } from './testing/in-memory-order.repository';
import { ORDER_ID, pendingOrder, RECEIVED_AT } from './testing/order-fixtures';

const NOW = new Date('2025-03-01T10:40:00.000Z');
const GRACE_MS = 25_000;

const setup = (seed: Order[] = [pendingOrder()]) => {
  const orders = new InMemoryOrderRepository(seed);
  const compensations = new FakeCompensations().holding(ORDER_ID);
  const waits: number[] = [];
  const deps: ReconcileOrderDeps = {
    orders,
    compensations,
    clock: { now: () => NOW },
    sleep: async (ms) => void waits.push(ms),
    inFlightGraceMs: GRACE_MS,
  };
  return { orders, compensations, waits, deps, stored: () => orders.items.get(ORDER_ID) };
};

const failedAt = (stoppedAt = new Date(NOW.getTime() - 60_000)) => ({ status: 'FAILED' as const, stoppedAt });
const at = new Date(RECEIVED_AT);
const confirmed = () => transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, at).order;
const cancelledFor = (reason: 'OUT_OF_STOCK' | 'PROCESSING_FAILED') =>
  transitionOrder(pendingOrder(), { status: 'CANCELLED', reason }, at).order;

describe('reconcileOrder', () => {
  it("fences a PENDING order CANCELLED PROCESSING_FAILED, then refunds and releases, with the order's correlation id", async () => {
    const { orders, compensations, deps, stored } = setup();

    const outcome = await reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() });

    expect(outcome).toEqual({
      action: 'compensated',
      fenced: true,
      flagged: false,
      status: 'CANCELLED',
      passes: 1,
      compensations: [
        { name: 'RefundPayment', undone: true },
        { name: 'ReleaseStock', undone: true },
      ],
    });
    expect(stored()?.order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PROCESSING_FAILED' });
    expect(stored()?.correlationId).toBe('seed');
    expect(compensations.calls.map((call) => [call.name, call.correlationId])).toEqual([
      ['RefundPayment', 'seed'],
      ['ReleaseStock', 'seed'],
    ]);
    expect(compensations.charged.size + compensations.reserved.size).toBe(0);
    // The fence comes first: nothing is compensated before the order can no longer be confirmed;
    // the order leaves the sweep's sight only once both compensations are done.
    expect(orders.calls).toEqual(['getStored', 'fence', 'settle']);
    await expect(orders.listPending(orders.partitionOf(ORDER_ID), NOW.toISOString(), 10)).resolves.toEqual({ items: [] });
  });

  it("leaves an order the fence cancelled in the sweep's sight when a compensation fails, until it is flagged", async () => {
    const { orders, compensations, deps } = setup();
    const listed = async () =>
      (await orders.listPending(orders.partitionOf(ORDER_ID), NOW.toISOString(), 10)).items.map((s) => s.order.status);
    const fence = orders.fence.bind(orders);
    let afterFence: string[] = [];
    orders.fence = async (...args) => {
      const result = await fence(...args);
      afterFence = await listed();
      return result;
    };
    compensations.always.ReleaseStock = namedError('StockContentionError');

    await reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() });

    expect(afterFence).toEqual(['CANCELLED']);
    expect(orders.calls).not.toContain('settle');
    await expect(listed()).resolves.toEqual([]); // flagged NEEDS_ATTENTION: in an operator's hands
  });

  it('leaves a CONFIRMED order alone: no write, no refund, no release', async () => {
    const { orders, compensations, deps, stored } = setup([confirmed()]);

    await expect(reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() })).resolves.toEqual({
      action: 'none',
      reason: 'order-settled',
      status: 'CONFIRMED',
    });
    expect(orders.writes).toEqual([]);
    expect(compensations.calls).toEqual([]);
    expect(stored()?.order).toEqual(confirmed());
  });

  it('leaves an order cancelled for a business reason alone (the saga compensated it)', async () => {
    const { compensations, deps } = setup([cancelledFor('OUT_OF_STOCK')]);
    await expect(reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() })).resolves.toMatchObject({
      action: 'none',
      status: 'CANCELLED',
    });
    expect(compensations.calls).toEqual([]);
  });

  it('loses the race to a confirmation that landed just before the fence, and undoes nothing', async () => {
    const { orders, compensations, deps } = setup();
    // The order is read PENDING, then confirmed before the fence's conditional write.
    const fence = orders.fence.bind(orders);
    orders.fence = async (...args) => {
      await orders.changeStatus(ORDER_ID, { status: 'CONFIRMED' }, at, { correlationId: 'late-confirm' });
      return fence(...args);
    };

    await expect(reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() })).resolves.toMatchObject({
      action: 'none',
      status: 'CONFIRMED',
    });
    expect(compensations.calls).toEqual([]);
  });

  it('redoes only the idempotent compensations on a re-run after a crash between the fence and them', async () => {
    const { orders, compensations, deps } = setup([cancelledFor('PROCESSING_FAILED')]);

    const outcome = await reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() });
    const again = await reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() });

    expect(outcome).toMatchObject({ action: 'compensated', fenced: false, compensations: [{ undone: true }, { undone: true }] });
    expect(again).toMatchObject({ action: 'compensated', fenced: false, compensations: [{ undone: false }, { undone: false }] });
    expect(orders.writes).toEqual([]);
    expect(compensations.calls).toHaveLength(4);
  });

  it('compensates an order the saga fenced NEEDS_ATTENTION and stopped before compensating', async () => {
    const flagged = transitionOrder(pendingOrder(), { status: 'NEEDS_ATTENTION', reason: 'Sandbox.Timedout' }, at).order;
    const { compensations, deps, stored } = setup([flagged]);

    const execution = { status: 'ABORTED', stoppedAt: new Date(NOW.getTime() - GRACE_MS) } as const;
    await expect(reconcileOrder(deps, { orderId: ORDER_ID, execution })).resolves.toMatchObject({
      action: 'compensated',
      status: 'NEEDS_ATTENTION',
      fenced: false,
    });
    expect(compensations.charged.size + compensations.reserved.size).toBe(0);
    expect(stored()?.order).toEqual(flagged);
  });

  it('never compensates an order flagged NEEDS_ATTENTION after it was confirmed', async () => {
    const flagged = transitionOrder(confirmed(), { status: 'NEEDS_ATTENTION', reason: 'X' }, at).order;
    const { compensations, deps } = setup([flagged]);
    await expect(reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() })).resolves.toMatchObject({ action: 'none' });
    expect(compensations.calls).toEqual([]);
  });

  it('flags the order NEEDS_ATTENTION when a compensation still fails, and still releases the stock', async () => {
    const { compensations, deps, stored } = setup();
    compensations.always.RefundPayment = namedError('PaymentProviderUnavailableError');

    const outcome = await reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() });

    expect(outcome).toMatchObject({
      action: 'needs-attention',
      fenced: true,
      flagged: true,
      status: 'NEEDS_ATTENTION',
      compensations: [
        { name: 'RefundPayment', error: 'PaymentProviderUnavailableError' },
        { name: 'ReleaseStock', undone: true },
      ],
    });
    expect(stored()?.order.statusHistory.map((change) => [change.status, change.reason])).toEqual([
      ['PENDING', undefined],
      ['CANCELLED', 'PROCESSING_FAILED'],
      ['NEEDS_ATTENTION', 'PaymentProviderUnavailableError'],
    ]);
    expect(compensations.reserved.size).toBe(0);
  });

  it('compensates again once a Task of a timed-out execution can no longer land (a charge that landed after the first refund)', async () => {
    const { compensations, waits, deps } = setup();
    const stoppedAt = new Date(NOW.getTime() - 5_000);
    // The first refund finds nothing; the in-flight charge captures right after it.
    compensations.charged.delete(ORDER_ID);
    const refund = compensations.refundPayment.bind(compensations);
    let first = true;
    compensations.refundPayment = async (...args) => {
      const result = await refund(...args);
      if (first) compensations.charged.add(ORDER_ID);
      first = false;
      return result;
    };

    const outcome = await reconcileOrder(deps, { orderId: ORDER_ID, execution: { status: 'TIMED_OUT', stoppedAt } });

    expect(waits).toEqual([GRACE_MS - 5_000]);
    expect(outcome).toMatchObject({
      action: 'compensated',
      passes: 2,
      compensations: [{ name: 'RefundPayment', undone: true }, { undone: false }],
    });
    expect(compensations.charged.size + compensations.reserved.size).toBe(0);
  });

  it('does not wait after a FAILED execution (no Task is left running) or once the grace has passed', async () => {
    const { waits, deps } = setup();
    await reconcileOrder(deps, { orderId: ORDER_ID, execution: { status: 'FAILED', stoppedAt: NOW } });
    await reconcileOrder(deps, { orderId: ORDER_ID, execution: { status: 'ABORTED', stoppedAt: new Date(NOW.getTime() - GRACE_MS - 1) } });
    expect(waits).toEqual([]);
  });

  it('reconciles an order whose saga was never started', async () => {
    const { deps, stored } = setup();
    await expect(reconcileOrder(deps, { orderId: ORDER_ID, execution: { status: 'NOT_FOUND' } })).resolves.toMatchObject({
      action: 'compensated',
    });
    expect(stored()?.order.status).toBe('CANCELLED');
  });

  it('does nothing while the execution still runs, or for an order that does not exist', async () => {
    const { orders, compensations, deps } = setup();
    await expect(reconcileOrder(deps, { orderId: ORDER_ID, execution: { status: 'RUNNING' } })).resolves.toEqual({
      action: 'none',
      reason: 'execution-running',
    });
    await expect(reconcileOrder(deps, { orderId: '00000000-0000-4000-8000-000000000000', execution: failedAt() })).resolves.toEqual({
      action: 'none',
      reason: 'order-not-found',
    });
    expect(orders.writes).toEqual([]);
    expect(compensations.calls).toEqual([]);
  });

  it('lets a failing table write through, so the whole run is retried', async () => {
    const { orders, compensations, deps } = setup();
    orders.fence = async () => {
      throw namedError('ProvisionedThroughputExceededException');
    };
    await expect(reconcileOrder(deps, { orderId: ORDER_ID, execution: failedAt() })).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
    expect(compensations.calls).toEqual([]);
  });
});
