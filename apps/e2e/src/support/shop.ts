/**
 * Helpers for the shop journeys: catalog and stock set up by an admin, baskets filled and checked
 * out by customers, and bounded waits for the asynchronous outcomes (saga, events, read models).
 */
import { randomUUID } from 'node:crypto';
import { api, localCloud, runId, tokenFor, type Caller } from './http';

export interface Money {
  amount: number;
  currency: string;
}

export interface Order {
  orderId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'NEEDS_ATTENTION';
  cancellationReason?: string;
  lines: { sku: string; name: string; quantity: number; unitPrice: Money }[];
  total: Money;
  statusHistory: { status: string; at: string; reason?: string }[];
}

export interface Payment {
  orderId: string;
  paymentId: string;
  customerId: string;
  status: string;
  amount: Money;
  attempts: number;
  captureId?: string;
}

export interface Stock {
  sku: string;
  available: number;
  reserved: number;
  version: number;
}

export interface Basket {
  lines: { sku: string; name: string; quantity: number; unitPrice: Money; lineTotal: Money }[];
  total: Money;
  unavailable: { sku: string; quantity: number; reason: string }[];
}

export interface Problem {
  status: number;
  title: string;
  errors?: { field: string; message: string }[];
}

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
  const created = await api('POST', '/products', {
    as: 'admin',
    body: {
      sku,
      name: `Journey item ${sku}`,
      description: 'Made for the checkout journeys.',
      category: `e2e-${runId.toLowerCase()}`,
      price: { amount: price, currency: 'EUR' },
    },
  });
  if (created.status !== 201) throw new Error(`POST /products ${sku} answered ${created.status}: ${created.text}`);
  await setStock(sku, stock);
}

/**
 * Admin: sets the available units of a sku the way inventory requires, never blindly: creates the
 * stock (`If-None-Match: *`, 201) when the sku has none, else updates it at the version just read
 * (`If-Match` with its ETag, 200).
 */
export async function setStock(sku: string, available: number): Promise<void> {
  const read = await api('GET', `/inventory/${sku}`, { as: 'admin' });
  if (read.status !== 200 && read.status !== 404) throw new Error(`GET /inventory/${sku} answered ${read.status}: ${read.text}`);
  const [precondition, expected] =
    read.status === 404 ? [{ 'If-None-Match': '*' }, 201] : [{ 'If-Match': read.headers.get('etag') ?? '' }, 200];
  const stored = await api('PUT', `/inventory/${sku}`, { as: 'admin', body: { available }, headers: precondition });
  if (stored.status !== expected) throw new Error(`PUT /inventory/${sku} answered ${stored.status}: ${stored.text}`);
}

export async function stockOf(sku: string): Promise<Stock> {
  const read = await api<Stock>('GET', `/inventory/${sku}`, { as: 'admin' });
  if (read.status !== 200) throw new Error(`GET /inventory/${sku} answered ${read.status}: ${read.text}`);
  return read.body;
}

/**
 * Puts a line in the customer's basket, waiting until basket's price read model knows the sku
 * (it is fed by ProductChanged, asynchronously: until then the answer is 422).
 */
export async function putInBasket(customer: Caller, sku: string, quantity: number): Promise<Basket> {
  const response = await waitFor(
    `basket's read model to know ${sku}`,
    () => api<Basket>('PUT', `/basket/items/${sku}`, { as: customer, body: { quantity } }),
    (answer) => answer.status !== 422,
  );
  if (response.status !== 200) throw new Error(`PUT /basket/items/${sku} answered ${response.status}: ${response.text}`);
  return response.body;
}

/** Checks out (202 expected) and returns the orderId. */
export async function checkout(customer: Caller, paymentToken: string, idempotencyKey: string = randomUUID()): Promise<string> {
  const response = await api<{ orderId: string }>('POST', '/basket/checkout', {
    as: customer,
    body: { paymentToken, shippingAddress: address },
    headers: { 'Idempotency-Key': idempotencyKey },
  });
  if (response.status !== 202) throw new Error(`POST /basket/checkout answered ${response.status}: ${response.text}`);
  return response.body.orderId;
}

const FINAL = new Set(['CONFIRMED', 'CANCELLED', 'NEEDS_ATTENTION']);

/** Waits until the order leaves PENDING (the saga ended) and returns it. */
export async function settledOrder(customer: Caller, orderId: string, timeoutMs = 20_000): Promise<Order> {
  const read = await waitFor(
    `order ${orderId} to settle`,
    () => api<Order>('GET', `/orders/${orderId}`, { as: customer }),
    (answer) => answer.status === 200 && FINAL.has(answer.body.status),
    { timeoutMs },
  );
  return read.body;
}

/** The local cloud's description of what it runs (queues, endpoints, ...). */
export async function localResources(): Promise<{
  endpoints: Record<string, string>;
  queues: { service: string; name: string; url: string; redrive?: string }[];
}> {
  return localCloud('GET', '/_local/resources');
}
