/**
 * Faults on demand, through the local cloud's control plane (`/_local/faults`, secret-protected),
 * and a probe that hears what a topic publishes (an SQS queue of the test's own, subscribed to it
 * through the local cloud's AWS endpoint, with the control secret as credentials).
 */
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { baseUrl, localCloud, localCloudCredentials, runId } from './http';

/** A fault rule as `/_local/faults` takes it (see tools/local-cloud/README.md, "Faults"). */
export type FaultRule =
  | {
      kind: 'aws';
      service: 'dynamodb' | 'sqs' | 'sns';
      operations?: string[];
      resource?: string;
      error: 'unavailable' | 'throttle';
      count?: number;
      seconds?: number;
    }
  | { kind: 'function'; function: string; mode: 'crash-after' | 'timeout-after' | 'crash-before'; count: number }
  | { kind: 'execution'; stateMachine: string; afterState: string; action: 'stop'; count?: number };

/** A rule as the local cloud lists it. */
export interface ActiveFault {
  id: string;
  hits: number;
  remaining: number | null;
}

/** Sets a fault; returns its id. */
export const injectFault = async (rule: FaultRule): Promise<string> =>
  (await localCloud<{ id: string }>('POST', '/_local/faults', rule)).id;

/** How often the fault fired so far. */
export const faultHits = async (id: string): Promise<number> =>
  (await localCloud<ActiveFault>('GET', `/_local/faults/${encodeURIComponent(id)}`)).hits;

/** Removes every fault. */
export const clearFaults = (): Promise<unknown> => localCloud('DELETE', '/_local/faults');

/** SDK client settings for the local cloud's AWS endpoint of `service` (SigV4 with the control secret). */
const awsConfig = (service: string) => ({
  endpoint: `${baseUrl()}/_aws/${service}`,
  region: 'us-east-1',
  credentials: localCloudCredentials(),
  maxAttempts: 2,
});

/** The value of an SSM parameter the stacks publish (e.g. `/shop/local/order/topic-arn`). */
export async function ssmParameter(name: string): Promise<string> {
  const { Parameter } = await new SSMClient(awsConfig('ssm')).send(new GetParameterCommand({ Name: name }));
  if (!Parameter?.Value) throw new Error(`no SSM parameter ${name}`);
  return Parameter.Value;
}

/** One event envelope as a producer published it. */
export interface HeardEvent {
  id: string;
  type: string;
  time: string;
  data: Record<string, unknown> & { orderId?: string };
}

/**
 * An SQS queue of the test's own subscribed (raw delivery) to a topic: everything published to the
 * topic from now on can be read back with {@link EventProbe.drain}.
 */
export class EventProbe {
  private readonly heard: HeardEvent[] = [];

  private constructor(
    private readonly sqs: SQSClient,
    private readonly sns: SNSClient,
    private readonly queueUrl: string,
    private readonly subscriptionArn: string,
  ) {}

  static async on(topicArn: string, label: string): Promise<EventProbe> {
    const sqs = new SQSClient(awsConfig('sqs'));
    const sns = new SNSClient(awsConfig('sns'));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `e2e-probe-${label}-${runId.toLowerCase()}` }));
    if (!QueueUrl) throw new Error('no probe queue');
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    if (!SubscriptionArn) throw new Error('no probe subscription');
    return new EventProbe(sqs, sns, QueueUrl, SubscriptionArn);
  }

  /** Reads what arrived so far (and keeps it): every event heard since the probe was set. */
  async drain(): Promise<HeardEvent[]> {
    for (;;) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return [...this.heard];
      for (const message of Messages) this.heard.push(JSON.parse(message.Body ?? '{}') as HeardEvent);
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  }

  async close(): Promise<void> {
    await this.sns.send(new UnsubscribeCommand({ SubscriptionArn: this.subscriptionArn })).catch(() => undefined);
    await this.sqs.send(new DeleteQueueCommand({ QueueUrl: this.queueUrl })).catch(() => undefined);
  }
}
