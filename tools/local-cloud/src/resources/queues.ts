import { queueArn } from '../assembly/naming';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    queues: QueueDef[];
  }
}

export interface QueueDef extends ResourceBase {
  name: string;
  url: string;
  arn: string;
  /** SQS attributes as CreateQueue/SetQueueAttributes take them (RedrivePolicy as JSON text). */
  attributes: Record<string, string>;
}

const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

function queueAttributes(props: (name: string) => unknown): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of QUEUE_ATTRIBUTES) {
    const value = props(name);
    if (value !== undefined) attributes[name] = String(value);
  }
  const redrive = props('RedrivePolicy');
  if (redrive !== undefined) attributes.RedrivePolicy = typeof redrive === 'string' ? redrive : JSON.stringify(redrive);
  return attributes;
}

/** Deletes the queues of `old` that `next` does not have (by name). */
export async function deleteDroppedQueues(
  deleteQueue: (queue: QueueDef) => Promise<void>,
  old: QueueDef[],
  next: QueueDef[] | undefined,
): Promise<void> {
  if (!next) return;
  for (const queue of old) if (!next.some((candidate) => candidate.name === queue.name)) await deleteQueue(queue);
}

/** `AWS::SQS::Queue`: a queue in fauxqs (redrive, visibility, FIFO); a redeploy deletes the queues it dropped. */
export const queues = resourceKind<'queues', QueueDef, QueueDef[]>({
  key: 'queues',
  types: ['AWS::SQS::Queue'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const name = context.resolver.physicalName(logicalId);
      return {
        ...context.base(logicalId),
        name,
        url: String(context.resolver.ref(logicalId)),
        arn: queueArn(name),
        attributes: queueAttributes(propertiesOf(context.resolver, logicalId)),
      };
    }),
  apply: async (defs, { runtime }) => {
    await (await runtime.messaging()).ensureQueues(defs);
    return defs;
  },
  teardown: async (state, { runtime }, next) =>
    deleteDroppedQueues(async (queue) => (await runtime.messaging()).deleteQueue(queue), state, next),
  describe: (model) => ({
    queues: model?.queues.map(({ service, name, url, attributes }) => ({ service, name, url, redrive: attributes.RedrivePolicy })),
  }),
  report: (defs) => ({ queues: defs.length }),
});
