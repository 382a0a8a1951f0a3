import type { PlaceOrder } from '@shop/order-contracts';
import type { Basket } from '../basket';
import { emptyBasket, pendingOrderOf } from '../basket';
import { supersedes, type CatalogEntry } from '../catalog';
import { BasketChangedError, CheckoutAlreadyClaimedError } from '../errors';
import type {
  BasketRepository,
  CheckoutContext,
  CheckoutRecord,
  CheckoutRepository,
  Clock,
  IdSource,
  OrderCommandSender,
  PriceCatalog,
} from '../ports';

/**
 * In-memory {@link BasketRepository} for unit tests: same contract (empty basket at version 0,
 * optimistic locking) without a database. Test code only.
 */
export class InMemoryBasketRepository implements BasketRepository {
  readonly items = new Map<string, Basket>();

  constructor(seed: readonly Basket[] = []) {
    for (const basket of seed) this.items.set(basket.customerId, basket);
  }

  async get(customerId: string): Promise<Basket> {
    return this.items.get(customerId) ?? emptyBasket(customerId);
  }

  async save(basket: Basket, expectedVersion: number): Promise<void> {
    const stored = this.items.get(basket.customerId)?.version ?? 0;
    if (stored !== expectedVersion) throw new BasketChangedError(basket.customerId);
    this.items.set(basket.customerId, { ...basket, version: expectedVersion + 1 });
  }
}

/**
 * `inner`, except that its first save finds `meanwhile` (another write) done between the read and
 * the write: an optimistic-locking race lost once. Test code only.
 */
export const losingFirstSave = (inner: BasketRepository, meanwhile: () => Promise<void>): BasketRepository => {
  let raced = false;
  return {
    get: (customerId) => inner.get(customerId),
    save: async (basket, expectedVersion) => {
      if (!raced) {
        raced = true;
        await meanwhile();
      }
      return inner.save(basket, expectedVersion);
    },
  };
};

/** In-memory {@link PriceCatalog} applying the same `supersedes` rule as the table's condition. */
export class InMemoryPriceCatalog implements PriceCatalog {
  readonly entries = new Map<string, CatalogEntry>();

  constructor(seed: readonly CatalogEntry[] = []) {
    for (const entry of seed) this.entries.set(entry.sku, entry);
  }

  async getMany(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogEntry>> {
    const found = new Map<string, CatalogEntry>();
    for (const sku of skus) {
      const entry = this.entries.get(sku);
      if (entry) found.set(sku, entry);
    }
    return found;
  }

  async apply(entry: CatalogEntry): Promise<boolean> {
    if (!supersedes(entry, this.entries.get(entry.sku))) return false;
    this.entries.set(entry.sku, entry);
    return true;
  }
}

/**
 * In-memory {@link CheckoutRepository}: its context comes with the basket of `baskets`, and a
 * claim stores the record and the locked basket together or not at all, under the same
 * conditions as the DynamoDB transaction (the key not claimed; the basket at the version read and
 * not held by a pending order still in its lease). Test code only.
 */
export class InMemoryCheckoutRepository implements CheckoutRepository {
  readonly records = new Map<string, CheckoutRecord>();

  constructor(private readonly baskets: InMemoryBasketRepository) {}

  private static keyOf(customerId: string, idempotencyKey: string): string {
    return `${customerId}/${idempotencyKey}`;
  }

  async loadContext(customerId: string, idempotencyKey: string): Promise<CheckoutContext> {
    const previous = this.records.get(InMemoryCheckoutRepository.keyOf(customerId, idempotencyKey));
    const basket = await this.baskets.get(customerId);
    return previous ? { previous, basket } : { basket };
  }

  async get(customerId: string, idempotencyKey: string): Promise<CheckoutRecord | undefined> {
    return this.records.get(InMemoryCheckoutRepository.keyOf(customerId, idempotencyKey));
  }

  async claim(record: CheckoutRecord, lockedBasket: Basket): Promise<void> {
    const key = InMemoryCheckoutRepository.keyOf(record.customerId, record.idempotencyKey);
    const winner = this.records.get(key);
    if (winner) throw new CheckoutAlreadyClaimedError(record.customerId, record.idempotencyKey, { winner });
    if (!lockedBasket.pendingOrder) throw new Error('A checkout claims a basket locked for its order (withPendingOrder).');
    const stored = this.baskets.items.get(lockedBasket.customerId);
    if (stored?.version !== lockedBasket.version || pendingOrderOf(stored, new Date(lockedBasket.pendingOrder.placedAt)) !== undefined) {
      throw new BasketChangedError(lockedBasket.customerId, { current: stored });
    }
    this.records.set(key, record);
    this.baskets.items.set(lockedBasket.customerId, { ...lockedBasket, version: lockedBasket.version + 1 });
  }
}

/** Records the commands it is given; fails the first `failures` sends (a queue that is down). */
export class RecordingOrderSender implements OrderCommandSender {
  readonly sent: PlaceOrder[] = [];

  constructor(private failures = 0) {}

  async send(command: PlaceOrder): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SQS unavailable');
    }
    this.sent.push(command);
  }
}

/** A fixed clock for tests. */
export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

/** Ids `order-1`-style UUIDs in sequence, so tests can name them. */
export const sequentialIds = (): IdSource & { readonly issued: string[] } => {
  const issued: string[] = [];
  return {
    issued,
    newId: () => {
      const id = `00000000-0000-4000-8000-${String(issued.length + 1).padStart(12, '0')}`;
      issued.push(id);
      return id;
    },
  };
};
