import { functionNameOf, lambdaArn, queueArn, queueUrl, stableId, topicArn } from '../assembly/naming';
import { serviceCallRefusal } from '../iam/on-behalf';
import type { InvokeOptions, InvokeOutcome } from '../lambda/function-pool';
import type { Messaging } from '../emulators/messaging';
import { SqsPoller } from '../pollers/sqs-poller';
import type { CloudRuntime } from '../runtime/cloud-runtime';
import type { EventSourceMappingDef } from './event-source-mappings';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';
import { deleteDroppedQueues, type QueueDef } from './queues';

declare module './kind' {
  interface ModelDefs {
    topics: TopicDef[];
    subscriptions: SubscriptionDef[];
  }
}

export interface TopicDef extends ResourceBase {
  name: string;
  arn: string;
  attributes: Record<string, string>;
}

export interface SubscriptionDef extends ResourceBase {
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
}

/** `AWS::SNS::Topic`: a topic in fauxqs; a redeploy deletes the topics it dropped. */
export const topics = resourceKind<'topics', TopicDef, TopicDef[]>({
  key: 'topics',
  types: ['AWS::SNS::Topic'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const props = propertiesOf(context.resolver, logicalId);
      const name = context.resolver.physicalName(logicalId);
      const attributes: Record<string, string> = {};
      for (const attribute of ['FifoTopic', 'ContentBasedDeduplication', 'DisplayName']) {
        if (props(attribute) !== undefined) attributes[attribute] = String(props(attribute));
      }
      return { ...context.base(logicalId), name, arn: topicArn(name), attributes };
    }),
  apply: async (defs, { runtime }) => {
    await (await runtime.messaging()).ensureTopics(defs);
    return defs;
  },
  teardown: async (state, { runtime }, next) => {
    if (!next) return;
    const messaging = await runtime.messaging();
    for (const topic of state) if (!next.some((candidate) => candidate.arn === topic.arn)) await messaging.deleteTopic(topic);
  },
  describe: (model) => ({ topics: model?.topics.map(({ service, name, arn }) => ({ service, name, arn })) }),
  report: (defs) => ({ topics: defs.length }),
});

/** What a service's subscriptions run besides fauxqs's own: the internal queues of its `lambda` subscriptions and their pollers. */
interface SubscriptionsState {
  internalQueues: QueueDef[];
  pollers: SqsPoller[];
}

/**
 * `AWS::SNS::Subscription` (and a topic's inline `Subscription`): `sqs` subscriptions in fauxqs
 * (filter policy and scope, raw delivery); a `lambda` one is an internal queue subscribed in the
 * function's place and polled into SNS events. Applied after every service's topics: a service
 * may subscribe to another's topic; one whose topic is not loaded is reported and skipped.
 */
export const subscriptions = resourceKind<'subscriptions', SubscriptionDef, SubscriptionsState>({
  key: 'subscriptions',
  types: ['AWS::SNS::Subscription', 'AWS::SNS::Topic'],
  read: (context) =>
    readEach(context, (logicalId, type) => {
      const props = propertiesOf(context.resolver, logicalId);
      if (type === 'AWS::SNS::Topic') {
        const inline = (props('Subscription') as { Endpoint: string; Protocol: string }[] | undefined) ?? [];
        if (inline.length === 0) return [];
        const arn = topicArn(context.resolver.physicalName(logicalId));
        return inline.map((subscription, index) => ({
          ...context.base(`${logicalId}.Subscription[${index}]`),
          topicArn: arn,
          protocol: subscription.Protocol,
          endpoint: subscription.Endpoint,
          attributes: {},
        }));
      }
      const attributes: Record<string, string> = {};
      const json = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
      if (props('FilterPolicy') !== undefined) attributes.FilterPolicy = json(props('FilterPolicy'));
      if (props('FilterPolicyScope') !== undefined) attributes.FilterPolicyScope = String(props('FilterPolicyScope'));
      if (props('RawMessageDelivery') !== undefined) attributes.RawMessageDelivery = String(props('RawMessageDelivery'));
      if (props('RedrivePolicy') !== undefined) attributes.RedrivePolicy = json(props('RedrivePolicy'));
      return [
        {
          ...context.base(logicalId),
          topicArn: String(props('TopicArn')),
          protocol: String(props('Protocol')),
          endpoint: String(props('Endpoint')),
          attributes,
        },
      ];
    }).flat(),
  apply: async (defs, { runtime, service }, previous) => {
    const messaging = await runtime.messaging();
    await Promise.all((previous?.pollers ?? []).map((poller) => poller.stop()));
    if (previous) await messaging.removeSubscriptions(service);
    const state: SubscriptionsState = { internalQueues: [], pollers: [] };
    for (const subscription of defs) {
      const where = `subscription ${subscription.stackName}/${subscription.logicalId}`;
      try {
        if (subscription.protocol === 'sqs' && snsMayDeliver(runtime, subscription, 'sqs:SendMessage', subscription.endpoint)) {
          await messaging.ensureSubscriptions([subscription]);
        } else if (subscription.protocol === 'sqs') {
          // The queue's policy does not let the topic send to it: SNS's deliveries fail and are dropped (counted as
          // denials, one per message, in /_local/iam). The topic delivers to an internal queue whose messages are dropped.
          const internal = internalQueueFor(subscription, messaging);
          await messaging.ensureQueues([internal]);
          state.internalQueues.push(internal);
          await messaging.ensureSubscriptions([
            { ...subscription, endpoint: internal.arn, attributes: { ...subscription.attributes, RawMessageDelivery: 'false' } },
          ]);
          state.pollers.push(startSubscriptionPoller(subscription, internal, runtime, messaging, droppedDelivery(runtime, subscription)));
        } else if (subscription.protocol === 'lambda') {
          const internal = internalQueueFor(subscription, messaging);
          await messaging.ensureQueues([internal]);
          state.internalQueues.push(internal);
          await messaging.ensureSubscriptions([
            {
              ...subscription,
              protocol: 'sqs',
              endpoint: internal.arn,
              attributes: { ...subscription.attributes, RawMessageDelivery: 'false' },
            },
          ]);
          state.pollers.push(startSubscriptionPoller(subscription, internal, runtime, messaging, lambdaDelivery(runtime, subscription)));
        } else {
          runtime.logger.warn(`${where}: protocol ${subscription.protocol} is not emulated`);
        }
      } catch (error) {
        runtime.logger.warn(
          `${where} to ${subscription.topicArn} not created: ${(error as Error).message} (is the topic's service loaded?)`,
        );
      }
    }
    return state;
  },
  teardown: async (state, { runtime }, next) => {
    if (!next) {
      await Promise.allSettled(state.pollers.map((poller) => poller.stop()));
      return;
    }
    await deleteDroppedQueues(async (queue) => (await runtime.messaging()).deleteQueue(queue), state.internalQueues, next.internalQueues);
  },
  describe: (model) => ({
    subscriptions: model?.subscriptions.map(({ service, topicArn, protocol, endpoint, attributes }) => ({
      service,
      topicArn,
      protocol,
      endpoint,
      attributes,
      // fauxqs keeps the RedrivePolicy but never redrives: see the README's "What runs where".
      deadLetterQueue: attributes.RedrivePolicy ? { arn: deadLetterTargetOf(attributes.RedrivePolicy), emulated: false } : undefined,
    })),
  }),
  report: (_defs, state) => ({ queues: state?.internalQueues.length ?? 0 }),
});

