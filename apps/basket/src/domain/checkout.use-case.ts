import { createHash } from 'node:crypto';
import { nameBasedId } from '@shop/domain';
import { createPlaceOrder } from '@shop/order-contracts';
import { priceBasket, type CheckoutInput } from './basket';
import { BasketLinesUnavailableError, CheckoutAlreadyClaimedError, EmptyBasketError, IdempotencyKeyReusedError } from './errors';
import type { CheckoutRecord, CheckoutRepository, Clock, IdSource, OrderCommandSender, PriceCatalog } from './ports';

/** What {@link checkout} needs. */
export interface CheckoutDeps {
  readonly catalog: Pick<PriceCatalog, 'getMany'>;
  readonly checkouts: CheckoutRepository;
  readonly orders: OrderCommandSender;
  readonly clock: Clock;
  readonly ids: IdSource;
}

/** One checkout request of the signed-in customer. */
export interface CheckoutCommand {
  readonly customerId: string;
  readonly idempotencyKey: string;
  readonly input: CheckoutInput;
  /** Correlation id of the request: carried by the PlaceOrder command to every later hop. */
  readonly correlationId: string;
}

/** The order a checkout placed. */
export interface CheckoutResult {
  readonly orderId: string;
  /** `true` when the key was seen before: the earlier request's order is returned, none is placed. */
  readonly replayed: boolean;
}

// Key order of a JSON value made canonical, so equal bodies hash equal however they were written.
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, item]) => [key, canonical(item)]),
    );
  }
  return value;
};

/** SHA-256 of the canonical JSON of a checkout body: tells a retry from a key reused for another request. */
export const checkoutFingerprint = (input: CheckoutInput): string =>
  createHash('sha256').update(JSON.stringify(canonical(input))).digest('base64url');

// Re-sending while PENDING makes the outcome at-least-once: the command may reach the queue twice
// (same orderId, same envelope id), and the order service creates one order per orderId.
const replay = async (deps: CheckoutDeps, record: CheckoutRecord, fingerprint: string): Promise<CheckoutResult> => {
  if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (record.status === 'PENDING') {
    await deps.orders.send(record.command);
    await deps.checkouts.markSent(record.customerId, record.idempotencyKey);
  }
  return { orderId: record.orderId, replayed: true };
};

/**
 * Checks the customer's basket out: prices it again from the read model, mints the order id,
 * stores the `PlaceOrder` command under the customer's Idempotency-Key (a conditional put: the
 * first request with a key wins), then sends it to the order intake queue. The basket is left as
 * it is; it is emptied when the order is confirmed.
 *
 * The same key again (same customer, same body) answers with the first order and places none;
 * if the first request stored its command but failed to send it, the retry sends it.
 * @throws EmptyBasketError when the basket has no lines (422).
 * @throws BasketLinesUnavailableError naming the skus that cannot be bought now (422).
 * @throws IdempotencyKeyReusedError when the key was used for another body (422).
 */
export const checkout = async (deps: CheckoutDeps, command: CheckoutCommand): Promise<CheckoutResult> => {
  const { customerId, idempotencyKey, input, correlationId } = command;
  const fingerprint = checkoutFingerprint(input);

  // The basket is read with the record (one round trip), though a replay does not look at it.
  const { previous, basket } = await deps.checkouts.loadContext(customerId, idempotencyKey);
  if (previous) return replay(deps, previous, fingerprint);

  if (basket.lines.length === 0) throw new EmptyBasketError();
  const view = priceBasket(basket, await deps.catalog.getMany(basket.lines.map((line) => line.sku)));
  if (view.unavailable.length > 0) throw new BasketLinesUnavailableError(view.unavailable);

  const now = deps.clock.now().toISOString();
  const orderId = deps.ids.newId();
  const placeOrder = createPlaceOrder({
    orderId,
    customerId,
    lines: view.lines.map(({ sku, name, quantity, unitPrice }) => ({ sku, name, quantity, unitPrice })),
    total: view.total,
    paymentToken: input.paymentToken,
    shippingAddress: input.shippingAddress,
    correlationId,
    placedAt: now,
    // Derived from the order id: a re-sent command is the same message.
    id: nameBasedId(`PlaceOrder#${orderId}`),
    time: now,
  });
  const record: CheckoutRecord = {
    customerId,
    idempotencyKey,
    fingerprint,
    orderId,
    command: placeOrder,
    status: 'PENDING',
    createdAt: now,
  };

  try {
    await deps.checkouts.claim(record);
  } catch (error) {
    if (!(error instanceof CheckoutAlreadyClaimedError)) throw error;
    // A concurrent request with the same key won: answer with its order.
    const winner = await deps.checkouts.get(customerId, idempotencyKey);
    if (!winner) throw error;
    return replay(deps, winner, fingerprint);
  }

  await deps.orders.send(placeOrder);
  await deps.checkouts.markSent(customerId, idempotencyKey);
  return { orderId, replayed: false };
};
