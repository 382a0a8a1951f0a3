/**
 * The checkout journeys over HTTP against the local cloud: basket → PlaceOrder (SQS) → order →
 * saga (Step Functions: inventory, payment) → OrderConfirmed / OrderCancelled → shipping, basket.
 * Every journey uses its own skus and customers, so they do not depend on each other's data.
 */
import { randomUUID } from 'node:crypto';
import { api } from './support/http';
import {
  checkout,
  createProduct,
  putInBasket,
  settledOrder,
  stockOf,
  uniqueCustomer,
  uniqueSku,
  waitFor,
  type Basket,
  type OrderPage,
  type Shipment,
  type Payment,
} from './support/shop';

describe('checkout journeys', () => {
  it('confirms a paid order: stock taken, one payment captured for the total, one shipment, basket emptied', async () => {
    const [mug, tea] = [uniqueSku('HAPPY'), uniqueSku('HAPPY')];
    await createProduct(mug, 1299, 10);
    await createProduct(tea, 500, 5);
    const customer = uniqueCustomer('happy');
    await putInBasket(customer, mug, 2);
    const basket = await putInBasket(customer, tea, 1);
    expect(basket.total).toEqual({ amount: 2 * 1299 + 500, currency: 'EUR' });

    const orderId = await checkout(customer, 'tok_approve');
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);

    const order = await settledOrder(customer, orderId);
    expect(order.status).toBe('CONFIRMED');
    expect(order.total).toEqual({ amount: 3098, currency: 'EUR' });
    expect(order.lines.map(({ sku, quantity }) => ({ sku, quantity }))).toEqual(
      expect.arrayContaining([
        { sku: mug, quantity: 2 },
        { sku: tea, quantity: 1 },
      ]),
    );
    expect(order.statusHistory.map((entry) => entry.status)).toEqual(['PENDING', 'CONFIRMED']);

    expect(await stockOf(mug)).toEqual(expect.objectContaining({ available: 8, reserved: 2 }));
    expect(await stockOf(tea)).toEqual(expect.objectContaining({ available: 4, reserved: 1 }));

    const payment = await api<Payment>('GET', `/payments/${orderId}`, { as: 'admin' });
    expect(payment.status).toBe(200);
    expect(payment.body).toEqual(
      expect.objectContaining({ orderId, status: 'CAPTURED', amount: { amount: 3098, currency: 'EUR' }, attempts: 1 }),
    );

    const shipment = await waitFor(
      'the shipment',
      () => api<Shipment>('GET', `/shipments/${orderId}`, { as: customer }),
      (answer) => answer.status === 200,
    );
    expect(shipment.body.orderId).toBe(orderId);
    expect(shipment.body.lines).toEqual(
      expect.arrayContaining([
        { sku: mug, quantity: 2 },
        { sku: tea, quantity: 1 },
      ]),
    );

    const emptied = await waitFor(
      'the basket to be emptied by OrderConfirmed',
      () => api<Basket>('GET', '/basket', { as: customer }),
      (answer) => answer.status === 200 && answer.body.lines.length === 0,
    );
    expect(emptied.body.total.amount).toBe(0);
  });

  it('cancels a declined payment (PAYMENT_DECLINED): stock back where it was, no shipment', async () => {
    const sku = uniqueSku('DECLINE');
    await createProduct(sku, 700, 6);
    const customer = uniqueCustomer('decline');
    await putInBasket(customer, sku, 2);

    const orderId = await checkout(customer, 'tok_decline');
    const order = await settledOrder(customer, orderId);
    expect([order.status, order.cancellationReason]).toEqual(['CANCELLED', 'PAYMENT_DECLINED']);

    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 6, reserved: 0 }));
    const payment = await api<Payment>('GET', `/payments/${orderId}`, { as: 'admin' });
    expect(payment.body.status).toBe('DECLINED');
    expect((await api('GET', `/shipments/${orderId}`, { as: customer })).status).toBe(404);
    // the basket is kept: only OrderConfirmed empties it
    expect((await api<Basket>('GET', '/basket', { as: customer })).body.lines.map((line) => line.sku)).toEqual([sku]);
  });

  it('cancels an order the stock cannot cover (OUT_OF_STOCK) without charging', async () => {
    const sku = uniqueSku('SHORT');
    await createProduct(sku, 900, 1);
    const customer = uniqueCustomer('short');
    await putInBasket(customer, sku, 2);

    const orderId = await checkout(customer, 'tok_approve');
    const order = await settledOrder(customer, orderId);
    expect([order.status, order.cancellationReason]).toEqual(['CANCELLED', 'OUT_OF_STOCK']);

    expect((await api('GET', `/payments/${orderId}`, { as: 'admin' })).status).toBe(404);
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 1, reserved: 0 }));
    expect((await api('GET', `/shipments/${orderId}`, { as: customer })).status).toBe(404);
  });

  it('confirms after two transient provider failures, with exactly one charge', async () => {
    const sku = uniqueSku('FLAKY');
    await createProduct(sku, 1500, 3);
    const customer = uniqueCustomer('flaky');
    await putInBasket(customer, sku, 1);

    const orderId = await checkout(customer, 'tok_transient_2');
    const order = await settledOrder(customer, orderId);
    expect(order.status).toBe('CONFIRMED');

    const payment = await api<Payment>('GET', `/payments/${orderId}`, { as: 'admin' });
    // one payment per order; the provider was asked three times (two transient failures, then approved)
    expect(payment.body).toEqual(expect.objectContaining({ status: 'CAPTURED', amount: { amount: 1500, currency: 'EUR' }, attempts: 3 }));
    expect(payment.body.captureId).toEqual(expect.any(String));
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 2, reserved: 1 }));
  });

  it('answers the same orderId to a checkout repeated with one Idempotency-Key, and places one order', async () => {
    const sku = uniqueSku('TWICE');
    await createProduct(sku, 400, 5);
    const customer = uniqueCustomer('twice');
    await putInBasket(customer, sku, 1);

    const key = randomUUID();
    const [first, second] = await Promise.all([checkout(customer, 'tok_approve', key), checkout(customer, 'tok_approve', key)]);
    expect(second).toBe(first);
    expect(await checkout(customer, 'tok_approve', key)).toBe(first);

    expect((await settledOrder(customer, first)).status).toBe('CONFIRMED');
    const orders = await api<OrderPage>('GET', '/orders', { as: customer });
    expect(orders.body.items.map((order) => order.orderId)).toEqual([first]);
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 4, reserved: 1 }));
    expect((await api<Payment>('GET', `/payments/${first}`, { as: 'admin' })).body.attempts).toBe(1);
  });

  it('sells the last 10 units to exactly 10 of 40 customers checking out at once; stock ends at 0', async () => {
    const sku = uniqueSku('RUSH');
    await createProduct(sku, 250, 10);
    const customers = Array.from({ length: 40 }, (_, n) => uniqueCustomer(`rush${n}`));
    await putInBasket(customers[0], sku, 1);
    await Promise.all(customers.slice(1).map((customer) => putInBasket(customer, sku, 1)));

    const orderIds = await Promise.all(customers.map((customer) => checkout(customer, 'tok_approve')));
    expect(new Set(orderIds).size).toBe(40);
    const orders = await Promise.all(orderIds.map((orderId, n) => settledOrder(customers[n], orderId, 60_000)));

    const outcomes = orders.map((order) => `${order.status}${order.cancellationReason ? `:${order.cancellationReason}` : ''}`);
    expect(outcomes.filter((outcome) => outcome === 'CONFIRMED')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === 'CANCELLED:OUT_OF_STOCK')).toHaveLength(30);
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 0, reserved: 10 }));
  }, 90_000);
});
