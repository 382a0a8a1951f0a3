import type * as z from 'zod/mini';

/**
 * One message a service sends or receives on a channel, as its producer declares it: the envelope
 * schema built with `eventEnvelopeSchema(type, version, data)` (its `type` and `version` literals name
 * the message), what it means, and the extra String message attributes its publisher sets besides the
 * standard `type` and `correlationId`.
 */
export interface MessageContract {
  /** The envelope schema, e.g. `OrderConfirmedSchema`; its `type` and `version` literals identify the message. */
  readonly schema: z.core.$ZodType;
  /** One line: what happened (an event) or what is asked (a command). */
  readonly summary: string;
  /**
   * Extra String message attributes the publisher sets (name → what it holds), which subscription
   * filter policies may match on, e.g. `{ change: 'created, updated or deleted' }`.
   * @default none
   */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A channel a producer's messages travel on: its SNS topic, or a command queue it owns. */
export interface ChannelContract {
  /** `sns-topic` (events, fan-out through subscriptions) or `sqs-queue` (commands, one owner). */
  readonly kind: 'sns-topic' | 'sqs-queue';
  /**
   * Where others find the channel at deploy time: the SSM parameter holding its ARN or URL, with
   * `{stage}` for the stage, e.g. `/shop/{stage}/order/topic-arn`.
   */
  readonly address: string;
  /** What the channel carries. */
  readonly description: string;
  /**
   * What the owning service does on it: `send` (it publishes the events), `receive` (others send it
   * commands, e.g. basket's `PlaceOrder` to the order intake queue).
   */
  readonly action: 'send' | 'receive';
  /** The messages, every version still produced: a bump lists v1 and v2 until producers stop v1. */
  readonly messages: readonly MessageContract[];
}

/**
 * Everything a service's contracts project promises on its asynchronous channels: the single source
 * of its AsyncAPI document and of its contract snapshot (the compatibility check). Adding a message to
 * a channel's list puts it in both.
 */
export interface ProducerContracts {
  /** The service, e.g. `order`. */
  readonly service: string;
  /** One paragraph on what the service publishes. */
  readonly description: string;
  /** The channels by id, e.g. `orderEvents`. */
  readonly channels: Readonly<Record<string, ChannelContract>>;
}
