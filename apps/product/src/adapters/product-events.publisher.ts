import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ProductChanged } from '@shop/product-contracts';
import type { ProductEventPublisher } from '../domain/ports';

/**
 * Publishes `ProductChanged` envelopes to the product SNS topic: the JSON envelope as the message,
 * and `type` (the envelope type) and `change` (created/updated/deleted) as String message
 * attributes, so subscriptions can filter without parsing the body.
 */
export class SnsProductEventPublisher implements ProductEventPublisher {
  /**
   * @param sns an SNS client (built once per module, optionally tracer-wrapped); only `send` is used.
   * @param topicArn the product topic.
   */
  constructor(
    private readonly sns: Pick<SNSClient, 'send'>,
    private readonly topicArn: string,
  ) {}

  async publish(event: ProductChanged): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(event),
        MessageAttributes: {
          type: { DataType: 'String', StringValue: event.type },
          change: { DataType: 'String', StringValue: event.data.change },
        },
      }),
    );
  }
}
