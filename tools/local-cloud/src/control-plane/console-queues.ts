import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { QueueDef } from '../assembly/model';
import type { Messaging } from '../emulators/messaging';

/** Messages shown per queue (the oldest ready ones, then those in flight). */
const PEEKED = 10;
/** Messages one redrive moves at most (it says how many are left). */
const MAX_REDRIVE = 1000;

/** A message as fauxqs's inspection endpoint shows it (`GET /_fauxqs/queues/<name>`: nothing is received or hidden). */
const INSPECTED_MESSAGE = z.object({
  messageId: z.string(),
  body: z.string(),
  messageAttributes: z.record(z.string(), z.object({ DataType: z.string(), StringValue: z.string().optional() }).loose()).default({}),
  sentTimestamp: z.number(),
  approximateReceiveCount: z.number(),
});
const INSPECTED_QUEUE = z.object({
  messages: z.object({
    ready: z.array(INSPECTED_MESSAGE),
    delayed: z.array(INSPECTED_MESSAGE),
    inflight: z.array(z.object({ message: INSPECTED_MESSAGE, visibilityDeadline: z.number() })),
  }),
});

const REDRIVE_POLICY = z.object({ deadLetterTargetArn: z.string(), maxReceiveCount: z.coerce.number() });

/** A queue's state for the console. */
export interface QueueState {
  service: string;
  name: string;
  /** Messages ready to be received. */
  depth: number;
  /** Received and not yet deleted (hidden until their visibility timeout). */
  inFlight: number;
  delayed: number;
  /** Where its failed messages go, after `maxReceiveCount` receives. */
  deadLetterQueue?: { name: string; maxReceiveCount: number };
  /** The queues whose dead-letter queue this is (a redrive moves its messages back to the one). */
  deadLetterOf: string[];
  /** Up to 10 messages, peeked without receiving them (ready first, then in flight). */
  messages: {
    messageId: string;
    body: string;
    attributes: Record<string, string>;
    sentAt: string;
    receiveCount: number;
    inFlight: boolean;
  }[];
}

const nameOfArn = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

function redriveOf(queue: QueueDef): z.infer<typeof REDRIVE_POLICY> | undefined {
  const text = queue.attributes.RedrivePolicy;
  if (!text) return undefined;
  const parsed = REDRIVE_POLICY.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Every queue of the model with its depth, in-flight and delayed counts and a peek at its
 * messages, read through fauxqs's non-destructive inspection (a ReceiveMessage would count as a
 * receive towards the redrive policy's maxReceiveCount and hide the message from its consumer).
 */
export async function queueStates(queues: QueueDef[], messagingEndpoint: string): Promise<QueueState[]> {
  return Promise.all(
    queues.map(async (queue): Promise<QueueState> => {
      const response = await fetch(`${messagingEndpoint}/_fauxqs/queues/${encodeURIComponent(queue.name)}`);
      const { messages } = response.ok
        ? INSPECTED_QUEUE.parse(await response.json())
        : { messages: { ready: [], delayed: [], inflight: [] } };
      const redrive = redriveOf(queue);
      const shown = [
        ...messages.ready.map((message) => ({ message, inFlight: false })),
        ...messages.inflight.map(({ message }) => ({ message, inFlight: true })),
      ].slice(0, PEEKED);
      return {
        service: queue.service,
        name: queue.name,
        depth: messages.ready.length,
        inFlight: messages.inflight.length,
        delayed: messages.delayed.length,
        deadLetterQueue: redrive && { name: nameOfArn(redrive.deadLetterTargetArn), maxReceiveCount: redrive.maxReceiveCount },
        deadLetterOf: queues.filter((source) => redriveOf(source)?.deadLetterTargetArn === queue.arn).map((source) => source.name),
        messages: shown.map(({ message, inFlight }) => ({
          messageId: message.messageId,
          body: message.body,
          attributes: Object.fromEntries(
            Object.entries(message.messageAttributes).map(([key, value]) => [key, value.StringValue ?? `(${value.DataType})`]),
          ),
          sentAt: new Date(message.sentTimestamp).toISOString(),
          receiveCount: message.approximateReceiveCount,
          inFlight,
        })),
      };
    }),
  );
}

/**
 * Moves the messages of a dead-letter queue back to the one queue whose redrive policy names it
 * (as SQS's "start DLQ redrive" does): each is received, sent to the source queue with its body,
 * attributes and FIFO group, then deleted from the dead-letter queue. At most 1000 per call.
 */
export async function redrive(
  deadLetterQueue: string,
  queues: QueueDef[],
  messaging: Pick<Messaging, 'sqs'>,
): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const dlq = queues.find((queue) => queue.name === deadLetterQueue);
  if (!dlq) return { statusCode: 404, body: { message: `no queue ${deadLetterQueue}` } };
  const sources = queues.filter((queue) => redriveOf(queue)?.deadLetterTargetArn === dlq.arn);
  if (sources.length !== 1) {
    return {
      statusCode: 400,
      body: {
        message:
          sources.length === 0
            ? `${deadLetterQueue} is no queue's dead-letter queue: nothing to redrive it to`
            : `${deadLetterQueue} is the dead-letter queue of ${sources.map((source) => source.name).join(', ')}: which one is ambiguous`,
      },
    };
  }
  const source = sources[0];
  const { sqs } = messaging;
  const urlOf = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
  const [from, to] = await Promise.all([urlOf(dlq.name), urlOf(source.name)]);
  const fifo = source.attributes.FifoQueue === 'true';
  let moved = 0;
  while (moved < MAX_REDRIVE) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: to,
          MessageBody: message.Body ?? '',
          MessageAttributes: message.MessageAttributes,
          ...(fifo
            ? {
                MessageGroupId: message.Attributes?.MessageGroupId ?? 'redrive',
                MessageDeduplicationId: message.Attributes?.MessageDeduplicationId ?? message.MessageId,
              }
            : {}),
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: from, ReceiptHandle: message.ReceiptHandle }));
      moved += 1;
    }
  }
  return { statusCode: 200, body: { deadLetterQueue: dlq.name, source: source.name, moved } };
}
