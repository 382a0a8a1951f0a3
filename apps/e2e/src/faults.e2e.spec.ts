/**
 * The shop under faults: double clicks, an SNS outage, crashes after an effect, a throttled table,
 * executions stopped mid-saga. Faults come from the local cloud's control plane (`/_local/faults`);
 * every outcome is read back (orders, payments, stock, shipments, baskets, and the events the order
 * topic published, heard by a probe queue). The suite ends with one summary line: orders placed,
 * confirmed, cancelled, needs attention, lost, double charges, oversold, events dropped; the last
 * four must be 0.
 */
import { randomUUID } from 'node:crypto';
import { clearFaults, EventProbe, faultHits, injectFault, ssmParameter, type HeardEvent } from './support/faults';
import { api, localCloud, type Caller } from './support/http';
import {
  address,
  createProduct,
  putInBasket,
  settledOrder,
  stockOf,
  uniqueCustomer,
  uniqueSku,
  waitFor,
  type Basket,
  type CheckoutAccepted,
  type Order,
  type OrderPage,
  type Problem,
  type Payment,
} from './support/shop';

/** An order a journey placed, with what the summary needs to judge it. */
interface Placed {
  customer: Caller;
  orderId: string;
  lines: { sku: string; quantity: number }[];
  paymentToken: string;
  /** Orders placed from one basket share a group: at most one of them may be charged. */
  basket: string;
}

/** Every sku the suite stocked, with its initial stock. */
const stocked = new Map<string, number>();
const placed: Placed[] = [];
let probe: EventProbe;

async function product(label: string, stock: number): Promise<string> {
  const sku = uniqueSku(label);
  await createProduct(sku, 1000, stock);
  stocked.set(sku, stock);
  return sku;
}

/** Puts the lines in the customer's basket (before a fault is set: the basket's price read model needs the catalog's events). */
async function fill(customer: Caller, lines: { sku: string; quantity: number }[]): Promise<void> {
  for (const line of lines) await putInBasket(customer, line.sku, line.quantity);
}

/** Checks the customer's basket out with a fresh key; records the order. */
async function checkoutBasket(customer: Caller, lines: { sku: string; quantity: number }[], paymentToken = 'tok_approve'): Promise<Placed> {
  const response = await api<CheckoutAccepted>('POST', '/basket/checkout', {
    as: customer,
    headers: { 'Idempotency-Key': randomUUID() },
    body: { paymentToken, shippingAddress: address },
  });
  if (response.status !== 202) throw new Error(`checkout answered ${response.status}: ${response.text}`);
  const order = { customer, orderId: response.body.orderId, lines, paymentToken, basket: customer };
  placed.push(order);
  return order;
}

const paymentOf = async (orderId: string) => {
  const response = await api<Payment>('GET', `/payments/${orderId}`, { as: 'admin' });
  return response.status === 200 ? response.body : undefined;
};

const FINAL = new Set(['CONFIRMED', 'CANCELLED', 'NEEDS_ATTENTION']);
const EVENT_OF: Record<string, string> = {
  CONFIRMED: 'OrderConfirmed',
  CANCELLED: 'OrderCancelled',
  NEEDS_ATTENTION: 'OrderNeedsAttention',
};

beforeAll(async () => {
  probe = await EventProbe.on(await ssmParameter('/shop/local/order/topic-arn'), 'faults');
});

afterEach(async () => {
  await clearFaults();
});

