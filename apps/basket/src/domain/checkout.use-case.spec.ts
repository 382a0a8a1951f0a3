import { nameBasedId } from '@shop/domain';
import { PlaceOrderSchema } from '@shop/order-contracts';
import { checkout, checkoutFingerprint, type CheckoutDeps } from './checkout.use-case';
import { BasketLinesUnavailableError, CheckoutAlreadyClaimedError, EmptyBasketError, IdempotencyKeyReusedError } from './errors';
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
  const deps: CheckoutDeps = { catalog, checkouts, orders, clock: fixedClock('2025-03-01T12:00:00.000Z'), ids: sequentialIds() };
  return { baskets, catalog, checkouts, orders, deps };
};
const request = (overrides: Partial<Parameters<typeof checkout>[1]> = {}) => ({
  customerId: CUSTOMER,
  idempotencyKey: 'key-1',
  input: checkoutInput(),
  correlationId: 'corr-checkout',
  ...overrides,
});

describe('checkout', () => {
  it('sends one PlaceOrder with lines priced by the read model and answers with the new order id', async () => {
    const { orders, checkouts, baskets, deps } = setup();

    await expect(checkout(deps, request())).resolves.toEqual({ orderId: ORDER_1, replayed: false });

    expect(orders.sent).toEqual([
      {
        id: nameBasedId(`PlaceOrder#${ORDER_1}`),
        type: 'PlaceOrder',
        version: 1,
        source: 'basket',
        time: '2025-03-01T12:00:00.000Z',
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
          placedAt: '2025-03-01T12:00:00.000Z',
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
      createdAt: '2025-03-01T12:00:00.000Z',
    });
    expect((await baskets.get(CUSTOMER)).lines).toHaveLength(2); // emptied on OrderConfirmed, not here
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
    expect(get).not.toHaveBeenCalled(); // only a lost claim race reads the record again
  });

  it('answers the same key again with the same order and sends the same stored command again', async () => {
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
    await baskets.save({ ...(await baskets.get(CUSTOMER)), lines: [] }, 1);

    await expect(checkout(deps, request())).resolves.toEqual({ orderId: ORDER_1, replayed: true });
    expect(orders.sent.map((command) => command.data.orderId)).toEqual([ORDER_1, ORDER_1]);
  });

  it('places a second order for a new key', async () => {
    const { orders, deps } = setup();
    await checkout(deps, request());

    await expect(checkout(deps, request({ idempotencyKey: 'key-2' }))).resolves.toEqual({ orderId: ORDER_2, replayed: false });
    expect(orders.sent.map((command) => command.data.orderId)).toEqual([ORDER_1, ORDER_2]);
  });

  it('scopes keys to the customer', async () => {
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
    const { checkouts, orders, deps } = setup({ lines: {} });

    await expect(checkout(deps, request())).rejects.toBeInstanceOf(EmptyBasketError);
    expect(orders.sent).toEqual([]);
    expect(checkouts.records.size).toBe(0);
  });

  it('refuses a basket holding products that cannot be bought now, naming them', async () => {
    const { orders, checkouts, deps } = setup({ lines: { 'MUG-001': 1, 'GONE-1': 1, 'USD-001': 1 } });

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
    const { checkouts, orders, deps } = setup();
    const winnerCommand = mugPlaceOrder(ORDER_2, { correlationId: 'corr-winner', id: nameBasedId(`PlaceOrder#${ORDER_2}`), time: '2025-03-01T11:59:59.000Z' });
    const racing = {
      loadContext: checkouts.loadContext.bind(checkouts),
      get: checkouts.get.bind(checkouts),
      claim: jest.fn(async () => {
        // The other request claimed the key between our read and our claim.
        await checkouts.claim({
          customerId: CUSTOMER,
          idempotencyKey: 'key-1',
          fingerprint: checkoutFingerprint(checkoutInput()),
          orderId: ORDER_2,
          command: winnerCommand,
          createdAt: '2025-03-01T11:59:59.000Z',
        });
        throw new CheckoutAlreadyClaimedError(CUSTOMER, 'key-1');
      }),
    };

    await expect(checkout({ ...deps, checkouts: racing }, request())).resolves.toEqual({ orderId: ORDER_2, replayed: true });
    // Ours (ORDER_1) was never stored, so never sent; the winner's may reach the queue twice.
    expect(orders.sent).toEqual([winnerCommand]);
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
