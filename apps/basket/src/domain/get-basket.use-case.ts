import { priceBasket, type BasketView } from './basket';
import type { BasketRepository, Clock, PriceCatalog } from './ports';

/** What {@link getBasket} needs. */
export interface GetBasketDeps {
  readonly baskets: Pick<BasketRepository, 'get'>;
  readonly catalog: Pick<PriceCatalog, 'getMany'>;
  readonly clock: Clock;
}

/** The customer's basket at current prices (an empty basket when they have none), naming its order in flight. */
export const getBasket = async (deps: GetBasketDeps, customerId: string): Promise<BasketView> => {
  const basket = await deps.baskets.get(customerId);
  return priceBasket(basket, await deps.catalog.getMany(basket.lines.map((line) => line.sku)), deps.clock.now());
};
