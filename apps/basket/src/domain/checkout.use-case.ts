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
  /**
   * `true` when the key was seen before: the earlier request's order is returned and its stored
   * command sent again; the order service makes no second order of it.
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
  createHash('sha256').update(JSON.stringify(canonical(input))).digest('base64url');

// Every request for a key sends the stored command, so nothing records whether a send succeeded:
// a send that failed is made good by the client's retry, and one that did not is repeated, which
// costs an SQS message per replay instead of a DynamoDB write per checkout. The repeat is the same
// message (same envelope id, same data) and the order service takes it to the same order: it
// creates the order with a conditional put keyed by orderId and names the saga execution after
// the orderId. apps/order tests that show it:
// - domain/place-order.use-case.spec.ts: "makes one order and one execution when the command
//   arrives twice", "starts no new execution for an order whose saga already ended";
// - handlers/place-order.handler.spec.ts: "makes one order and one saga execution from a command
//   delivered twice"; handlers/order-flow.int.spec.ts: "takes a PlaceOrder delivered twice to one
//   PENDING order and one saga start";
// - adapters/order.repository.spec.ts: "creates only if the id is free"; order.repository.int.spec.ts:
//   "refuses a second order with the same id and keeps the first";
// - adapters/order-saga.starter.spec.ts: "starts an execution named after the order with the saga
//   input as JSON", "treats ExecutionAlreadyExists as an execution started before".
const replay = async (deps: CheckoutDeps, record: CheckoutRecord, fingerprint: string): Promise<CheckoutResult> => {
  if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  await deps.orders.send(record.command);
  return { orderId: record.orderId, replayed: true };
};

/**
 * Checks the customer's basket out: prices it again from the read model, mints the order id,
 * stores the `PlaceOrder` command under the customer's Idempotency-Key (a conditional put: the
 * first request with a key wins), then sends it to the order intake queue. The basket is left as
 * it is; it is emptied when the order is confirmed.
 *
 * The same key again (same customer, same body) answers with the first order and places none:
 * it sends the stored command again (see `replay`), so a first send that failed is made good.
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
    createdAt: now,
  };

  try {
    await deps.checkouts.claim(record);
  } catch (error) {
    if (!(error instanceof CheckoutAlreadyClaimedError)) throw error;
    // A concurrent request with the same key won: answer with its order, sending its command too.
    const winner = await deps.checkouts.get(customerId, idempotencyKey);
    if (!winner) throw error;
    return replay(deps, winner, fingerprint);
  }

  await deps.orders.send(placeOrder);
  return { orderId, replayed: false };
};
