import * as z from 'zod/mini';
import { createEnvelope, eventEnvelopeSchema, SkuSchema } from '@shop/domain';

/** Event type of {@link ShipmentCreated}; also the SNS `type` message attribute. */
export const SHIPMENT_CREATED = 'ShipmentCreated';

/** Schema version of the {@link ShipmentCreated} payload. */
export const SHIPMENT_CREATED_VERSION = 1;

/** Service that publishes {@link ShipmentCreated}. */
export const SHIPPING_SOURCE = 'shipping';

/** Statuses of a shipment. */
export const SHIPMENT_STATUSES = ['CREATED'] as const;

/** Status of a shipment. */
export const ShipmentStatusSchema = z.enum(SHIPMENT_STATUSES);

/** Status of a shipment. */
export type ShipmentStatus = z.infer<typeof ShipmentStatusSchema>;

/** Where a shipment goes (the order's shipping address). */
export const ShipmentAddressSchema = z.object({
  name: z.string().check(z.minLength(1)),
  line1: z.string().check(z.minLength(1)),
  line2: z.optional(z.string()),
  city: z.string().check(z.minLength(1)),
  postalCode: z.string().check(z.minLength(1)),
  country: z.string().check(z.regex(/^[A-Z]{2}$/)),
});

/** Where a shipment goes. */
export type ShipmentAddress = z.infer<typeof ShipmentAddressSchema>;

/** One shipped sku and its quantity. */
export const ShipmentLineSchema = z.object({
  sku: SkuSchema,
  quantity: z.int().check(z.minimum(1)),
});

/** One shipped sku and its quantity. */
export type ShipmentLine = z.infer<typeof ShipmentLineSchema>;

/** A shipment: exactly one per confirmed order. */
export const ShipmentSchema = z.object({
  shipmentId: z.uuid(),
  orderId: z.uuid(),
  customerId: z.string().check(z.minLength(1), z.maxLength(128)),
  status: ShipmentStatusSchema,
  lines: z.array(ShipmentLineSchema).check(z.minLength(1)),
  shippingAddress: ShipmentAddressSchema,
  createdAt: z.iso.datetime(),
});

/** A shipment. */
export type Shipment = z.infer<typeof ShipmentSchema>;

/** `ShipmentCreated` v1: shipping created the (one) shipment of a confirmed order. */
export const ShipmentCreatedSchema = eventEnvelopeSchema(SHIPMENT_CREATED, SHIPMENT_CREATED_VERSION, ShipmentSchema);

/** `ShipmentCreated` v1 event, envelope included. */
export type ShipmentCreated = z.infer<typeof ShipmentCreatedSchema>;

/** Builds a `ShipmentCreated` envelope; `id`/`time` default to a new UUID and now. */
export const createShipmentCreated = (input: { shipment: Shipment; correlationId: string; id?: string; time?: string }): ShipmentCreated =>
  createEnvelope({
    type: SHIPMENT_CREATED,
    version: SHIPMENT_CREATED_VERSION,
    source: SHIPPING_SOURCE,
    correlationId: input.correlationId,
    data: input.shipment,
    id: input.id,
    time: input.time,
  });
