import { nameBasedId } from '@shop/domain';
import { PlaceOrderSchema } from '@shop/order-contracts';
import { pendingOrderFor, withPendingOrder, withQuantity } from './basket';
import { checkout, checkoutFingerprint, type CheckoutDeps } from './checkout.use-case';
import {
  BasketChangedError,
  BasketLinesUnavailableError,
  CheckoutAlreadyClaimedError,
  EmptyBasketError,
  IdempotencyKeyReusedError,
  OrderPendingError,
} from './errors';
import type { CheckoutRecord, CheckoutRepository } from './ports';
import { releasePendingOrder } from './release-pending-order.use-case';
import { MAX_SAVE_ATTEMPTS } from './set-item-quantity.use-case';
import { basketOf, checkoutInput, CUSTOMER, entry, mugPlaceOrder, OTHER_CUSTOMER } from './testing/fixtures';
import {
  fixedClock,
  InMemoryBasketRepository,
  InMemoryCheckoutRepository,
  InMemoryPriceCatalog,
  RecordingOrderSender,
  sequentialIds,
} from './testing/in-memory';

const ORDER_1 = '00000000-0000-4000-8000-000000000001';
const ORDER_2 = '00000000-0000-4000-8000-000000000002';
const OTHER_ORDER = '00000000-0000-4000-8000-0000000000ff';
const NOW = '2025-03-01T12:00:00.000Z';

const setup = (options: { lines?: Record<string, number>; sendFailures?: number } = {}) => {
  const baskets = new InMemoryBasketRepository([basketOf(options.lines ?? { 'MUG-001': 2, 'TEA-001': 1 })]);
  const catalog = new InMemoryPriceCatalog([
    entry(),
    entry({ sku: 'TEA-001', name: 'Tea', price: { amount: 450, currency: 'EUR' } }),
    entry({ sku: 'GONE-1', deleted: true }),
    entry({ sku: 'USD-001', price: { amount: 100, currency: 'USD' } }),
  ]);
  const checkouts = new InMemoryCheckoutRepository(baskets);
  const orders = new RecordingOrderSender(options.sendFailures);
  const deps: CheckoutDeps = { catalog, checkouts, orders, clock: fixedClock(NOW), ids: sequentialIds() };
  return { baskets, catalog, checkouts, orders, deps };
};
const request = (overrides: Partial<Parameters<typeof checkout>[1]> = {}) => ({
  customerId: CUSTOMER,
  idempotencyKey: 'key-1',
  input: checkoutInput(),
  correlationId: 'corr-checkout',
  ...overrides,
});

// `checkouts`, except that `meanwhile` runs between the checkout's read and its first claim (a
// concurrent request or change of the basket). Test code only.
const racingFirstClaim = (
  checkouts: InMemoryCheckoutRepository,
  meanwhile: () => Promise<void>,
): CheckoutRepository & { claims: number } => {
  const racing = {
    claims: 0,
    loadContext: checkouts.loadContext.bind(checkouts),
    get: checkouts.get.bind(checkouts),
    claim: async (...args: Parameters<CheckoutRepository['claim']>) => {
      racing.claims += 1;
      if (racing.claims === 1) await meanwhile();
      return checkouts.claim(...args);
    },
  };
  return racing;
};

// Another checkout of the customer's basket, with another key, claimed and locked as the API would.
const otherCheckoutLocks = async (
  baskets: InMemoryBasketRepository,
  checkouts: InMemoryCheckoutRepository,
  idempotencyKey = 'key-other',
) => {
  const record: CheckoutRecord = {
    customerId: CUSTOMER,
    idempotencyKey,
    fingerprint: checkoutFingerprint(checkoutInput()),
    orderId: OTHER_ORDER,
    command: mugPlaceOrder(OTHER_ORDER, { correlationId: 'corr-other', id: nameBasedId(`PlaceOrder#${OTHER_ORDER}`), time: NOW }),
    createdAt: NOW,
  };
  await checkouts.claim(record, withPendingOrder(await baskets.get(CUSTOMER), pendingOrderFor(OTHER_ORDER, idempotencyKey, new Date(NOW))));
  return record;
};

