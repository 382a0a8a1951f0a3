import { CORRELATION_ID_ATTRIBUTE, MESSAGE_TYPE_ATTRIBUTE, type EventEnvelope } from '@shop/domain';

// Named in @shop/domain, beside the envelope, so the AsyncAPI documents name the same attributes.
export { CORRELATION_ID_ATTRIBUTE, MESSAGE_TYPE_ATTRIBUTE };

/** A String message attribute, the shape SNS `Publish` and SQS `SendMessage` both accept. */
export interface StringMessageAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

/**
 * The message attributes every envelope travels with: `type` and `correlationId`, plus any extra
 * String attributes (e.g. ProductChanged's `change`). Extra names must not shadow the standard ones.
 */
export const envelopeMessageAttributes = (
  envelope: Pick<EventEnvelope, 'type' | 'correlationId'>,
  extra: Readonly<Record<string, string>> = {},
): Record<string, StringMessageAttribute> => {
  const attributes: Record<string, StringMessageAttribute> = {};
  for (const [name, value] of Object.entries(extra)) attributes[name] = { DataType: 'String', StringValue: value };
  attributes[MESSAGE_TYPE_ATTRIBUTE] = { DataType: 'String', StringValue: envelope.type };
  attributes[CORRELATION_ID_ATTRIBUTE] = { DataType: 'String', StringValue: envelope.correlationId };
  return attributes;
};
