import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * For integration specs on fauxqs: a queue subscribed to a topic the way consumers
 * subscribe (raw message delivery, a filter policy on message attributes, e.g. basket's
 * `{ type: ['ProductChanged'] }`), and a receive that waits for the expected number of messages.
 */
export const topicSubscriber = (sns: SNSClient, sqs: SQSClient) => ({
  /** A new queue subscribed to `topicArn` with `filterPolicy`; returns its URL. */
  async subscribedQueue(topicArn: string, name: string, filterPolicy: Record<string, string[]>): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${Date.now()}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { FilterPolicy: JSON.stringify(filterPolicy), RawMessageDelivery: 'true' },
      }),
    );
    return QueueUrl as string;
  },

  /** Up to about 5 seconds of long polls, until `expected` messages arrived (not deleted). */
  async receive(queueUrl: string, expected: number): Promise<Message[]> {
    const messages: Message[] = [];
    for (let attempt = 0; attempt < 5 && messages.length < expected; attempt += 1) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
      );
      messages.push(...Messages);
    }
    return messages;
  },
});
