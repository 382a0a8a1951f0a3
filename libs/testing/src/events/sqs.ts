import type { SNSMessageAttributes, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/** One message of {@link sqsEvent}: a body (string as is, anything else as JSON) and optional parts. */
export interface SqsMessageInput {
  readonly body: unknown;
  /** @default `msg-<index>` */
  readonly messageId?: string;
  /** String message attributes. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** @default '1' */
  readonly receiveCount?: number;
}

/** Options of {@link sqsEvent}. */
export interface SqsEventOptions {
  /** @default 'arn:aws:sqs:eu-west-1:123456789012:test-queue' */
  readonly queueArn?: string;
}

/**
 * An SQS event source mapping batch, one record per message.
 * @example sqsEvent([{ body: { orderId: 'o-1' } }, { body: 'raw', messageId: 'm-2', receiveCount: 3 }])
 */
export const sqsEvent = (messages: readonly SqsMessageInput[], options: SqsEventOptions = {}): SQSEvent => ({
  Records: messages.map((message, index) => sqsRecord(message, index, options.queueArn)),
});

/**
 * An SQS batch as a queue subscribed to an SNS topic (raw delivery off) receives it: each body is
 * an SNS notification whose `Message` is the JSON of the given event, with a `type` message
 * attribute taken from the event's `type` field (as the shop's publishers set it).
 */
export const sqsEventFromSns = (events: readonly unknown[], options: SqsEventOptions & { readonly topicArn?: string } = {}): SQSEvent =>
  sqsEvent(
    events.map((event, index) => ({ body: snsNotification(event, index, options.topicArn), messageId: `msg-${index}` })),
    options,
  );

/** The JSON body SNS delivers to a subscribed SQS queue (raw delivery off). */
export const snsNotification = (event: unknown, index = 0, topicArn = DEFAULT_TOPIC_ARN) => ({
  Type: 'Notification',
  MessageId: `sns-${index}`,
  TopicArn: topicArn,
  Message: typeof event === 'string' ? event : JSON.stringify(event),
  Timestamp: '2026-01-01T00:00:00.000Z',
  SignatureVersion: '1',
  Signature: 'EXAMPLE',
  SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/cert.pem',
  UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
  MessageAttributes: typeAttribute(event),
});

/** Default topic ARN of the SNS builders. */
export const DEFAULT_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:test-topic';

const DEFAULT_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:test-queue';

const typeAttribute = (event: unknown): SNSMessageAttributes => {
  const type = typeof event === 'object' && event !== null && 'type' in event && typeof event.type === 'string' ? event.type : undefined;
  return type ? { type: { Type: 'String', Value: type } } : {};
};

const sqsRecord = (message: SqsMessageInput, index: number, queueArn = DEFAULT_QUEUE_ARN): SQSRecord => {
  const body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
  const messageAttributes: SQSMessageAttributes = Object.fromEntries(
    Object.entries(message.attributes ?? {}).map(([name, value]) => [
      name,
      { dataType: 'String', stringValue: value, stringListValues: [], binaryListValues: [] },
    ]),
  );
  return {
    messageId: message.messageId ?? `msg-${index}`,
    receiptHandle: `receipt-${index}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount ?? 1),
      SentTimestamp: '1767225600000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1767225600000',
    },
    messageAttributes,
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'eu-west-1',
  };
};
