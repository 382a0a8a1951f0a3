import { MalformedMessageError } from './errors';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * True for the JSON wrapper SNS puts around a message delivered to SQS without raw message
 * delivery (`{ Type: 'Notification', TopicArn, Message, ... }`). An envelope never has `Type`.
 */
export const isSnsNotification = (value: unknown): value is { Type: 'Notification'; TopicArn: string; Message: string } =>
  isRecord(value) && value.Type === 'Notification' && typeof value.TopicArn === 'string' && typeof value.Message === 'string';

/**
 * The message inside an SQS record body, whichever way it came: sent directly (`SendMessage`),
 * from SNS with raw message delivery, or from SNS wrapped in a notification.
 * @throws MalformedMessageError when the body (or the notification's `Message`) is not JSON.
 */
export const unwrapMessageBody = (body: string, messageId = 'unknown'): unknown => {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new MalformedMessageError(messageId, { cause: error });
    }
  };
  const outer = parse(body);
  return isSnsNotification(outer) ? parse(outer.Message) : outer;
};
