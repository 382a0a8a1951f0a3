import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createEnvelope } from '@shop/domain';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { envelopeMessageAttributes } from './message-attributes';
import { SnsEventPublisher } from './sns-event-publisher';
import { SqsCommandSender } from './sqs-command-sender';

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);

const event = createEnvelope({
  type: 'Ping',
  version: 1,
  source: 'test',
  correlationId: 'corr-1',
  data: { n: 1 },
  id: '3f1b7a52-3c1e-4c7e-9a55-0f7a4a6a1e11',
  time: '2025-01-02T00:00:01.000Z',
});

beforeEach(() => {
  sns.reset();
  sqs.reset();
});

describe('envelopeMessageAttributes', () => {
  it('gives type and correlationId, and extra attributes cannot shadow them', () => {
    expect(envelopeMessageAttributes(event, { change: 'created', type: 'Forged' })).toEqual({
      change: { DataType: 'String', StringValue: 'created' },
      type: { DataType: 'String', StringValue: 'Ping' },
      correlationId: { DataType: 'String', StringValue: 'corr-1' },
    });
  });
});

describe('SnsEventPublisher', () => {
  const topicArn = 'arn:aws:sns:eu-west-1:123456789012:events';

  it('publishes the JSON envelope with the type attribute and any extra attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const publisher = new SnsEventPublisher<typeof event>(new SNSClient({ region: 'eu-west-1' }), topicArn, {
      attributes: (e) => ({ n: String(e.data.n) }),
    });

    await publisher.publish(event);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: {
        n: { DataType: 'String', StringValue: '1' },
        type: { DataType: 'String', StringValue: 'Ping' },
        correlationId: { DataType: 'String', StringValue: 'corr-1' },
      },
    });
  });

  it('rejects when SNS fails, so the caller can retry', async () => {
    sns.on(PublishCommand).rejects(new Error('topic unavailable'));
    await expect(new SnsEventPublisher(new SNSClient({ region: 'eu-west-1' }), topicArn).publish(event)).rejects.toThrow(
      'topic unavailable',
    );
  });
});

describe('SqsCommandSender', () => {
  const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/order-intake';

  it('sends the JSON envelope to the owner queue with type and correlation id attributes', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    await new SqsCommandSender(new SQSClient({ region: 'eu-west-1' }), queueUrl).send(event);

    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(event),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: 'Ping' },
        correlationId: { DataType: 'String', StringValue: 'corr-1' },
      },
    });
  });

  it('rejects when SQS fails (checkout must not answer 202 then)', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    await expect(new SqsCommandSender(new SQSClient({ region: 'eu-west-1' }), queueUrl).send(event)).rejects.toThrow('queue unavailable');
  });
});
