import { snsEvent } from './sns';
import { snsNotification, sqsEvent, sqsEventFromSns } from './sqs';

describe('sqsEvent', () => {
  it('makes one record per message, JSON-encoding object bodies', () => {
    const event = sqsEvent([{ body: { orderId: 'o-1' } }, { body: 'raw', messageId: 'm-2', receiveCount: 3, attributes: { kind: 'x' } }]);

    expect(event.Records.map((record) => [record.messageId, record.body])).toEqual([
      ['msg-0', '{"orderId":"o-1"}'],
      ['m-2', 'raw'],
    ]);
    expect(event.Records[1]?.attributes.ApproximateReceiveCount).toBe('3');
    expect(event.Records[1]?.messageAttributes['kind']?.stringValue).toBe('x');
    expect(event.Records[0]?.eventSource).toBe('aws:sqs');
  });
});

describe('sqsEventFromSns', () => {
  it('wraps each event in an SNS notification with its type as message attribute', () => {
    const event = sqsEventFromSns([{ type: 'ProductChanged', data: {} }], { topicArn: 'arn:aws:sns:eu-west-1:1:product' });
    const body = JSON.parse(event.Records[0]?.body ?? '');

    expect(body).toMatchObject({
      Type: 'Notification',
      TopicArn: 'arn:aws:sns:eu-west-1:1:product',
      Message: '{"type":"ProductChanged","data":{}}',
      MessageAttributes: { type: { Type: 'String', Value: 'ProductChanged' } },
    });
  });

  it('omits the type attribute for untyped messages', () => {
    expect(snsNotification('hello').MessageAttributes).toEqual({});
  });
});

describe('snsEvent', () => {
  it('makes one record per message with the type attribute', () => {
    const event = snsEvent([{ type: 'OrderConfirmed' }, 'plain']);

    expect(event.Records.map((record) => record.Sns.Message)).toEqual(['{"type":"OrderConfirmed"}', 'plain']);
    expect(event.Records[0]?.Sns.MessageAttributes).toEqual({ type: { Type: 'String', Value: 'OrderConfirmed' } });
    expect(event.Records[1]?.Sns.MessageAttributes).toEqual({});
  });
});
