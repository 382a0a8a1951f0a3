import './testing/lambda-env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SnsEventPublisher } from '@shop/messaging';
import type { ShipmentCreated } from '@shop/shipping-contracts';
import { dynamoDbStreamEvent } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { shipmentKey, toShipmentItem } from '../adapters/shipment.repository';
import { shipmentForOrder } from '../domain/shipment';
import { confirmedOrder, NOW, ORDER_ID } from '../domain/testing/shipping-fixtures';
import { createShipmentsPublisher, handler } from './publish-events.handler';

const sns = mockClient(SNSClient);
const topicArn = 'arn:aws:sns:eu-west-1:123456789012:shipping-events';
const shipment = shipmentForOrder(confirmedOrder().data, new Date(NOW));
const insert = {
  eventName: 'INSERT' as const,
  keys: shipmentKey(ORDER_ID),
  newImage: toShipmentItem(shipment, 'corr-1'),
  sequenceNumber: '100',
};

const publisherWith = () =>
  createShipmentsPublisher({
    publisher: new SnsEventPublisher<ShipmentCreated>(new SNSClient({ region: 'eu-west-1' }), topicArn),
    logger: { debug: jest.fn(), info: jest.fn() },
    metrics: { addMetric: jest.fn() },
  });

beforeEach(() => {
  sns.reset();
});

describe('publish-shipments (outbox relay)', () => {
  it('publishes ShipmentCreated with its type attribute for each inserted shipment', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    const response = await publisherWith()(dynamoDbStreamEvent([insert]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(topicArn);
    expect(input?.MessageAttributes?.type).toEqual({ DataType: 'String', StringValue: 'ShipmentCreated' });
    expect(JSON.parse(input?.Message ?? '{}')).toEqual(
      expect.objectContaining({ type: 'ShipmentCreated', correlationId: 'corr-1', data: shipment }),
    );
  });

  it('reports the record when SNS is down, so nothing is lost', async () => {
    sns.on(PublishCommand).rejects(new Error('SNS down'));

    expect(await publisherWith()(dynamoDbStreamEvent([insert]))).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
  });

  it('exports a wrapped Lambda handler', () => {
    expect(typeof handler).toBe('function');
  });
});
