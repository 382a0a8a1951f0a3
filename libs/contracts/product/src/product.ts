import * as z from 'zod/mini';
import { MoneySchema, SkuSchema } from '@shop/domain';

/** Limits on product text fields, shared by the API and every consumer. */
export const PRODUCT_LIMITS = {
  nameMaxLength: 120,
  descriptionMaxLength: 2000,
  categoryMaxLength: 40,
} as const;

/** A product category: a lower-case slug (letters, digits, dashes), used in URLs and index keys. */
export const CategorySchema = z
  .string()
  .check(
    z.regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'Category must be a lower-case slug (a-z, 0-9, "-").' }),
    z.maxLength(PRODUCT_LIMITS.categoryMaxLength, { error: `Category must be at most ${PRODUCT_LIMITS.categoryMaxLength} characters.` }),
  );

/** A product category slug, e.g. `mugs`. */
export type Category = z.infer<typeof CategorySchema>;

/** Product name: 1 to 120 characters after trimming. */
export const ProductNameSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, { error: 'Name must not be empty.' }),
    z.maxLength(PRODUCT_LIMITS.nameMaxLength, { error: `Name must be at most ${PRODUCT_LIMITS.nameMaxLength} characters.` }),
  );

/** Product description: up to 2000 characters (may be empty). */
export const ProductDescriptionSchema = z.string().check(
  z.maxLength(PRODUCT_LIMITS.descriptionMaxLength, {
    error: `Description must be at most ${PRODUCT_LIMITS.descriptionMaxLength} characters.`,
  }),
);

/**
 * A catalog product as stored and as published in `ProductChanged`. `version` starts at 1 and
 * grows by one on every update (optimistic locking); timestamps are ISO 8601 UTC.
 * Unknown keys are stripped (not rejected) so consumers tolerate additive changes; write APIs
 * use their own strict input schemas.
 */
export const ProductSchema = z.object({
  sku: SkuSchema,
  name: ProductNameSchema,
  description: ProductDescriptionSchema,
  category: CategorySchema,
  price: MoneySchema,
  version: z.int().check(z.positive()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** A catalog product. */
export type Product = z.infer<typeof ProductSchema>;
