import { createHash } from 'node:crypto';
import { nameBasedId } from '@shop/domain';
import { createPlaceOrder } from '@shop/order-contracts';
import { pendingOrderFor, pendingOrderOf, priceBasket, withPendingOrder, type CheckoutInput } from './basket';
import {
  BasketChangedError,
  BasketLinesUnavailableError,
  CheckoutAlreadyClaimedError,
  EmptyBasketError,
  IdempotencyKeyReusedError,
  OrderPendingError,
} from './errors';
import type { CheckoutRecord, CheckoutRepository, Clock, IdSource, OrderCommandSender, PriceCatalog } from './ports';
import { MAX_SAVE_ATTEMPTS } from './set-item-quantity.use-case';

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
  /**
   * `true` when the key was seen before: the earlier request's order is returned (and its stored
   * command sent again while that order holds the basket); the order service makes no second order of it.
   */
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
  createHash('sha256')
    .update(JSON.stringify(canonical(input)))
    .digest('base64url');

// A replay sends the stored command again while its order holds the basket (its lease running),
// so a first send that failed is made good by the client's retry. The repeat is the same message
// (same envelope id, same data) and the order service takes it to the same order: it creates the
// order with a conditional put keyed by orderId and names the saga execution after the orderId.
// apps/order tests that show it:
// - domain/place-order.use-case.spec.ts: "makes one order and one execution when the command
//   arrives twice", "starts no new execution for an order whose saga already ended";
// - handlers/place-order.handler.spec.ts: "makes one order and one saga execution from a command
//   delivered twice"; handlers/order-flow.int.spec.ts: "takes a PlaceOrder delivered twice to one
//   PENDING order and one saga start";
// - adapters/order.repository.spec.ts: "creates only if the id is free"; order.repository.int.spec.ts:
//   "refuses a second order with the same id and keeps the first";
// - adapters/order-saga.starter.spec.ts: "starts an execution named after the order with the saga
//   input as JSON", "treats ExecutionAlreadyExists as an execution started before".
// Once the basket is freed the command is not sent: the order ended (only its events free the
// basket), or its lease ran out without it ever being created, and creating it now could put a
// second order of the basket in flight.
const replay = async (deps: CheckoutDeps, record: CheckoutRecord, fingerprint: string, holdsBasket: boolean): Promise<CheckoutResult> => {
  if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (holdsBasket) await deps.orders.send(record.command);
  return { orderId: record.orderId, replayed: true };
};

/**
 * Checks the customer's basket out: prices it again from the read model, mints the order id, and
 * in one transaction stores the `PlaceOrder` command under the customer's Idempotency-Key (the
 * first request with a key wins) and locks the basket for that order (the basket's pending order,
 * `withPendingOrder`); then sends the command to the order intake queue. The basket's
 * lines are left as they are; they are removed when the order is confirmed.
 *
 * One basket, one order at a time: while an order placed from the basket is in flight, a checkout
 * with another key is refused, naming it. The same key again (same customer, same body) answers
 * with its order and places none (see `replay`). A write that lost a race with another change of
 * the basket is done again from a fresh read.
 * @throws OrderPendingError naming the order in flight (409).
 * @throws EmptyBasketError when the basket has no lines (422).
 * @throws BasketLinesUnavailableError naming the skus that cannot be bought now (422).
 * @throws IdempotencyKeyReusedError when the key was used for another body (422).
 * @throws BasketChangedError when every attempt lost a race with another change of the basket (409).
 */
export const checkout = async (deps: CheckoutDeps, command: CheckoutCommand): Promise<CheckoutResult> => {
  const { customerId, idempotencyKey, input, correlationId } = command;
  const fingerprint = checkoutFingerprint(input);
  let orderId: string | undefined;

  for (let attempt = 1; ; attempt += 1) {
    const now = deps.clock.now();
    // One round trip reads both; a replay needs the basket to know whether its order still holds it.
    const { previous, basket } = await deps.checkouts.loadContext(customerId, idempotencyKey);
    if (previous) return replay(deps, previous, fingerprint, pendingOrderOf(basket, now)?.orderId === previous.orderId);

    const pending = pendingOrderOf(basket, now);
    if (pending?.idempotencyKey === idempotencyKey) {
      // The two items are read apart, so the read can catch a request with this key between its
      // transaction's two puts: the basket locked, its record not yet seen. Read the record alone.
      const winner = await deps.checkouts.get(customerId, idempotencyKey);
      if (winner) return replay(deps, winner, fingerprint, true);
    }
    if (pending) throw new OrderPendingError(pending.orderId);
    if (basket.lines.length === 0) throw new EmptyBasketError();
    const view = priceBasket(basket, await deps.catalog.getMany(basket.lines.map((line) => line.sku)), now);
    if (view.unavailable.length > 0) throw new BasketLinesUnavailableError(view.unavailable);

    orderId ??= deps.ids.newId();
    const placedAt = now.toISOString();
    const placeOrder = createPlaceOrder({
      orderId,
      customerId,
      lines: view.lines.map(({ sku, name, quantity, unitPrice }) => ({ sku, name, quantity, unitPrice })),
      total: view.total,
      paymentToken: input.paymentToken,
      shippingAddress: input.shippingAddress,
      correlationId,
      placedAt,
      // Derived from the order id: a re-sent command is the same message.
      id: nameBasedId(`PlaceOrder#${orderId}`),
      time: placedAt,
    });
    const record: CheckoutRecord = { customerId, idempotencyKey, fingerprint, orderId, command: placeOrder, createdAt: placedAt };

    try {
      await deps.checkouts.claim(record, withPendingOrder(basket, pendingOrderFor(orderId, idempotencyKey, now)));
    } catch (error) {
      if (error instanceof CheckoutAlreadyClaimedError) {
        // A concurrent request with the same key won: answer with its order. It locked the basket
        // in the same transaction, so its command is sent too, in case the winner's send fails.
        const winner = error.winner ?? (await deps.checkouts.get(customerId, idempotencyKey));
        if (!winner) throw error;
        return replay(deps, winner, fingerprint, true);
      }
      if (!(error instanceof BasketChangedError)) throw error;
      const holder = error.current && pendingOrderOf(error.current, now);
      // Locked by this very key: its record was stored in the same transaction, read it next round.
      if (holder && holder.idempotencyKey !== idempotencyKey) throw new OrderPendingError(holder.orderId, { cause: error });
      if (attempt >= MAX_SAVE_ATTEMPTS) throw error;
      continue;
    }

    await deps.orders.send(placeOrder);
    return { orderId, replayed: false };
  }
};
