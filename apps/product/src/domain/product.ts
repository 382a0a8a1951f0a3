import { MoneySchema, SkuSchema } from '@shop/domain';
import { CategorySchema, ProductDescriptionSchema, ProductNameSchema, type Product } from '@shop/product-contracts';
import * as z from 'zod/mini';

export { ProductSchema, type Product } from '@shop/product-contracts';

/** Body of `POST /`: a new product. Strict: unknown fields are rejected. */
export const CreateProductInputSchema = z.strictObject({
  sku: SkuSchema,
  name: ProductNameSchema,
  description: ProductDescriptionSchema,
  category: CategorySchema,
  price: MoneySchema,
});

/** A new product as the caller describes it. */
export type CreateProductInput = z.infer<typeof CreateProductInputSchema>;

/**
 * Body of `PUT /{sku}`: the full replacement of the editable fields (the sku is the path's).
 * Strict: unknown fields, including `sku` and `version`, are rejected.
 */
export const UpdateProductInputSchema = z.strictObject({
  name: ProductNameSchema,
  description: ProductDescriptionSchema,
  category: CategorySchema,
  price: MoneySchema,
});

/** The editable fields of a product. */
export type UpdateProductInput = z.infer<typeof UpdateProductInputSchema>;

/** Maximum page size of a category listing. */
export const MAX_PAGE_SIZE = 100;

/** Default page size of a category listing. */
export const DEFAULT_PAGE_SIZE = 20;

/**
 * Query of `GET /`: category is required (the listing is a Query on the category index, never a
 * Scan). Unknown query parameters are ignored (cache busters, tracking tags).
 */
export const ListProductsQuerySchema = z.object({
  category: CategorySchema,
  limit: z._default(
    z.coerce
      .number({ error: `Limit must be an integer from 1 to ${MAX_PAGE_SIZE}.` })
      .check(
        z.int({ error: `Limit must be an integer from 1 to ${MAX_PAGE_SIZE}.` }),
        z.minimum(1, { error: `Limit must be an integer from 1 to ${MAX_PAGE_SIZE}.` }),
        z.maximum(MAX_PAGE_SIZE, { error: `Limit must be an integer from 1 to ${MAX_PAGE_SIZE}.` }),
      ),
    DEFAULT_PAGE_SIZE,
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/** A parsed category listing query. */
export type ListProductsQuery = z.infer<typeof ListProductsQuerySchema>;

/** A new product at version 1, created at `now`. */
export const newProduct = (input: CreateProductInput, now: Date): Product => {
  const time = now.toISOString();
  return { ...input, version: 1, createdAt: time, updatedAt: time };
};

/** The product after an update: editable fields replaced, version bumped, `updatedAt` = `now`. */
export const applyUpdate = (current: Product, input: UpdateProductInput, now: Date): Product => ({
  ...current,
  ...input,
  version: current.version + 1,
  updatedAt: now.toISOString(),
});
