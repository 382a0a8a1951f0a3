import { priceBasket, type Basket, type BasketView } from './basket';
import type { BasketRepository, PriceCatalog } from './ports';

/** What {@link getBasket} needs. */
export interface GetBasketDeps {
  readonly baskets: Pick<BasketRepository, 'get'>;
  readonly catalog: Pick<PriceCatalog, 'getMany'>;
}

/** A stored basket priced with the read model's current prices. */
export const viewBasket = async (catalog: Pick<PriceCatalog, 'getMany'>, basket: Basket): Promise<BasketView> =>
  priceBasket(basket, await catalog.getMany(basket.lines.map((line) => line.sku)));

/** The customer's basket at current prices (an empty basket when they have none). */
export const getBasket = async (deps: GetBasketDeps, customerId: string): Promise<BasketView> =>
  viewBasket(deps.catalog, await deps.baskets.get(customerId));
