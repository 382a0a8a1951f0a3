import * as z from 'zod/mini';
import './zod-locale';
import { CorrelationIdSchema, newId, UuidSchema } from './ids';

/** Message attribute holding the envelope `type` (SNS `Publish`, SQS `SendMessage`); subscription filter policies match on it. */
export const MESSAGE_TYPE_ATTRIBUTE = 'type';

/** Message attribute holding the envelope's correlation id (for tools that do not parse bodies). */
export const CORRELATION_ID_ATTRIBUTE = 'correlationId';

/**
 * Builds the schema of one event contract: the shared envelope
 * `{ id, type, version, source, time, correlationId, data }` with a literal `type` and `version`.
 * Producers and consumers both parse with it.
 */
export const eventEnvelopeSchema = <const T extends string, const V extends number, D extends z.core.$ZodType>(
  type: T,
  version: V,
  data: D,
) =>
  z.object({
    id: UuidSchema,
    type: z.literal(type),
    version: z.literal(version),
    source: z.string().check(z.minLength(1)),
    time: z.iso.datetime(),
    correlationId: CorrelationIdSchema,
    data,
  });

/** The envelope every event travels in, whatever its payload. */
export const AnyEventEnvelopeSchema = z.object({
  id: UuidSchema,
  type: z.string().check(z.minLength(1)),
  version: z.int().check(z.positive()),
  source: z.string().check(z.minLength(1)),
  time: z.iso.datetime(),
  correlationId: CorrelationIdSchema,
  data: z.unknown(),
});

/** An event envelope with payload type `D`. */
export interface EventEnvelope<T extends string = string, V extends number = number, D = unknown> {
  /** Unique event id (UUID); consumers deduplicate on it. */
  readonly id: string;
  /** Event name, e.g. `ProductChanged`; SNS filter policies match on it. */
  readonly type: T;
  /** Schema version of `data`; bumped on breaking changes. */
  readonly version: V;
  /** Producing service, e.g. `product`. */
  readonly source: string;
  /** ISO 8601 time the event was created. */
  readonly time: string;
  /** Correlation id of the request that caused the event. */
  readonly correlationId: string;
  /** The payload. */
  readonly data: D;
}

/** Input of {@link createEnvelope}; `id` and `time` default to a new UUID and now. */
export interface CreateEnvelopeInput<T extends string, V extends number, D> {
  readonly type: T;
  readonly version: V;
  readonly source: string;
  readonly correlationId: string;
  readonly data: D;
  readonly id?: string;
  readonly time?: string;
}

/** Wraps a payload in an {@link EventEnvelope}. */
export const createEnvelope = <const T extends string, const V extends number, D>(
  input: CreateEnvelopeInput<T, V, D>,
): EventEnvelope<T, V, D> => ({
  id: input.id ?? newId(),
  type: input.type,
  version: input.version,
  source: input.source,
  time: input.time ?? new Date().toISOString(),
  correlationId: input.correlationId,
  data: input.data,
});
