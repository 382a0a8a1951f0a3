import { resolve } from 'node:path';
import { PRODUCERS } from './producers';
import { checkSubscriptions, readSubscriptions, type Subscription } from './subscriptions';
import { demoProducer, PING_V1_DATA } from './testing';

const WORKSPACE = resolve(__dirname, '../../..');

describe('readSubscriptions', () => {
  it("reads every consumer's subscription, with its filter policy, from the synthesized templates", () => {
    expect(readSubscriptions(WORKSPACE)).toEqual(
      expect.arrayContaining([
        {
          consumer: 'basket',
          subscription: 'ProductEvents',
          topicParameter: '/shop/{stage}/product/topic-arn',
          filterPolicy: { type: ['ProductChanged'] },
          rawMessageDelivery: true,
        },
        {
          consumer: 'basket',
          subscription: 'OrderEvents',
          topicParameter: '/shop/{stage}/order/topic-arn',
          filterPolicy: { type: ['OrderConfirmed', 'OrderCancelled', 'OrderNeedsAttention'] },
          rawMessageDelivery: true,
        },
        {
          consumer: 'shipping',
          subscription: 'OrderConfirmed',
          topicParameter: '/shop/{stage}/order/topic-arn',
          filterPolicy: { type: ['OrderConfirmed'] },
          rawMessageDelivery: true,
        },
      ]),
    );
    expect(readSubscriptions(WORKSPACE)).toHaveLength(3);
  });
});

describe('checkSubscriptions', () => {
  it("finds every consumer's filter policy matching what the producers declare", () => {
    expect(checkSubscriptions(Object.values(PRODUCERS), readSubscriptions(WORKSPACE))).toEqual([]);
  });

  it('names a subscription to an undeclared topic, an undeclared type and an attribute not every message carries', () => {
    const subscription = (topicParameter: string, filterPolicy: Subscription['filterPolicy']): Subscription => ({
      consumer: 'basket',
      subscription: 'DemoEvents',
      topicParameter,
      filterPolicy,
      rawMessageDelivery: true,
    });
    const producers = [demoProducer(PING_V1_DATA)];
    expect(
      checkSubscriptions(producers, [
        subscription('/shop/{stage}/nowhere/topic-arn', { type: ['Ping'] }),
        subscription('/shop/{stage}/demo/topic-arn', { type: ['Ping', 'Pang'], status: ['A'] }),
        subscription('/shop/{stage}/demo/topic-arn', { color: ['red'] }),
      ]),
    ).toEqual([
      "basket's DemoEvents subscription: /shop/{stage}/nowhere/topic-arn is no producer's declared topic.",
      "basket's DemoEvents subscription: filters on type = Pang, which the topic does not declare.",
      "basket's DemoEvents subscription: filters on the attribute color, which not every message of the topic carries.",
    ]);
  });
});