describe('checkout', () => {
  it('sends one PlaceOrder with lines priced by the read model and answers with the new order id', async () => {
    const { orders, checkouts, deps } = setup();

    await expect(checkout(deps, request())).resolves.toEqual({ orderId: ORDER_1, replayed: false });

    expect(orders.sent).toEqual([
      {
        id: nameBasedId(`PlaceOrder#${ORDER_1}`),
        type: 'PlaceOrder',
        version: 1,
        source: 'basket',
        time: NOW,
        correlationId: 'corr-checkout',
        data: {
          orderId: ORDER_1,
          customerId: CUSTOMER,
          lines: [
            { sku: 'MUG-001', name: 'Mug', quantity: 2, unitPrice: { amount: 1299, currency: 'EUR' } },
            { sku: 'TEA-001', name: 'Tea', quantity: 1, unitPrice: { amount: 450, currency: 'EUR' } },
          ],
          total: { amount: 3048, currency: 'EUR' },
          paymentToken: 'tok_approve',
          shippingAddress: checkoutInput().shippingAddress,
          placedAt: NOW,
        },
      },
    ]);
    expect(PlaceOrderSchema.safeParse(orders.sent[0]).success).toBe(true);
    // Stored before it was sent, exactly as sent: later requests with the key send it again.
    expect(await checkouts.get(CUSTOMER, 'key-1')).toEqual({
      customerId: CUSTOMER,
      idempotencyKey: 'key-1',
      fingerprint: checkoutFingerprint(checkoutInput()),
      orderId: ORDER_1,
      command: orders.sent[0],
      createdAt: NOW,
    });
  });

  it('locks the basket for the order with the claim of the key, leaving its lines (removed on OrderConfirmed)', async () => {
    const { baskets, deps } = setup();

    await checkout(deps, request());

    expect(await baskets.get(CUSTOMER)).toEqual({
      ...basketOf({ 'MUG-001': 2, 'TEA-001': 1 }),
      pendingOrder: { orderId: ORDER_1, idempotencyKey: 'key-1', placedAt: NOW, expiresAt: '2025-03-01T13:00:00.000Z' },
      updatedAt: NOW,
      version: 2,
    });
  });

  it('reads the earlier request and the basket once, together, before deciding', async () => {
    const { checkouts, deps } = setup();
    const loadContext = jest.spyOn(checkouts, 'loadContext');
    const get = jest.spyOn(checkouts, 'get');

    await checkout(deps, request());
    await checkout(deps, request());

    expect(loadContext.mock.calls).toEqual([
      [CUSTOMER, 'key-1'],
      [CUSTOMER, 'key-1'],
    ]);
    expect(get).not.toHaveBeenCalled(); // only a lost claim race without the winner's record reads it again
  });

  it('answers the same key again with the same order and sends the same stored command again while the order holds the basket', async () => {
    const { orders, deps } = setup();
    await checkout(deps, request());
    const [first] = orders.sent;

    await expect(checkout(deps, request({ correlationId: 'corr-retry' }))).resolves.toEqual({ orderId: ORDER_1, replayed: true });
    await expect(checkout(deps, request())).resolves.toEqual({ orderId: ORDER_1, replayed: true });

    // The very command of the first request (envelope id, time, correlation id, data), not a new one.
    expect(orders.sent).toEqual([first, first, first]);
    expect(orders.sent[1]?.id).toBe(nameBasedId(`PlaceOrder#${ORDER_1}`));
  });

  it('answers the same key with the same order even after the basket was emptied', async () => {
    const { baskets, orders, deps } = setup();
    await checkout(deps, request());
    const locked = await baskets.get(CUSTOMER);
    await baskets.save({ ...locked, lines: [] }, locked.version);

    await expect(checkout(deps, request())).resolves.toEqual({ orderId: ORDER_1, replayed: true });
    expect(orders.sent.map((command) => command.data.orderId)).toEqual([ORDER_1, ORDER_1]);
  });

  it('refuses a checkout with another key while the order is in flight, naming it, and stores and sends nothing', async () => {
    const { baskets, checkouts, orders, deps } = setup();
    await checkout(deps, request());
    const locked = await baskets.get(CUSTOMER);

    const error = await checkout(deps, request({ idempotencyKey: 'key-2' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OrderPendingError);
    expect(error).toMatchObject({ orderId: ORDER_1 });
    expect(orders.sent.map((command) => command.data.orderId)).toEqual([ORDER_1]);
    expect([...checkouts.records.keys()]).toEqual([`${CUSTOMER}/key-1`]);
    expect(await baskets.get(CUSTOMER)).toEqual(locked);
    // The key of the order in flight still answers 202 with its order.
    await expect(checkout(deps, request())).resolves.toEqual({ orderId: ORDER_1, replayed: true });
  });

  it('refuses another key also when the basket was emptied meanwhile: the order in flight is named first', async () => {
    const { baskets, deps } = setup();
    await checkout(deps, request());
    const locked = await baskets.get(CUSTOMER);
    await baskets.save({ ...locked, lines: [] }, locked.version);

    await expect(checkout(deps, request({ idempotencyKey: 'key-2' }))).rejects.toMatchObject({
      name: 'OrderPendingError',
      orderId: ORDER_1,
    });
  });

  it('places the next order with a new key once the order ended and freed the basket', async () => {
    const { baskets, orders, deps } = setup();
    await checkout(deps, request());
    await releasePendingOrder({ baskets, clock: deps.clock }, { orderId: ORDER_1, customerId: CUSTOMER });

    await expect(checkout(deps, request({ idempotencyKey: 'key-2' }))).resolves.toEqual({ orderId: ORDER_2, replayed: false });
    expect(orders.sent.map((command) => command.data.orderId)).toEqual([ORDER_1, ORDER_2]);
    expect((await baskets.get(CUSTOMER)).pendingOrder).toMatchObject({ orderId: ORDER_2, idempotencyKey: 'key-2' });
  });

  it('places the next order with a new key once the lease of an order that never ended ran out', async () => {
    const { baskets, orders, deps } = setup();
    await checkout(deps, request());

    const justBefore = { ...deps, clock: fixedClock('2025-03-01T12:59:59.999Z') };
    await expect(checkout(justBefore, request({ idempotencyKey: 'key-2' }))).rejects.toBeInstanceOf(OrderPendingError);
    const anHourLater = { ...deps, clock: fixedClock('2025-03-01T13:00:00.000Z') };
    await expect(checkout(anHourLater, request({ idempotencyKey: 'key-2' }))).resolves.toEqual({ orderId: ORDER_2, replayed: false });

    expect(orders.sent.map((command) => command.data.orderId)).toEqual([ORDER_1, ORDER_2]);
    expect((await baskets.get(CUSTOMER)).pendingOrder).toEqual({
      orderId: ORDER_2,
      idempotencyKey: 'key-2',
      placedAt: '2025-03-01T13:00:00.000Z',
      expiresAt: '2025-03-01T14:00:00.000Z',
    });
  });

  it('answers a replay whose order no longer holds the basket with its order, sending nothing', async () => {
    const { baskets, orders, deps } = setup();
    await checkout(deps, request());
    await releasePendingOrder({ baskets, clock: deps.clock }, { orderId: ORDER_1, customerId: CUSTOMER });

    // Ended: the order exists, nothing to send.
    await expect(checkout(deps, request())).resolves.toEqual({ orderId: ORDER_1, replayed: true });
    // Another order holds the basket now: sending the old command could put a second order in flight.
    await checkout(deps, request({ idempotencyKey: 'key-2' }));
    await expect(checkout(deps, request())).resolves.toEqual({ orderId: ORDER_1, replayed: true });
    // Lease run out, the lock still its own: the order may never have been created, and creating it
    // now would not hold the basket.
    const anHourLater = { ...deps, clock: fixedClock('2025-03-01T13:00:00.000Z') };
    await expect(checkout(anHourLater, request({ idempotencyKey: 'key-2' }))).resolves.toEqual({ orderId: ORDER_2, replayed: true });

    expect(orders.sent.map((command) => command.data.orderId)).toEqual([ORDER_1, ORDER_2]);
  });

  it('scopes keys and baskets to the customer', async () => {
    const { baskets, orders, deps } = setup();
    await baskets.save({ ...basketOf({ 'MUG-001': 1 }), customerId: OTHER_CUSTOMER, version: 0 }, 0);
    await checkout(deps, request());

    await expect(checkout(deps, request({ customerId: OTHER_CUSTOMER }))).resolves.toEqual({ orderId: ORDER_2, replayed: false });
    expect(orders.sent.map((command) => command.data.customerId)).toEqual([CUSTOMER, OTHER_CUSTOMER]);
  });

  it('refuses a key reused for a different request', async () => {
    const { orders, deps } = setup();
    await checkout(deps, request());

    await expect(checkout(deps, request({ input: { ...checkoutInput(), paymentToken: 'tok_decline' } }))).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(orders.sent).toHaveLength(1);
  });

  it('refuses an empty basket and remembers nothing', async () => {
    const { baskets, checkouts, orders, deps } = setup({ lines: {} });

    await expect(checkout(deps, request())).rejects.toBeInstanceOf(EmptyBasketError);
    expect(orders.sent).toEqual([]);
    expect(checkouts.records.size).toBe(0);
    expect((await baskets.get(CUSTOMER)).pendingOrder).toBeUndefined();
  });

  it('refuses a basket holding products that cannot be bought now, naming them', async () => {
    const { baskets, orders, checkouts, deps } = setup({ lines: { 'MUG-001': 1, 'GONE-1': 1, 'USD-001': 1 } });

    const error = await checkout(deps, request()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BasketLinesUnavailableError);
    expect(error).toMatchObject({
      issues: [
        { field: 'lines.GONE-1', message: 'GONE-1 is not for sale (unknown or deleted product).' },
        { field: 'lines.USD-001', message: 'USD-001 is now priced in another currency than the rest of the basket.' },
      ],
    });
    expect(orders.sent).toEqual([]);
    expect(checkouts.records.size).toBe(0);
    expect((await baskets.get(CUSTOMER)).pendingOrder).toBeUndefined();
  });

  it('re-reads prices at checkout', async () => {
    const { catalog, orders, deps } = setup({ lines: { 'MUG-001': 1 } });
    await catalog.apply(entry({ version: 2, price: { amount: 1500, currency: 'EUR' } }));

    await checkout(deps, request());

    expect(orders.sent[0]?.data.total).toEqual({ amount: 1500, currency: 'EUR' });
  });

  it('sends the stored command on a retry when the first send failed, with the same order id', async () => {
    const { orders, checkouts, deps } = setup({ sendFailures: 1 });

    await expect(checkout(deps, request())).rejects.toThrow('SQS unavailable');
    const stored = await checkouts.get(CUSTOMER, 'key-1');
    expect(stored).toMatchObject({ orderId: ORDER_1 });

    await expect(checkout(deps, request())).resolves.toEqual({ orderId: ORDER_1, replayed: true });
    expect(orders.sent).toEqual([stored?.command]);
  });

  it("answers with the winner of a concurrent request with the same key, sending the winner's command", async () => {
    const { baskets, checkouts, orders, deps } = setup();
    let winnerRecord: CheckoutRecord | undefined;
    const racing = racingFirstClaim(checkouts, async () => {
      // The other request claimed this key (and locked the basket) between our read and our claim.
      winnerRecord = await otherCheckoutLocks(baskets, checkouts, 'key-1');
    });

    await expect(checkout({ ...deps, checkouts: racing }, request())).resolves.toEqual({ orderId: OTHER_ORDER, replayed: true });
    // Ours (ORDER_1) was never stored, so never sent; the winner's may reach the queue twice.
    expect(orders.sent).toEqual([winnerRecord?.command]);
    expect(racing.claims).toBe(1);
  });

  it("reads the winner's record when the refused claim did not return it", async () => {
    const { checkouts, orders, deps } = setup();
    const winnerCommand = mugPlaceOrder(ORDER_2, { correlationId: 'corr-winner', id: nameBasedId(`PlaceOrder#${ORDER_2}`), time: NOW });
    const racing = {
      loadContext: checkouts.loadContext.bind(checkouts),
      get: checkouts.get.bind(checkouts),
      claim: jest.fn(async () => {
        checkouts.records.set(`${CUSTOMER}/key-1`, {
          customerId: CUSTOMER,
          idempotencyKey: 'key-1',
          fingerprint: checkoutFingerprint(checkoutInput()),
          orderId: ORDER_2,
          command: winnerCommand,
          createdAt: NOW,
        });
        throw new CheckoutAlreadyClaimedError(CUSTOMER, 'key-1');
      }),
    };

    await expect(checkout({ ...deps, checkouts: racing }, request())).resolves.toEqual({ orderId: ORDER_2, replayed: true });
    expect(orders.sent).toEqual([winnerCommand]);
  });

  it('answers 409 naming the order of another key that locked the basket between the read and the claim', async () => {
    const { baskets, checkouts, orders, deps } = setup();
    const racing = racingFirstClaim(checkouts, async () => void (await otherCheckoutLocks(baskets, checkouts)));

    await expect(checkout({ ...deps, checkouts: racing }, request())).rejects.toMatchObject({
      name: 'OrderPendingError',
      orderId: OTHER_ORDER,
    });

    expect(racing.claims).toBe(1); // decided from what the refused claim found, without another read
    expect(orders.sent).toEqual([]);
    expect([...checkouts.records.keys()]).toEqual([`${CUSTOMER}/key-other`]);
    expect((await baskets.get(CUSTOMER)).pendingOrder?.orderId).toBe(OTHER_ORDER);
  });

  it('checks out again from a fresh read when the customer changed the basket between the read and the claim', async () => {
    const { baskets, checkouts, orders, deps } = setup({ lines: { 'MUG-001': 1 } });
    const racing = racingFirstClaim(checkouts, async () => {
      const basket = await baskets.get(CUSTOMER);
      await baskets.save(withQuantity(basket, 'TEA-001', 2, new Date(NOW)), basket.version);
    });

    await expect(checkout({ ...deps, checkouts: racing }, request())).resolves.toEqual({ orderId: ORDER_1, replayed: false });

    expect(racing.claims).toBe(2);
    // The order is the basket as locked: with the line set meanwhile.
    expect(orders.sent.map((command) => command.data.lines.map((line) => [line.sku, line.quantity]))).toEqual([
      [
        ['MUG-001', 1],
        ['TEA-001', 2],
      ],
    ]);
    expect(await baskets.get(CUSTOMER)).toMatchObject({ version: 3, pendingOrder: { orderId: ORDER_1 } });
  });

  it('replays the order of its own key when a claim with the same key locked the basket first', async () => {
    const { baskets, checkouts, orders, deps } = setup();
    let winnerRecord: CheckoutRecord | undefined;
    // As after a transaction conflict on the key's record: the claim fails on the basket, which a
    // request with the same key locked; the next round reads that request's record.
    const racing = {
      claims: 0,
      loadContext: checkouts.loadContext.bind(checkouts),
      get: checkouts.get.bind(checkouts),
      claim: async (record: CheckoutRecord, lockedBasket: Parameters<CheckoutRepository['claim']>[1]) => {
        racing.claims += 1;
        if (racing.claims > 1) return checkouts.claim(record, lockedBasket);
        winnerRecord = await otherCheckoutLocks(baskets, checkouts, 'key-1');
        throw new BasketChangedError(CUSTOMER, { current: await baskets.get(CUSTOMER) });
      },
    };

    await expect(checkout({ ...deps, checkouts: racing }, request())).resolves.toEqual({ orderId: OTHER_ORDER, replayed: true });
    expect(orders.sent).toEqual([winnerRecord?.command]);
  });

  it('replays the order of its own key when the read saw the basket it locked but not yet its record', async () => {
    const { baskets, checkouts, orders, deps } = setup();
    const winnerRecord = await otherCheckoutLocks(baskets, checkouts, 'key-1');
    // BatchGetItem reads each item on its own: the basket after the winner's transaction, the
    // record from before it.
    const skewed = {
      loadContext: async (customerId: string, idempotencyKey: string) => ({
        basket: (await checkouts.loadContext(customerId, idempotencyKey)).basket,
      }),
      get: checkouts.get.bind(checkouts),
      claim: jest.fn(checkouts.claim.bind(checkouts)),
    };

    await expect(checkout({ ...deps, checkouts: skewed }, request())).resolves.toEqual({ orderId: OTHER_ORDER, replayed: true });
    expect(skewed.claim).not.toHaveBeenCalled();
    expect(orders.sent).toEqual([winnerRecord.command]);
  });

  it(`gives up after ${MAX_SAVE_ATTEMPTS} claims that each lost a race with a change of the basket`, async () => {
    const { baskets, checkouts, orders, deps } = setup();
    const claim = jest.fn(async () => {
      throw new BasketChangedError(CUSTOMER, { current: await baskets.get(CUSTOMER) });
    });

    const losing = { loadContext: checkouts.loadContext.bind(checkouts), get: checkouts.get.bind(checkouts), claim };

    await expect(checkout({ ...deps, checkouts: losing }, request())).rejects.toBeInstanceOf(BasketChangedError);
    expect(claim).toHaveBeenCalledTimes(MAX_SAVE_ATTEMPTS);
    expect(orders.sent).toEqual([]);
  });
});

describe('checkoutFingerprint', () => {
  it('is the same for the same body written in another key order', () => {
    const { paymentToken, shippingAddress } = checkoutInput();
    const { country, ...address } = shippingAddress;
    expect(checkoutFingerprint({ shippingAddress: { country, ...address }, paymentToken })).toBe(checkoutFingerprint(checkoutInput()));
  });

  it('differs when any field differs', () => {
    const input = checkoutInput();
    expect(checkoutFingerprint({ ...input, shippingAddress: { ...input.shippingAddress, line2: 'Flat 2' } })).not.toBe(
      checkoutFingerprint(input),
    );
  });
});
