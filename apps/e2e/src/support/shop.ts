/**
 * Helpers for the shop journeys: catalog and stock set up by an admin, baskets filled and checked
 * out by customers, and bounded waits for the asynchronous outcomes (saga, events, read models).
 */
import { randomUUID } from 'node:crypto';
import type { BasketView, OrderView, StockLevel } from '@shop/clients';
import { clientsFor, localCloud, runId, tokenFor, type Caller } from './http';

/** The answers' bodies, as the services' documents name them (generated: @shop/clients). */
export type {
  BasketView as Basket,
  CheckoutAccepted,
  OrderView as Order,
  OrderPage,
  Payment,
  ProblemDetails as Problem,
  Shipment,
  StockAdjustmentResult,
  StockLevel as Stock,
} from '@shop/clients';

export const address = {
  name: 'Ada Lovelace',
  line1: '1 Analytical Way',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until `done` holds for its value, at most `timeoutMs` (20 s by default); throws with
 * the last value seen, so a failure says what the system looked like.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await sleep(intervalMs);
    last = await probe();
  }
  return last;
}

let skuCounter = 0;
/** A sku unique to this run (product skus: letters, digits and dashes). */
export const uniqueSku = (label: string) => `E2E-${runId}-${label}-${++skuCounter}`.toUpperCase();

/** A customer unique to this run (their own `sub`, so their basket and orders start empty). */
export const uniqueCustomer = (label: string): Caller => `customer:${label}-${runId.toLowerCase()}-${++skuCounter}`;

/** The `sub` of a caller's token (the customer id every service keys on). */
export async function subOf(caller: Exclude<Caller, 'anonymous'>): Promise<string> {
  const token = await tokenFor(caller);
  return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { sub: string }).sub;
}

/** Admin: creates a product (201) and its stock. */
export async function createProduct(sku: string, price: number, stock: number): Promise<void> {
  const { product } = await clientsFor('admin');
  const created = await product.POST('/products', {
    body: {
      sku,
      name: `Journey item ${sku}`,
      description: 'Made for the checkout journeys.',
      category: `e2e-${runId.toLowerCase()}`,
      price: { amount: price, currency: 'EUR' },
    },
  });
  if (created.response.status !== 201)
    throw new Error(`POST /products ${sku} answered ${created.response.status}: ${JSON.stringify(created.error)}`);
  await setStock(sku, stock);
}

/**
 * Admin: sets the available units of a sku the way inventory requires, never blindly: creates the
 * stock (`If-None-Match: *`, 201) when the sku has none, else updates it at the version just read
 * (`If-Match` with its ETag, 200).
 */
export async function setStock(sku: string, available: number): Promise<void> {
  const { inventory } = await clientsFor('admin');
  const read = await inventory.GET('/inventory/{sku}', { params: { path: { sku } } });
  const status = read.response.status;
  if (status !== 200 && status !== 404) throw new Error(`GET /inventory/${sku} answered ${status}: ${JSON.stringify(read.error)}`);
  const [precondition, expected] =
    status === 404 ? [{ 'If-None-Match': '*' as const }, 201] : [{ 'If-Match': read.response.headers.get('etag') ?? '' }, 200];
  const stored = await inventory.PUT('/inventory/{sku}', { params: { path: { sku }, header: precondition }, body: { available } });
  if (stored.response.status !== expected)
    throw new Error(`PUT /inventory/${sku} answered ${stored.response.status}: ${JSON.stringify(stored.error)}`);
}

export async function stockOf(sku: string): Promise<StockLevel> {
  const { inventory } = await clientsFor('admin');
  const read = await inventory.GET('/inventory/{sku}', { params: { path: { sku } } });
  if (!read.data) throw new Error(`GET /inventory/${sku} answered ${read.response.status}: ${JSON.stringify(read.error)}`);
  return read.data;
}

/**
 * Puts a line in the customer's basket, waiting until basket's price read model knows the sku
 * (it is fed by ProductChanged, asynchronously: until then the answer is 422).
 */
export async function putInBasket(customer: Caller, sku: string, quantity: number): Promise<BasketView> {
  const { basket } = await clientsFor(customer);
  const answer = await waitFor(
    `basket's read model to know ${sku}`,
    () => basket.PUT('/basket/items/{sku}', { params: { path: { sku } }, body: { quantity } }),
    (response) => response.response.status !== 422,
  );
  if (!answer.data) throw new Error(`PUT /basket/items/${sku} answered ${answer.response.status}: ${JSON.stringify(answer.error)}`);
  return answer.data;
}

/** Checks out (202 expected) and returns the orderId. */
export async function checkout(customer: Caller, paymentToken: string, idempotencyKey: string = randomUUID()): Promise<string> {
  const { basket } = await clientsFor(customer);
  const answer = await basket.POST('/basket/checkout', {
    params: { header: { 'Idempotency-Key': idempotencyKey } },
    body: { paymentToken, shippingAddress: address },
  });
  if (answer.response.status !== 202 || !answer.data) {
    throw new Error(`POST /basket/checkout answered ${answer.response.status}: ${JSON.stringify(answer.error)}`);
  }
  return answer.data.orderId;
}

const FINAL = new Set(['CONFIRMED', 'CANCELLED', 'NEEDS_ATTENTION']);

/** Waits until the order leaves PENDING (the saga ended) and returns it. */
export async function settledOrder(customer: Caller, orderId: string, timeoutMs = 20_000): Promise<OrderView> {
  const { order } = await clientsFor(customer);
  const read = await waitFor(
    `order ${orderId} to settle`,
    () => order.GET('/orders/{orderId}', { params: { path: { orderId } } }),
    (answer) => answer.data !== undefined && FINAL.has(answer.data.status),
    { timeoutMs },
  );
  if (!read.data) throw new Error(`GET /orders/${orderId} answered ${read.response.status}`);
  return read.data;
}

/** The local cloud's description of what it runs (queues, endpoints, ...). */
export async function localResources(): Promise<{
  endpoints: Record<string, string>;
  queues: { service: string; name: string; url: string; redrive?: string }[];
}> {
  return localCloud('GET', '/_local/resources');
}