function internalQueueFor(subscription: SubscriptionDef, messaging: Messaging): QueueDef {
  const name = `local-cloud-sns-${stableId(`${subscription.stackName}/${subscription.logicalId}`, 12)}`;
  return {
    service: subscription.service,
    stackName: subscription.stackName,
    logicalId: `${subscription.logicalId}(lambda subscription)`,
    name,
    url: queueUrl(messaging.endpoint, name),
    arn: queueArn(name),
    attributes: { VisibilityTimeout: '2' },
  };
}

/**
 * Whether SNS may deliver to the subscription's endpoint: the endpoint's resource policy (the queue's
 * `AWS::SQS::QueuePolicy`, the function's `AWS::Lambda::Permission`) must allow `sns.amazonaws.com`
 * with the topic as SourceArn. A denial is logged (and counted) by the IAM gate.
 */
function snsMayDeliver(runtime: CloudRuntime, subscription: SubscriptionDef, action: string, resource: string): boolean {
  return !serviceCallRefusal(runtime.iamGate, { service: 'sns.amazonaws.com', sourceArn: subscription.topicArn, action, resource });
}

const DROPPED = (): InvokeOutcome => ({ requestId: '-', ok: true, payload: null, durationMs: 0 });

/** A message for a queue that does not let the topic deliver: asked again (so counted) and dropped, as SNS drops it. */
function droppedDelivery(runtime: CloudRuntime, subscription: SubscriptionDef): SubscriptionInvoke {
  return async () => {
    snsMayDeliver(runtime, subscription, 'sqs:SendMessage', subscription.endpoint);
    return DROPPED();
  };
}

/**
 * A `lambda` subscription's delivery: the function's resource policy must let the topic invoke it
 * (`lambda:InvokeFunction`); when it does not, SNS cannot deliver and the message is dropped.
 */
function lambdaDelivery(runtime: CloudRuntime, subscription: SubscriptionDef): SubscriptionInvoke {
  const functionName = functionNameOf(subscription.endpoint);
  const invoke = runtime.invokerFor(functionName);
  return (event, options) =>
    snsMayDeliver(runtime, subscription, 'lambda:InvokeFunction', lambdaArn(functionName))
      ? invoke(event, options)
      : Promise.resolve(DROPPED());
}

type SubscriptionInvoke = (event: unknown, options: InvokeOptions) => Promise<InvokeOutcome>;

/** Polls a subscription's internal queue into SNS events, one message per invocation of `invoke`. */
function startSubscriptionPoller(
  subscription: SubscriptionDef,
  internal: QueueDef,
  runtime: CloudRuntime,
  messaging: Messaging,
  invoke: SubscriptionInvoke,
): SqsPoller {
  const functionName = functionNameOf(subscription.endpoint);
  const mapping: EventSourceMappingDef = {
    service: subscription.service,
    stackName: subscription.stackName,
    logicalId: subscription.logicalId,
    uuid: internal.name,
    functionName,
    eventSourceArn: internal.arn,
    kind: 'sqs',
    enabled: true,
    batchSize: 1,
    batchingWindowSeconds: 0,
    reportBatchItemFailures: false,
    startingPosition: 'LATEST',
    maximumRetryAttempts: 2,
    maximumRecordAgeSeconds: -1,
    bisectBatchOnFunctionError: false,
    filterPatterns: [],
  };
  const poller = new SqsPoller(
    mapping,
    { queue: messaging.queueApi, invoke, logger: runtime.logger },
    {
      queueUrl: internal.url,
      shape: 'sns',
      subscriptionArn: `${subscription.topicArn}:${internal.name}`,
      concurrency: runtime.concurrencyOf(functionName),
    },
  );
  poller.start();
  return poller;
}

/** The `deadLetterTargetArn` of a RedrivePolicy (JSON text); undefined when it is not readable. */
function deadLetterTargetOf(redrivePolicy: string): string | undefined {
  try {
    return (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  } catch {
    return undefined;
  }
}
