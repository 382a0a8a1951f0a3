import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import './zod-locale';

/** A stock keeping unit: 3 to 40 upper-case letters, digits or dashes. */
export const SkuSchema = z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/, { error: 'SKU must be 3 to 40 characters of A-Z, 0-9 or "-".' }));

/** A stock keeping unit, e.g. `MUG-001`. */
export type Sku = z.infer<typeof SkuSchema>;

/** A correlation id: any printable token up to 128 characters, carried across every hop. */
export const CorrelationIdSchema = z.string().check(z.regex(/^[\w.:-]{1,128}$/, { error: 'Invalid correlation id.' }));

/** A correlation id shared by every log line, message and event of one request. */
export type CorrelationId = z.infer<typeof CorrelationIdSchema>;

/**
 * An `Idempotency-Key` a client sends with a write it may retry: 1 to 128 characters of letters,
 * digits, `_`, `.`, `:` or `-` (a UUID fits). Each service scopes it to what it keys (basket: the
 * customer; inventory: the sku).
 */
export const IdempotencyKeySchema = z.string({ error: 'Required.' }).check(
  z.regex(/^[\w.:-]{1,128}$/, {
    error: 'Idempotency-Key must be 1 to 128 characters of letters, digits, "_", ".", ":" or "-" (e.g. a UUID).',
  }),
);

/** A UUID used as an entity or event id. */
export const UuidSchema = z.uuid();

/** Makes a new random (v4) UUID. */
export const newId = (): string => globalThis.crypto.randomUUID();

/** Namespace of the shop's name-based ids (a fixed random UUID). */
export const SHOP_ID_NAMESPACE = '0f5d5c2e-6a1b-4f0e-9a4c-7b3e2d1c9f80';

/**
 * A name-based (version 5, SHA-1) UUID: the same name always gives the same id. Use it where a
 * retry must not mint a new id, e.g. an event id derived from the stream record that caused it,
 * so consumers can deduplicate redeliveries.
 */
export const nameBasedId = (name: string, namespace: string = SHOP_ID_NAMESPACE): string => {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
