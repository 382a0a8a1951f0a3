import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { createProductChanged } from '@shop/product-contracts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { mugProduct } from '../domain/testing/product-fixtures';
import { SnsProductEventPublisher } from './product-events.publisher';

const sns = mockClient(SNSClient);
const topicArn = 'arn:aws:sns:eu-west-1:123456789012:product-events';
const publisher = new SnsProductEventPublisher(new SNSClient({ region: 'eu-west-1' }), topicArn);

beforeEach(() => {
  sns.reset();
});

describe('SnsProductEventPublisher', () => {
  it('publishes the JSON envelope to the topic with type and change attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const event = createProductChanged({
      change: 'updated',
      product: mugProduct({ version: 2 }),
      correlationId: 'corr-1',
      id: '6f1c2d3e-0000-4000-8000-000000000001',
      time: '2025-01-02T00:00:00.000Z',
    });

    await publisher.publish(event);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: 'ProductChanged' },
        change: { DataType: 'String', StringValue: 'updated' },
      },
    });
  });

  it('rejects when SNS does not accept the message, so the caller can retry', async () => {
    sns.on(PublishCommand).rejects(new Error('topic unavailable'));
    const event = createProductChanged({ change: 'created', product: mugProduct(), correlationId: 'corr-1' });

    await expect(publisher.publish(event)).rejects.toThrow('topic unavailable');
  });
});
