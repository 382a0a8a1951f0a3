import { ConflictError, UnprocessableError } from '@shop/domain';
import type { Basket } from './basket';
import type { CheckoutRecord } from './ports';

/** The sku is not for sale: the price read model has never heard of it, or the product was deleted. */
export class ProductNotForSaleError extends UnprocessableError {
  constructor(
    readonly skus: readonly string[],
    field: (sku: string) => string = () => 'sku',
    options?: ErrorOptions,
  ) {
    super(
      skus.length === 1 ? `Product ${skus[0]} is not for sale.` : `Products ${skus.join(', ')} are not for sale.`,
      skus.map((sku) => ({ field: field(sku), message: `${sku} is not for sale (unknown or deleted product).` })),
      options,
    );
    this.name = 'ProductNotForSaleError';
  }
}

/** The product is priced in another currency than the rest of the basket (an order has one currency). */
export class CurrencyMismatchInBasketError extends UnprocessableError {
  constructor(
    readonly sku: string,
    readonly productCurrency: string,
    readonly basketCurrency: string,
    options?: ErrorOptions,
  ) {
    super(
      `Product ${sku} is priced in ${productCurrency}, the basket in ${basketCurrency}: one basket holds one currency.`,
      [{ field: 'sku', message: `${sku} is priced in ${productCurrency}, not ${basketCurrency}.` }],
      options,
    );
    this.name = 'CurrencyMismatchInBasketError';
  }
}

/** A new line would exceed the most lines an order may have. */
export class BasketFullError extends UnprocessableError {
  constructor(
    readonly sku: string,
    readonly maxLines: number,
    options?: ErrorOptions,
  ) {
    super(
      `The basket already holds ${maxLines} different products; remove one before adding ${sku}.`,
      [{ field: 'sku', message: `A basket holds at most ${maxLines} different products.` }],
      options,
    );
    this.name = 'BasketFullError';
  }
}

/** Lines that cannot be bought now (deleted product, another currency) block a checkout. */
export class BasketLinesUnavailableError extends UnprocessableError {
  constructor(
    readonly lines: readonly { readonly sku: string; readonly reason: 'not_for_sale' | 'currency' }[],
    options?: ErrorOptions,
  ) {
    super(
      `The basket holds products that cannot be bought now (${lines.map((line) => line.sku).join(', ')}): remove them and check out again.`,
      lines.map(({ sku, reason }) => ({
        field: `lines.${sku}`,
        message:
          reason === 'currency'
            ? `${sku} is now priced in another currency than the rest of the basket.`
            : `${sku} is not for sale (unknown or deleted product).`,
      })),
      options,
    );
    this.name = 'BasketLinesUnavailableError';
  }
}

/** Checkout of a basket without lines. */
export class EmptyBasketError extends UnprocessableError {
  constructor(options?: ErrorOptions) {
    super('The basket is empty: add items before checking out.', [], options);
    this.name = 'EmptyBasketError';
  }
}

/** An Idempotency-Key was used before by the same customer for a different checkout request. */
export class IdempotencyKeyReusedError extends UnprocessableError {
  constructor(options?: ErrorOptions) {
    super(
      'This Idempotency-Key was already used for a different checkout request; use a new key.',
      [{ field: 'Idempotency-Key', message: 'Already used for a different request.' }],
      options,
    );
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** The basket changed between read and write (optimistic locking); the use case retries. */
export class BasketChangedError extends ConflictError {
  /** The basket as the refused write found it, if the store returned it. */
  readonly current?: Basket;

  constructor(
    readonly customerId: string,
    options?: ErrorOptions & {
      /** The basket as the refused write found it, when the store returned it (a checkout reads its pending order). */
      readonly current?: Basket;
    },
  ) {
    super('The basket changed at the same time; try again.', options);
    this.name = 'BasketChangedError';
    this.current = options?.current;
  }
}

/**
 * Another request claimed the same Idempotency-Key first (a concurrent duplicate); the checkout
 * use case then answers with that request's order.
 */
export class CheckoutAlreadyClaimedError extends ConflictError {
  /** The record the other request stored, if the store returned it (else it is read again). */
  readonly winner?: CheckoutRecord;

  constructor(
    readonly customerId: string,
    readonly idempotencyKey: string,
    options?: ErrorOptions & {
      /** The record the other request stored, when the store returned it. */
      readonly winner?: CheckoutRecord;
    },
  ) {
    super('A checkout with this Idempotency-Key is already in progress.', options);
    this.name = 'CheckoutAlreadyClaimedError';
    this.winner = options?.winner;
  }
}

/**
 * An order placed from the basket is still in flight (PENDING, its lease running): one basket
 * gives one order at a time. The API answers 409 naming it; the checkout that placed it, repeated
 * with its own Idempotency-Key, still answers 202.
 */
export class OrderPendingError extends ConflictError {
  /** Its own problem, with the pending order's id, so a client can follow that order without parsing the detail. */
  override readonly problem;

  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(
      `Order ${orderId} from this basket is still being processed: follow it, and check out again once it is confirmed or cancelled.`,
      options,
    );
    this.name = 'OrderPendingError';
    this.problem = { code: 'order-pending', title: 'An order from this basket is still being processed.', extensions: { orderId } };
  }
}
