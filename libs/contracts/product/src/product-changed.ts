import * as z from 'zod/mini';
import { createEnvelope, eventEnvelopeSchema } from '@shop/domain';
import { ProductSchema, type Product } from './product';

/** Event type of {@link ProductChanged}; also the SNS `type` message attribute. */
export const PRODUCT_CHANGED = 'ProductChanged';

/** Schema version of the {@link ProductChanged} payload. */
export const PRODUCT_CHANGED_VERSION = 1;

/** Service that publishes {@link ProductChanged}. */
export const PRODUCT_SOURCE = 'product';

/** What happened to the product. */
export const ProductChangeSchema = z.enum(['created', 'updated', 'deleted']);

/** What happened to the product. */
export type ProductChange = z.infer<typeof ProductChangeSchema>;

/** Payload of {@link ProductChanged}: the change and the product (its last state for `deleted`). */
export const ProductChangedDataSchema = z.object({
  change: ProductChangeSchema,
  product: ProductSchema,
});

/** Payload of {@link ProductChanged}. */
export type ProductChangedData = z.infer<typeof ProductChangedDataSchema>;

/** `ProductChanged` v1: a catalog product was created, updated or deleted. */
export const ProductChangedSchema = eventEnvelopeSchema(PRODUCT_CHANGED, PRODUCT_CHANGED_VERSION, ProductChangedDataSchema);

/** `ProductChanged` v1 event, envelope included. */
export type ProductChanged = z.infer<typeof ProductChangedSchema>;

/** Builds a `ProductChanged` envelope; `id`/`time` default to a new UUID and now. */
export const createProductChanged = (input: {
  change: ProductChange;
  product: Product;
  correlationId: string;
  id?: string;
  time?: string;
}): ProductChanged =>
  createEnvelope({
    type: PRODUCT_CHANGED,
    version: PRODUCT_CHANGED_VERSION,
    source: PRODUCT_SOURCE,
    correlationId: input.correlationId,
    data: { change: input.change, product: input.product },
    id: input.id,
    time: input.time,
  });
