import { IdempotencyKeySchema, SkuSchema } from '@shop/domain';
import { defineApi } from '@shop/http/api';
import * as z from 'zod/mini';
import { AdjustStockBodySchema, SetStockBodySchema, StockLevelSchema } from '../domain/stock';

/** One adjustment as recorded under its Idempotency-Key (the domain's `StockAdjustment`). */
export const StockAdjustmentSchema = z.object({
  sku: SkuSchema,
  idempotencyKey: IdempotencyKeySchema,
  delta: z.int(),
  reason: z.string(),
  adjustedAt: z.iso.datetime(),
});

/** The answer of `POST /{sku}/adjustments`: the stock after it, and the adjustment (the first one recorded, on a replay). */
export const StockAdjustmentResultSchema = z.object({ stock: StockLevelSchema, adjustment: StockAdjustmentSchema });

/**
 * The inventory API for administrators (`/inventory` on the API domain): the one source of the
 * router (handlers/router.handler.ts) and of `dist/apps/inventory/openapi.json`.
 */
export const api = defineApi({
  info: {
    service: 'inventory',
    title: 'Inventory API',
    version: '1.0.0',
    description:
      'Stock levels for administrators: read, set (never blindly: If-Match or If-None-Match), and adjust once per Idempotency-Key.',
    basePath: '/inventory',
  },
  schemas: {
    StockLevel: StockLevelSchema,
    SetStockBody: SetStockBodySchema,
    AdjustStockBody: AdjustStockBodySchema,
    StockAdjustmentResult: StockAdjustmentResultSchema,
  },
  routes: {
    getStock: {
      method: 'GET',
      path: '/{sku}',
      summary: 'The stock of a sku',
      auth: 'admin',
      params: { sku: SkuSchema },
      responses: { 200: { description: 'The stock, its version as ETag', body: 'StockLevel', headers: ['ETag'] } },
      problems: [404],
    },
    setStock: {
      method: 'PUT',
      path: '/{sku}',
      summary: 'Set the available units of a sku',
      description:
        'What is reserved is kept. `If-Match: "<version>"` updates (200; 412 when stale, 404 when the sku has no stock), `If-None-Match: *` creates (201; 412 when the sku has stock); neither is a 428.',
      auth: 'admin',
      params: { sku: SkuSchema },
      headers: {
        'If-Match': { description: 'Update at this version: the ETag of the stock as read, e.g. `"3"`.' },
        'If-None-Match': { description: '`*`: create, only if the sku has no stock.', schema: z.literal('*') },
      },
      body: 'SetStockBody',
      responses: {
        200: { description: 'Updated', body: 'StockLevel', headers: ['ETag'] },
        201: { description: 'Created', body: 'StockLevel', headers: ['ETag'] },
      },
      problems: [404, 412, 428],
    },
    adjustStock: {
      method: 'POST',
      path: '/{sku}/adjustments',
      summary: 'Add (or remove) units, once per Idempotency-Key',
      description:
        'Adds `delta` to `available` atomically. The same key and body again answer 200 with the adjustment recorded first and `Idempotent-Replayed: true`; another body with the key is a 422; 409 when `available` would go below 0.',
      auth: 'admin',
      params: { sku: SkuSchema },
      headers: {
        'Idempotency-Key': {
          description: 'A key of the client: the same key is the same adjustment.',
          required: true,
          schema: IdempotencyKeySchema,
        },
      },
      body: 'AdjustStockBody',
      responses: {
        200: {
          description: 'A replay: the adjustment recorded first',
          body: 'StockAdjustmentResult',
          headers: ['ETag', 'Idempotent-Replayed'],
        },
        201: { description: 'Adjusted', body: 'StockAdjustmentResult', headers: ['ETag'] },
      },
      problems: [404, 409, 422],
    },
  },
});
