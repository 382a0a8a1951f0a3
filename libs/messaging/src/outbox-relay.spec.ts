import { createEnvelope, type EventEnvelope } from '@shop/domain';
import { dynamoDbStreamEvent } from '@shop/testing';
import type { DynamoDBRecord } from 'aws-lambda';
import { createOutboxRelay } from './outbox-relay';

const eventFor = (record: DynamoDBRecord): EventEnvelope | undefined => {
  const sk = record.dynamodb?.Keys?.sk?.S;
  if (record.eventName !== 'INSERT' || sk !== 'THING') return undefined;
  return createEnvelope({ type: 'ThingCreated', version: 1, source: 'test', correlationId: 'corr-1', data: { pk: record.dynamodb?.Keys?.pk?.S } });
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

  it('reports a record whose publish fails, so Lambda retries from it', async () => {
    let calls = 0;
    const relay = createOutboxRelay({
      toEvents: eventFor,
      publisher: {
        publish: async () => {
          calls += 1;
          if (calls === 2) throw new Error('SNS down');
        },
      },
      logger,
    });

    const response = await relay(
      dynamoDbStreamEvent([
        { eventName: 'INSERT', keys: { pk: 'THING#1', sk: 'THING' }, newImage: {} },
        { eventName: 'INSERT', keys: { pk: 'THING#2', sk: 'THING' }, newImage: {}, sequenceNumber: '200' },
      ]),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
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
