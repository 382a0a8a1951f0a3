import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORRELATION_ID_ATTRIBUTE, MESSAGE_TYPE_ATTRIBUTE, type ProducerContracts } from '@shop/domain';
import * as z from 'zod';
import { resolveMessages } from './messages';

/** The stage whose synthesized templates the subscriptions are read from. */
const SUBSCRIPTIONS_STAGE = 'dev';

/** A consumer's subscription to a producer's topic, as its synthesized stack declares it. */
export interface Subscription {
  /** The consuming service, e.g. `basket`. */
  readonly consumer: string;
  /** The subscription's construct, e.g. `OrderEvents` (the consumer's `EventSubscription` id). */
  readonly subscription: string;
  /** The SSM parameter the topic's ARN is read from, with `{stage}`, e.g. `/shop/{stage}/order/topic-arn`. */
  readonly topicParameter: string;
  /** The SNS filter policy: message attribute → accepted values. */
  readonly filterPolicy: Readonly<Record<string, readonly string[]>>;
  /** Whether SQS receives the envelope itself rather than SNS's notification wrapper. */
  readonly rawMessageDelivery: boolean;
}

const TemplateSchema = z.object({
  Parameters: z.record(z.string(), z.looseObject({ Default: z.string().optional() })).optional(),
  Resources: z.record(z.string(), z.looseObject({ Type: z.string(), Properties: z.record(z.string(), z.unknown()).optional() })),
});

const SubscriptionPropertiesSchema = z.looseObject({
  Protocol: z.literal('sqs'),
  TopicArn: z.object({ Ref: z.string() }),
  FilterPolicy: z.record(z.string(), z.array(z.string())).optional(),
  RawMessageDelivery: z.boolean().optional(),
});

/**
 * Every SNS subscription of the consumers' stacks, read from their committed synthesized templates
 * (`apps/<service>/src/infra/__tests__/templates/shop-<stage>-<service>.template.json`, which the
 * template guard keeps equal to what the stacks synthesize): the filter policies consumers use.
 */
export const readSubscriptions = (root: string, stage: string = SUBSCRIPTIONS_STAGE): Subscription[] =>
  readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const consumer = entry.name;
      let text: string;
      try {
        text = readFileSync(
          join(root, 'apps', consumer, 'src/infra/__tests__/templates', `shop-${stage}-${consumer}.template.json`),
          'utf8',
        );
      } catch {
        return [];
      }
      const template = TemplateSchema.parse(JSON.parse(text));
      return Object.entries(template.Resources)
        .filter(([, resource]) => resource.Type === 'AWS::SNS::Subscription')
        .map(([logicalId, resource]) => {
          const properties = SubscriptionPropertiesSchema.parse(resource.Properties);
          const parameter = template.Parameters?.[properties.TopicArn.Ref]?.Default;
          if (parameter === undefined)
            throw new Error(`${consumer}: ${logicalId} subscribes to a topic not found through an SSM parameter.`);
          return {
            consumer,
            subscription: logicalId.replace(/Queue.*$/, ''),
            topicParameter: parameter.replace(`/shop/${stage}/`, '/shop/{stage}/'),
            filterPolicy: properties.FilterPolicy ?? {},
            rawMessageDelivery: properties.RawMessageDelivery ?? false,
          };
        });
    });

/**
 * What the consumers' subscriptions ask for that no producer declares, one line each: a topic that is
 * no declared channel, a `type` in a filter policy that is not declared on that topic, a filter on an
 * attribute the messages do not carry. Empty when every subscription matches the declarations.
 */
export const checkSubscriptions = (producers: readonly ProducerContracts[], subscriptions: readonly Subscription[]): string[] =>
  subscriptions.flatMap((subscription) => {
    const name = `${subscription.consumer}'s ${subscription.subscription} subscription`;
    const channel = producers
      .flatMap((producer) => Object.values(producer.channels))
      .find((candidate) => candidate.kind === 'sns-topic' && candidate.address === subscription.topicParameter);
    if (!channel) return [`${name}: ${subscription.topicParameter} is no producer's declared topic.`];
    const messages = resolveMessages({ service: subscription.consumer, description: '', channels: { topic: channel } });
    const problems: string[] = [];
    for (const type of subscription.filterPolicy[MESSAGE_TYPE_ATTRIBUTE] ?? []) {
      if (!messages.some((message) => message.type === type))
        problems.push(`${name}: filters on ${MESSAGE_TYPE_ATTRIBUTE} = ${type}, which the topic does not declare.`);
    }
    for (const attribute of Object.keys(subscription.filterPolicy)) {
      const carried = messages.every(
        (message) =>
          attribute === MESSAGE_TYPE_ATTRIBUTE ||
          attribute === CORRELATION_ID_ATTRIBUTE ||
          attribute in (message.contract.attributes ?? {}),
      );
      if (!carried) problems.push(`${name}: filters on the attribute ${attribute}, which not every message of the topic carries.`);
    }
    return problems;
  });