describe('the shop under faults', () => {
  it('keeps every order and every event through a 20 s SNS outage while 30 customers check out', async () => {
    const skus = [await product('SNS', 100), await product('SNS', 100), await product('SNS', 100)];
    const customers = Array.from({ length: 30 }, (_, index) => ({
      customer: uniqueCustomer(`sns-${index}`),
      lines: [{ sku: skus[index % 3] ?? '', quantity: 1 }],
    }));
    await Promise.all(customers.map(({ customer, lines }) => fill(customer, lines)));
    const fault = await injectFault({ kind: 'aws', service: 'sns', operations: ['Publish'], error: 'unavailable', seconds: 20 });
    const started = Date.now();
    const orders = await Promise.all(customers.map(({ customer, lines }) => checkoutBasket(customer, lines)));

    const settled = await Promise.all(orders.map((order) => settledOrder(order.customer, order.orderId, 60_000)));
    expect(settled.map((order) => order.status)).toEqual(orders.map(() => 'CONFIRMED'));
    expect(await faultHits(fault)).toBeGreaterThan(0);

    // Every OrderConfirmed reaches shipping and basket once the outage is over.
    for (const order of orders) {
      await waitFor(
        `the shipment of ${order.orderId}`,
        () => api('GET', `/shipments/${order.orderId}`, { as: order.customer }),
        (answer) => answer.status === 200,
        {
          timeoutMs: Math.max(20_000, 45_000 - (Date.now() - started)),
        },
      );
      await waitFor(
        'the basket emptied',
        () => api<Basket>('GET', '/basket', { as: order.customer }),
        (answer) => answer.body.lines.length === 0,
      );
    }
  }, 120_000);

  it('charges once when the payment function crashes after its capture, and again on the retry', async () => {
    const sku = await product('CRASH', 5);
    const customer = uniqueCustomer('crash');
    await fill(customer, [{ sku, quantity: 2 }]);
    const fault = await injectFault({ kind: 'function', function: 'ChargePaymentFunction', mode: 'crash-after', count: 2 });
    const order = await checkoutBasket(customer, [{ sku, quantity: 2 }]);

    expect((await settledOrder(order.customer, order.orderId)).status).toBe('CONFIRMED');
    expect(await faultHits(fault)).toBe(2);
    const payment = await paymentOf(order.orderId);
    expect(payment).toEqual(expect.objectContaining({ status: 'CAPTURED', attempts: 1, amount: { amount: 2000, currency: 'EUR' } }));
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 3, reserved: 2 }));
  }, 60_000);

  it('sells exactly 5 units to 20 customers while inventory’s table is throttled', async () => {
    const sku = await product('THROTTLE', 5);
    const customers = Array.from({ length: 20 }, (_, index) => uniqueCustomer(`throttle-${index}`));
    await Promise.all(customers.map((customer) => fill(customer, [{ sku, quantity: 1 }])));
    const fault = await injectFault({ kind: 'aws', service: 'dynamodb', resource: 'inventory', error: 'throttle', seconds: 4 });
    const orders = await Promise.all(customers.map((customer) => checkoutBasket(customer, [{ sku, quantity: 1 }])));

    const settled = await Promise.all(orders.map((order) => settledOrder(order.customer, order.orderId, 60_000)));
    expect(await faultHits(fault)).toBeGreaterThan(0);
    expect(settled.filter((order) => order.status === 'CONFIRMED')).toHaveLength(5);
    expect(settled.filter((order) => order.status !== 'CONFIRMED').map((order) => [order.status, order.cancellationReason])).toEqual(
      Array.from({ length: 15 }, () => ['CANCELLED', 'OUT_OF_STOCK']),
    );
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 0, reserved: 5 }));
  }, 90_000);

  it.each([
    ['ReserveStock', false],
    ['ChargePayment', true],
  ])(
    'reconciles an execution stopped after %s: stock back, payment refunded, order final within 10 s',
    async (afterState, charged) => {
      const sku = await product(`STOP-${afterState}`, 4);
      const customer = uniqueCustomer(`stop-${afterState}`);
      await fill(customer, [{ sku, quantity: 3 }]);
      const fault = await injectFault({ kind: 'execution', stateMachine: 'Saga', afterState, action: 'stop', count: 1 });
      const order = await checkoutBasket(customer, [{ sku, quantity: 3 }]);

      const final = await settledOrder(order.customer, order.orderId, 15_000);
      expect(await faultHits(fault)).toBe(1);
      expect([final.status, final.cancellationReason]).toEqual(['CANCELLED', 'PROCESSING_FAILED']);
      const ended = final.statusHistory.at(-1)?.at ?? '';
      expect(Date.parse(ended) - Date.parse(final.statusHistory[0]?.at ?? '')).toBeLessThan(10_000);
      await waitFor(
        'the stock back',
        () => stockOf(sku),
        (stock) => stock.available === 4 && stock.reserved === 0,
        { timeoutMs: 10_000 },
      );
      const payment = await paymentOf(order.orderId);
      if (charged) expect(payment?.status).toBe('REFUNDED');
      else expect(payment?.status ?? 'none').not.toBe('CAPTURED');
    },
    60_000,
  );

  it('keeps a confirmation that landed when ConfirmOrder fails after its write on every try: nothing refunded', async () => {
    const sku = await product('CONFIRM', 3);
    const customer = uniqueCustomer('confirm');
    await fill(customer, [{ sku, quantity: 1 }]);
    const fault = await injectFault({ kind: 'function', function: 'ConfirmOrderFunction', mode: 'crash-after', count: 10 });
    const order = await checkoutBasket(customer, [{ sku, quantity: 1 }]);

    // The order reads CONFIRMED from the first try on; what matters is how the saga ends.
    expect((await settledOrder(order.customer, order.orderId)).status).toBe('CONFIRMED');
    const execution = await waitFor(
      'the saga to end',
      () => localCloud<{ status: string; path: { state: string }[] }>('GET', `/_local/executions/${order.orderId}`),
      (answer) => answer.status !== 'RUNNING',
      { timeoutMs: 40_000, intervalMs: 250 },
    );
    const states = execution.path.map((step) => step.state);
    expect([execution.status, states.filter((state) => state === 'ConfirmOrder').length > 1]).toEqual(['SUCCEEDED', true]);
    expect(states).toContain('FenceOrder');
    expect(states.filter((state) => state === 'RefundPayment' || state === 'ReleaseStock')).toEqual([]);
    expect(await faultHits(fault)).toBeGreaterThanOrEqual(2);
    const final = await settledOrder(order.customer, order.orderId);
    expect(final.status).toBe('CONFIRMED');
    expect((await paymentOf(order.orderId))?.status).toBe('CAPTURED');
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 2, reserved: 1 }));
    await waitFor(
      'the shipment',
      () => api('GET', `/shipments/${order.orderId}`, { as: order.customer }),
      (answer) => answer.status === 200,
    );
  }, 60_000);

  it('takes ten parallel checkouts with ten keys on one basket to one order', async () => {
    const sku = await product('DOUBLE', 10);
    const customer = uniqueCustomer('double');
    await fill(customer, [{ sku, quantity: 1 }]);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        api<Partial<CheckoutAccepted & Problem>>('POST', '/basket/checkout', {
          as: customer,
          headers: { 'Idempotency-Key': randomUUID() },
          body: { paymentToken: 'tok_approve', shippingAddress: address },
        }),
      ),
    );
    const accepted = answers.filter((answer) => answer.status === 202);
    expect(accepted).toHaveLength(1);
    const orderId = accepted[0]?.body.orderId ?? '';
    placed.push({ customer, orderId, lines: [{ sku, quantity: 1 }], paymentToken: 'tok_approve', basket: customer });
    expect(answers.filter((answer) => answer.status === 409).map((answer) => answer.text.includes(orderId))).toEqual(
      Array.from({ length: 9 }, () => true),
    );

    expect((await settledOrder(customer, orderId)).status).toBe('CONFIRMED');
    const orders = await api<OrderPage>('GET', '/orders', { as: customer });
    expect(orders.body.items.map((order) => order.orderId)).toEqual([orderId]);
  }, 60_000);
});

