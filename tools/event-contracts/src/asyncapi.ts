import { CORRELATION_ID_ATTRIBUTE, MESSAGE_TYPE_ATTRIBUTE, type ProducerContracts } from '@shop/domain';
import type { JsonSchema } from './json-schema';
import { resolveMessages, type ResolvedMessage } from './messages';
import type { Subscription } from './subscriptions';

/** Where a producer's AsyncAPI document is written, relative to the workspace root. */
export const asyncApiPath = (service: string): string => `dist/libs/contracts/${service}/asyncapi.json`;

/** The AsyncAPI version the documents are written in. */
const ASYNCAPI_VERSION = '3.1.0';

/** An AsyncAPI 3 document, as plain JSON. */
export type AsyncApiDocument = Readonly<Record<string, unknown>>;

const componentName = (message: ResolvedMessage): string => `${message.type}V${message.version}`;

/**
 * The message attributes (AsyncAPI `headers`) a message travels with: the standard `type` and
 * `correlationId` every publisher in `@shop/messaging` sets, plus the producer's extra ones.
 */
const headersOf = (message: ResolvedMessage): JsonSchema => {
  const extra = Object.entries(message.contract.attributes ?? {});
  return {
    type: 'object',
    description:
      'SNS/SQS message attributes (DataType String). Subscription filter policies match on them without parsing the body; the shop filters on `type`.',
    properties: {
      [MESSAGE_TYPE_ATTRIBUTE]: {
        type: 'string',
        const: message.type,
        description: 'The envelope `type`. Every subscription filters on it, e.g. `{"type": ["' + message.type + '"]}`.',
      },
      [CORRELATION_ID_ATTRIBUTE]: { type: 'string', description: 'The envelope `correlationId`, for tools that do not parse bodies.' },
      ...Object.fromEntries(extra.map(([name, description]) => [name, { type: 'string', description: `${description} Filterable.` }])),
    },
    required: [MESSAGE_TYPE_ATTRIBUTE, CORRELATION_ID_ATTRIBUTE, ...extra.map(([name]) => name)],
  };
};

const messageObject = (message: ResolvedMessage): Record<string, unknown> => ({
  name: message.type,
  title: `${message.type} v${message.version}`,
  summary: message.contract.summary,
  contentType: 'application/json',
  headers: headersOf(message),
  payload: message.payload,
  'x-filter-policy': { [MESSAGE_TYPE_ATTRIBUTE]: [message.type] },
});

/**
 * The AsyncAPI 3 document of a producer, generated from its declared contracts: one channel per
 * SNS topic or command queue (found through its SSM parameter: the address is resolved at deploy
 * time, so it is `null` here), one operation per channel (`send` for a topic the service publishes
 * to, `receive` for a command queue it owns), and one message per declared type and version with
 * its envelope JSON Schema as payload and its message attributes as headers. A topic lists the
 * consumers' subscriptions to it (`x-subscriptions`: who, and the filter policy they use).
 * @param subscriptions every consumer's subscriptions ({@link readSubscriptions}); those to other topics are ignored.
 */
export const buildAsyncApi = (producer: ProducerContracts, subscriptions: readonly Subscription[] = []): AsyncApiDocument => {
  const messages = resolveMessages(producer);
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const [id, channel] of Object.entries(producer.channels)) {
    const own = messages.filter((message) => message.channel === id);
    channels[id] = {
      address: null,
      title: id,
      description: `${channel.description} ${channel.kind === 'sns-topic' ? 'SNS topic' : 'SQS queue'}; its ${channel.kind === 'sns-topic' ? 'ARN' : 'URL'} is in the SSM parameter \`${channel.address}\`.`,
      messages: Object.fromEntries(
        own.map((message) => [componentName(message), { $ref: `#/components/messages/${componentName(message)}` }]),
      ),
      'x-ssm-parameter': channel.address,
      'x-kind': channel.kind,
      ...(channel.kind === 'sns-topic'
        ? {
            'x-subscriptions': subscriptions
              .filter((subscription) => subscription.topicParameter === channel.address)
              .map(({ consumer, subscription, filterPolicy, rawMessageDelivery }) => ({
                consumer,
                subscription,
                filterPolicy,
                rawMessageDelivery,
              })),
          }
        : {}),
    };
    const verb = channel.action === 'send' ? 'publish' : 'receive';
    operations[`${verb}${id.charAt(0).toUpperCase()}${id.slice(1)}`] = {
      action: channel.action,
      channel: { $ref: `#/channels/${id}` },
      summary:
        channel.action === 'send'
          ? `The ${producer.service} service publishes these on ${id}.`
          : `The ${producer.service} service receives these on ${id}; others send them.`,
      messages: own.map((message) => ({ $ref: `#/channels/${id}/messages/${componentName(message)}` })),
    };
  }
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: `Serverless Shop: ${producer.service} messages`,
      version: '1.0.0',
      description: `${producer.description} Every message is the shared JSON envelope \`{ id, type, version, source, time, correlationId, data }\`; \`type\` and \`version\` name it. Generated from @shop/${producer.service}-contracts (src/producer.ts).`,
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages: Object.fromEntries(messages.map((message) => [componentName(message), messageObject(message)])) },
  };
};
