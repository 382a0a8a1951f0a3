import type { ProducerContracts } from '@shop/domain';
import { ORDER_CONTRACTS } from '@shop/order-contracts';
import { PRODUCT_CONTRACTS } from '@shop/product-contracts';
import { SHIPPING_CONTRACTS } from '@shop/shipping-contracts';

/**
 * Every producer's declared contracts (each contracts project's `src/producer.ts`), by service.
 * Inventory and payment publish nothing: their saga commands are Lambda invocations, not messages.
 */
export const PRODUCERS: Readonly<Record<string, ProducerContracts>> = {
  product: PRODUCT_CONTRACTS,
  order: ORDER_CONTRACTS,
  shipping: SHIPPING_CONTRACTS,
};
