import type { DocumentClient } from '@shop/dynamodb';
import { emptyBasket } from '../domain/basket';
import type { CatalogEntry } from '../domain/catalog';
import type { LineChangeContext, LineChangeReader } from '../domain/ports';
import { basketKey, fromBasketItem } from './basket.repository';
import { batchGetConsistent } from './batch-get';
import { DynamoPriceCatalog, fromPriceItem, priceKey } from './price-catalog.repository';

/**
 * What `PUT`/`DELETE /items/{sku}` start from, on DynamoDB: the basket and the sku's read model
 * entry share the table, so one strongly consistent BatchGetItem reads both; the prices of the
 * basket's other skus, when it has any, take a second one. A change to an empty basket, or to a
 * basket holding only that sku, reads once instead of twice.
 */
export class DynamoLineChangeReader implements LineChangeReader {
  private readonly prices: DynamoPriceCatalog;

  /**
   * @param docClient a document client, built once per module.
   * @param tableName the basket table.
   * @param retryDelayMs pause before asking again for unprocessed keys (doubles each round).
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
    private readonly retryDelayMs = 50,
  ) {
    this.prices = new DynamoPriceCatalog(docClient, tableName, retryDelayMs);
  }

  async read(customerId: string, sku: string): Promise<LineChangeContext> {
    const keys = { basket: basketKey(customerId), price: priceKey(sku) };
    const items = await batchGetConsistent(this.docClient, {
      tableName: this.tableName,
      keys: [keys.basket, keys.price],
      retryDelayMs: this.retryDelayMs,
    });
    const basketItem = items.find((item) => item.pk === keys.basket.pk && item.sk === keys.basket.sk);
    const priceItem = items.find((item) => item.pk === keys.price.pk && item.sk === keys.price.sk);
    const basket = basketItem ? fromBasketItem(basketItem) : emptyBasket(customerId);
    const catalog = new Map<string, CatalogEntry>();
    if (priceItem) catalog.set(sku, fromPriceItem(priceItem));
    const others = basket.lines.map((line) => line.sku).filter((other) => other !== sku);
    if (others.length > 0) for (const [other, entry] of await this.prices.getMany(others)) catalog.set(other, entry);
    return { basket, catalog };
  }
}
