import type { SNSEvent, SNSEventRecord, SNSMessageAttributes } from 'aws-lambda';
import { DEFAULT_TOPIC_ARN } from './sqs';

/**
 * An SNS event as a Lambda subscribed directly to a topic receives it. Each message is a string or
 * an object sent as JSON; an object's `type` field becomes the `type` message attribute.
 */
export const snsEvent = (messages: readonly unknown[], options: { readonly topicArn?: string } = {}): SNSEvent => {
  const topicArn = options.topicArn ?? DEFAULT_TOPIC_ARN;
  return {
    Records: messages.map((message, index): SNSEventRecord => {
      const type =
        typeof message === 'object' && message !== null && 'type' in message && typeof message.type === 'string' ? message.type : undefined;
      const attributes: SNSMessageAttributes = type ? { type: { Type: 'String', Value: type } } : {};
      return {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:0b6941c3-f04d-4d3e-a66d-b1df00e1e381`,
        Sns: {
          Type: 'Notification',
          MessageId: `sns-${index}`,
          TopicArn: topicArn,
          Subject: '',
          Message: typeof message === 'string' ? message : JSON.stringify(message),
          Timestamp: '2026-01-01T00:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/cert.pem',
          UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: attributes,
        },
      };
    }),
  };
};