afterAll(async () => {
  // Read everything back: orders, payments, stock, shipments, baskets, and the events heard.
  const orders = await Promise.all(
    placed.map(async (entry) => ({ entry, order: (await api<Order>('GET', `/orders/${entry.orderId}`, { as: entry.customer })).body })),
  );
  const lost = orders.filter(({ order }) => !FINAL.has(order?.status ?? 'missing'));
  const count = (status: string) => orders.filter(({ order }) => order?.status === status).length;

  const byBasket = new Map<string, number>();
  let doubleCharges = 0;
  for (const { entry, order } of orders) {
    const payment = await paymentOf(entry.orderId);
    const kept = payment?.status === 'CAPTURED';
    if (kept && order.status !== 'CONFIRMED') doubleCharges += 1; // money kept for goods not sold
    if (kept && entry.paymentToken === 'tok_approve' && payment.attempts > 1) doubleCharges += 1; // the provider asked twice
    if (kept) byBasket.set(entry.basket, (byBasket.get(entry.basket) ?? 0) + 1);
  }
  for (const charges of byBasket.values()) if (charges > 1) doubleCharges += charges - 1;

  let oversold = 0;
  for (const [sku, initial] of stocked) {
    const stock = await stockOf(sku);
    const sold = orders
      .filter(({ order }) => order.status === 'CONFIRMED')
      .flatMap(({ entry }) => entry.lines)
      .filter((line) => line.sku === sku)
      .reduce((sum, line) => sum + line.quantity, 0);
    oversold += Math.max(0, sold - initial) + Math.max(0, -stock.available) + Math.max(0, stock.reserved - initial);
  }

  const expectedEvents = new Map(
    orders
      .filter(({ order }) => FINAL.has(order.status))
      .map(({ entry, order }) => [entry.orderId, order.statusHistory.slice(1).map((change) => EVENT_OF[change.status])]),
  );
  const heard = await waitFor(
    'every order event on the probe',
    () => probe.drain(),
    (events) =>
      [...expectedEvents].every(([orderId, types]) =>
        types.every((type) => events.some((event) => event.data.orderId === orderId && event.type === type)),
      ),
    { timeoutMs: 20_000 },
  ).catch(() => probe.drain());
  let eventsDropped = 0;
  for (const [orderId, types] of expectedEvents) {
    const forOrder = uniqueById(heard.filter((event) => event.data.orderId === orderId)).map((event) => event.type);
    if (JSON.stringify(forOrder) !== JSON.stringify(types))
      eventsDropped += Math.max(1, types.filter((type) => !forOrder.includes(type)).length);
  }
  for (const { entry } of orders.filter(({ order }) => order.status === 'CONFIRMED')) {
    if ((await api('GET', `/shipments/${entry.orderId}`, { as: entry.customer })).status !== 200) eventsDropped += 1;
  }
  await probe.close();

  const summary = {
    placed: placed.length,
    confirmed: count('CONFIRMED'),
    cancelled: count('CANCELLED'),
    needsAttention: count('NEEDS_ATTENTION'),
    lost: lost.length,
    doubleCharges,
    oversold,
    eventsDropped,
  };
  process.stdout.write(
    `faults: orders placed ${summary.placed}, confirmed ${summary.confirmed}, cancelled ${summary.cancelled}, needs attention ${summary.needsAttention}, ` +
      `lost ${summary.lost}, double charges ${summary.doubleCharges}, oversold ${summary.oversold}, events dropped ${summary.eventsDropped}\n`,
  );
  expect({ lost: summary.lost, doubleCharges, oversold, eventsDropped }).toEqual({
    lost: 0,
    doubleCharges: 0,
    oversold: 0,
    eventsDropped: 0,
  });
}, 60_000);

/** Events in arrival order, each id once (a relay may publish an event again; consumers deduplicate). */
function uniqueById(events: HeardEvent[]): HeardEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.id) && seen.add(event.id));
}
