import { basketCurrency, MAX_LINES, priceBasket, withQuantity, type BasketView } from './basket';
import { isForSale } from './catalog';
import { BasketChangedError, BasketFullError, CurrencyMismatchInBasketError, ProductNotForSaleError } from './errors';
import type { BasketRepository, Clock, LineChangeReader, PriceCatalog } from './ports';

/** How often a write that lost an optimistic-locking race is tried again before giving up (409). */
export const MAX_SAVE_ATTEMPTS = 3;

/** What {@link setItemQuantity} needs. */
export interface SetItemQuantityDeps {
  readonly baskets: BasketRepository;
  readonly catalog: Pick<PriceCatalog, 'getMany'>;
  readonly clock: Clock;
  /**
   * Reads the basket and the prices together (the DynamoDB adapter: one round trip for a basket
   * without other skus). @default the basket from `baskets`, then the prices from `catalog`
   */
  readonly lineChanges?: LineChangeReader;
}

/** A {@link LineChangeReader} in two reads: the basket, then the prices of its skus and `sku`. */
export const readBasketThenPrices = (baskets: Pick<BasketRepository, 'get'>, catalog: Pick<PriceCatalog, 'getMany'>): LineChangeReader => ({
  async read(customerId, sku) {
    const basket = await baskets.get(customerId);
    return { basket, catalog: await catalog.getMany([...new Set([...basket.lines.map((line) => line.sku), sku])]) };
  },
});

/** Put `quantity` of `sku` in the customer's basket (0 removes the line). */
export interface SetItemQuantityCommand {
  readonly customerId: string;
  readonly sku: string;
  /** 0 to 99 (validated at the edge). */
  readonly quantity: number;
}

/**
 * Sets the quantity of one sku in the customer's basket and returns the basket at current prices.
 * Adding needs the product to be for sale in the read model, in the basket's currency, and room
 * for one more line; removing (quantity 0) always succeeds, also for a sku that is not there.
 * Concurrent changes of the same basket are retried (optimistic locking on the basket version).
 * @throws ProductNotForSaleError when the sku is unknown or deleted (422).
 * @throws CurrencyMismatchInBasketError when it is priced in another currency than the basket (422).
 * @throws BasketFullError when it would be one line too many (422).
 * @throws BasketChangedError when every attempt lost a race (409).
 */
export const setItemQuantity = async (deps: SetItemQuantityDeps, command: SetItemQuantityCommand): Promise<BasketView> => {
  const { customerId, sku, quantity } = command;
  const reader = deps.lineChanges ?? readBasketThenPrices(deps.baskets, deps.catalog);
  for (let attempt = 1; ; attempt += 1) {
    const { basket, catalog } = await reader.read(customerId, sku);

    if (quantity > 0) {
      const product = catalog.get(sku);
      if (!isForSale(product)) throw new ProductNotForSaleError([sku]);
      const isNewLine = !basket.lines.some((line) => line.sku === sku);
      if (isNewLine && basket.lines.length >= MAX_LINES) throw new BasketFullError(sku, MAX_LINES);
      const currency = basketCurrency(
        basket.lines.filter((line) => line.sku !== sku),
        catalog,
      );
      if (currency !== undefined && currency !== product.price.currency) {
        throw new CurrencyMismatchInBasketError(sku, product.price.currency, currency);
      }
    } else if (!basket.lines.some((line) => line.sku === sku)) {
      return priceBasket(basket, catalog, deps.clock.now()); // nothing to remove: no write
    }

    const now = deps.clock.now();
    // The whole basket is written back, its pending order included: a checkout that locked the
    // basket after this read bumped its version, so this write is refused and done again from it.
    const updated = withQuantity(basket, sku, quantity, now);
    try {
      await deps.baskets.save(updated, basket.version);
      return priceBasket({ ...updated, version: basket.version + 1 }, catalog, now);
    } catch (error) {
      if (!(error instanceof BasketChangedError) || attempt >= MAX_SAVE_ATTEMPTS) throw error;
    }
  }
};

/** Removes the sku's line from the customer's basket (idempotent) and returns the basket. */
export const removeItem = (deps: SetItemQuantityDeps, command: Omit<SetItemQuantityCommand, 'quantity'>): Promise<BasketView> =>
  setItemQuantity(deps, { ...command, quantity: 0 });
