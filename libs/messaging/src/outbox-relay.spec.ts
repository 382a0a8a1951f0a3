import { createEnvelope, type EventEnvelope } from '@shop/domain';
import { dynamoDbStreamEvent } from '@shop/testing';
import type { DynamoDBRecord } from 'aws-lambda';
import { createOutboxRelay } from './outbox-relay';

const eventFor = (record: DynamoDBRecord): EventEnvelope | undefined => {
  const sk = record.dynamodb?.Keys?.sk?.S;
  if (record.eventName !== 'INSERT' || sk !== 'THING') return undefined;
  return createEnvelope({
    type: 'ThingCreated',
    version: 1,
    source: 'test',
    correlationId: 'corr-1',
    data: { pk: record.dynamodb?.Keys?.pk?.S },
  });
};

const logger = { debug: jest.fn(), info: jest.fn() };

describe('createOutboxRelay', () => {
  it('publishes one event per matching stream record and skips other items', async () => {
    const published: EventEnvelope[] = [];
    const metrics = { addMetric: jest.fn() };
    const relay = createOutboxRelay({ toEvents: eventFor, publisher: { publish: async (e) => void published.push(e) }, logger, metrics });

    const response = await relay(
      dynamoDbStreamEvent([
        { eventName: 'INSERT', keys: { pk: 'THING#1', sk: 'THING' }, newImage: { pk: 'THING#1', sk: 'THING' } },
        { eventName: 'INSERT', keys: { pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY' }, newImage: { pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY' } },
        { eventName: 'INSERT', keys: { pk: 'THING#2', sk: 'THING' }, newImage: { pk: 'THING#2', sk: 'THING' } },
      ]),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published.map((event) => event.data)).toEqual([{ pk: 'THING#1' }, { pk: 'THING#2' }]);
    expect(metrics.addMetric).toHaveBeenCalledWith('ThingCreatedPublished', 'Count', 1);
  });

  describe('when a record fails', () => {
    const things = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => {
        const n = from + i;
        return { eventName: 'INSERT' as const, keys: { pk: `THING#${n}`, sk: 'THING' }, newImage: {}, sequenceNumber: String(n * 100) };
      });

    /** A topic that refuses THING#2 while `down` is true and records what it accepted, in order. */
    const flakyTopic = () => {
      const topic = {
        down: true,
        published: [] as string[],
        attempts: 0,
        publish: async (event: EventEnvelope) => {
          topic.attempts += 1;
          const pk = (event.data as { pk: string }).pk;
          if (topic.down && pk === 'THING#2') throw new Error('SNS down');
          topic.published.push(pk);
        },
      };
      return topic;
    };

    it('stops at it: later records are not published, and it and every later one are reported', async () => {
      const topic = flakyTopic();
      const relay = createOutboxRelay({ toEvents: eventFor, publisher: topic, logger });

      const response = await relay(dynamoDbStreamEvent(things(1, 5)));

      expect(topic.published).toEqual(['THING#1']);
      expect(topic.attempts).toBe(2);
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: '200' }, { itemIdentifier: '300' }, { itemIdentifier: '400' }, { itemIdentifier: '500' }],
      });
    });

    it('publishes the retried batch, from the failed record on, in order once the topic is back', async () => {
      const topic = flakyTopic();
      const relay = createOutboxRelay({ toEvents: eventFor, publisher: topic, logger });
      await relay(dynamoDbStreamEvent(things(1, 5)));

      topic.down = false;
      // Lambda retries from the lowest reported sequence number: records 2 to 5.
      const retried = await relay(dynamoDbStreamEvent(things(2, 5)));

      expect(retried).toEqual({ batchItemFailures: [] });
      expect(topic.published).toEqual(['THING#1', 'THING#2', 'THING#3', 'THING#4', 'THING#5']);
    });

    it('reports the whole batch when its first record fails, without throwing', async () => {
      const topic = flakyTopic();
      const relay = createOutboxRelay({ toEvents: eventFor, publisher: topic, logger });

      const response = await relay(dynamoDbStreamEvent(things(2, 3)));

      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }, { itemIdentifier: '300' }] });
      expect(topic.published).toEqual([]);
    });

    it('starts afresh on the next invocation (no failure carried over)', async () => {
      const topic = flakyTopic();
      const relay = createOutboxRelay({ toEvents: eventFor, publisher: topic, logger });
      await relay(dynamoDbStreamEvent(things(1, 3)));

      const next = await relay(dynamoDbStreamEvent(things(6, 7)));

      expect(next).toEqual({ batchItemFailures: [] });
      expect(topic.published).toEqual(['THING#1', 'THING#6', 'THING#7']);
    });
  });

  it('publishes every event a record stands for', async () => {
    const published: string[] = [];
    const relay = createOutboxRelay({
      toEvents: (record) => [eventFor(record), eventFor(record)].filter((event) => event !== undefined),
      publisher: { publish: async (e) => void published.push(e.type) },
      logger,
    });

    await relay(dynamoDbStreamEvent([{ eventName: 'INSERT', keys: { pk: 'THING#1', sk: 'THING' }, newImage: {} }]));

    expect(published).toEqual(['ThingCreated', 'ThingCreated']);
  });
});
