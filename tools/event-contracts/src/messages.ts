import type { MessageContract, ProducerContracts } from '@shop/domain';
import { toJsonSchema, type JsonSchema } from './json-schema';

/** One declared message with what the tools derive from it: its type, version and JSON Schema. */
export interface ResolvedMessage {
  /** The channel id it travels on. */
  readonly channel: string;
  /** The envelope `type` literal, e.g. `OrderConfirmed`. */
  readonly type: string;
  /** The envelope `version` literal. */
  readonly version: number;
  /** `OrderConfirmed v1`: how findings and snapshots name it. */
  readonly key: string;
  /** The envelope's JSON Schema. */
  readonly payload: JsonSchema;
  readonly contract: MessageContract;
}

/** How a message is named in findings and snapshots: `<type> v<version>`. */
const messageKey = (type: string, version: number): string => `${type} v${version}`;

const literalOf = (payload: JsonSchema, field: 'type' | 'version'): unknown => payload.properties?.[field]?.const;

/**
 * Every message a producer declares, with its type and version read from its envelope schema's
 * literals (so they cannot disagree with what is parsed).
 * @throws Error when a schema is not an event envelope, or a type and version is declared twice.
 */
export const resolveMessages = (producer: ProducerContracts): ResolvedMessage[] => {
  const seen = new Set<string>();
  return Object.entries(producer.channels).flatMap(([channel, declaration]) =>
    declaration.messages.map((contract) => {
      const payload = toJsonSchema(contract.schema);
      const type = literalOf(payload, 'type');
      const version = literalOf(payload, 'version');
      if (typeof type !== 'string' || typeof version !== 'number') {
        throw new Error(
          `${producer.service}/${channel}: a message schema is not an event envelope (eventEnvelopeSchema(type, version, data)).`,
        );
      }
      const key = messageKey(type, version);
      if (seen.has(key)) throw new Error(`${producer.service}: ${key} is declared twice.`);
      seen.add(key);
      return { channel, type, version, key, payload, contract };
    }),
  );
};
