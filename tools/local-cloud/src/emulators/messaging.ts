import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { QueueDef, SubscriptionDef, TopicDef } from '../assembly/model';
import { LOCAL_REGION } from '../assembly/naming';
import type { Logger } from '../log';
import type { QueueMessage, SqsQueueApi } from '../pollers/sqs-poller';
import { awsJsonCall } from './aws-json-client';

const without = (attributes: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(attributes).filter(([key]) => key !== name));

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * SQS and SNS through fauxqs, embedded in the local cloud's process and listening on
 * 127.0.0.1 only. Queues, topics and subscriptions are created through the ordinary SQS and SNS
 * APIs, the way CloudFormation would create them.
 */
export class Messaging {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** Subscription ARNs this process created, by `<service>|<topic>|<endpoint>`. */
  private readonly subscriptionArns = new Map<string, string>();

  private constructor(
    private readonly app: ReturnType<typeof buildApp>,
    readonly endpoint: string,
    private readonly logger: Logger,
  ) {
    const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    this.sqs = new SQSClient(config);
    this.sns = new SNSClient(config);
  }

  /**
   * ReceiveMessage and DeleteMessageBatch for the pollers, over the SQS JSON protocol without the
   * SDK. Its own agent, unbounded: every poller keeps a long poll open.
   */
  readonly queueApi: SqsQueueApi = (() => {
    const agent = new http.Agent({ keepAlive: true });
    const call = <T>(action: string, body: unknown, signal?: AbortSignal) =>
      awsJsonCall<T>(this.endpoint, `AmazonSQS.${action}`, body, { service: 'sqs', version: '1.0', signal, agent });
    return {
      receiveMessages: async ({ queueUrl, maxNumberOfMessages, waitTimeSeconds }, signal) => {
        const { Messages = [] } = await call<{ Messages?: QueueMessage[] }>(
          'ReceiveMessage',
          {
            QueueUrl: queueUrl,
            MaxNumberOfMessages: maxNumberOfMessages,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          },
          signal,
        );
        return Messages;
      },
      deleteMessages: async (queueUrl, receiptHandles) => {
        const { Failed = [] } = await call<{ Failed?: { Id: string; Code?: string; Message?: string }[] }>('DeleteMessageBatch', {
          QueueUrl: queueUrl,
          Entries: receiptHandles.map((receiptHandle, index) => ({ Id: String(index), ReceiptHandle: receiptHandle })),
        });
        if (Failed.length > 0) {
          throw new Error(
            `${Failed.length} of ${receiptHandles.length} deletes failed (${Failed[0].Code}: ${Failed[0].Message}); those messages come back after the visibility timeout`,
          );
        }
      },
    };
  })();

  /** `s3StorageDir` (`--persist`): S3 objects kept as files there (fauxqs's file storage) instead of in memory. */
  static async start(port: number, logger: Logger, s3StorageDir?: string): Promise<Messaging> {
    const files = s3StorageDir ? await (await import('./fauxqs-s3-files')).fileBackedS3(s3StorageDir) : undefined;
    const app = buildApp({
      logger: false,
      defaultRegion: LOCAL_REGION,
      ...(files ? { stores: { s3Store: files.s3Store } as NonNullable<Parameters<typeof buildApp>[0]>['stores'] } : {}),
    });
    if (files) app.addHook('preClose', () => files.close());
    await app.listen({ port, host: '127.0.0.1' });
    const address = app.server.address() as AddressInfo;
    return new Messaging(app, `http://127.0.0.1:${address.port}`, logger);
  }

  /** Creates or updates queues; dead-letter queues first, redrive policies once every queue exists. */
  async ensureQueues(queues: QueueDef[]): Promise<void> {
    for (const queue of queues) {
      const attributes = without(queue.attributes, 'RedrivePolicy');
      const existing = await this.queueExists(queue.name);
      if (existing) {
        if (Object.keys(attributes).length) {
          const changeable = without(attributes, 'FifoQueue');
          if (Object.keys(changeable).length)
            await this.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: changeable }));
        }
      } else {
        await this.sqs.send(new CreateQueueCommand({ QueueName: queue.name, Attributes: attributes }));
      }
    }
    for (const queue of queues.filter((candidate) => candidate.attributes.RedrivePolicy)) {
      await this.sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { RedrivePolicy: queue.attributes.RedrivePolicy } }),
      );
    }
  }

  async ensureTopics(topics: TopicDef[]): Promise<void> {
    for (const topic of topics) {
      await this.sns.send(new CreateTopicCommand({ Name: topic.name, Attributes: topic.attributes }));
    }
  }

  /** Subscribes queues to topics (protocol sqs). Other protocols are answered by the caller. */
  async ensureSubscriptions(
    subscriptions: SubscriptionDef[],
    key = (subscription: SubscriptionDef) => `${subscription.service}|${subscription.logicalId}`,
  ): Promise<void> {
    for (const subscription of subscriptions) {
      const result = await this.sns.send(
        new SubscribeCommand({
          TopicArn: subscription.topicArn,
          Protocol: subscription.protocol,
          Endpoint: subscription.endpoint,
          Attributes: subscription.attributes,
          ReturnSubscriptionArn: true,
        }),
      );
      if (result.SubscriptionArn) this.subscriptionArns.set(key(subscription), result.SubscriptionArn);
    }
  }

  /** Removes the subscriptions, queues and topics of a service before its new assembly is applied. */
  async removeSubscriptions(service: string): Promise<void> {
    for (const [key, subscriptionArn] of [...this.subscriptionArns]) {
      if (!key.startsWith(`${service}|`)) continue;
      await this.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })).catch(() => undefined);
      this.subscriptionArns.delete(key);
    }
  }

  async deleteQueue(queue: QueueDef): Promise<void> {
    await this.sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url })).catch(() => undefined);
  }

  async deleteTopic(topic: TopicDef): Promise<void> {
    await this.sns.send(new DeleteTopicCommand({ TopicArn: topic.arn })).catch(() => undefined);
  }

  async queueDepth(queueUrl: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  private async queueExists(name: string): Promise<boolean> {
    try {
      await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      return true;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    this.sqs.destroy();
    this.sns.destroy();
    await this.app.close();
    this.logger.debug('fauxqs stopped');
  }
}
