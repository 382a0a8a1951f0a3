/**
 * LOCAL_CLOUD_DYNAMODB_ENDPOINT: two built local clouds on one DynamoDB Local (the run's shared one, see
 * testing/shared-dynamodb.global-setup.ts), on the same assemblies and so the same table names. Each keeps its tables
 * under its own access key: an item written under one cloud's key is read by that cloud's function (through its front
 * door) and not by the other's, and a stopped cloud leaves the DynamoDB Local it did not start running.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { answersAsDynamoDbLocal } from '@shop/emulators';
import { join } from 'node:path';
import { startBuiltCloud, type BuiltCloud } from '../testing/built-cloud';

const FIXTURES = join(__dirname, '../../fixtures/assemblies');

interface Resources {
  emulators: { dynamodb: string; dynamodbAccessKeyId: string };
  tables: { tableName: string }[];
}

const clouds: BuiltCloud[] = [];
afterAll(async () => {
  await Promise.all(clouds.map((cloud) => cloud.stop()));
});

const start = async () => {
  const cloud = await startBuiltCloud({ assemblies: FIXTURES, services: ['catalog'] });
  clouds.push(cloud);
  return { cloud, resources: await cloud.local<Resources>('/_local/resources') };
};
const read = async (cloud: BuiltCloud, id: string) => (await fetch(`${cloud.base}/catalog/${id}`)).status;

it('keeps the tables of two local clouds apart on one DynamoDB Local, and leaves it running when one stops', async () => {
  const shared = process.env.LOCAL_CLOUD_DYNAMODB_ENDPOINT;
  expect(shared).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const [first, second] = await Promise.all([start(), start()]);
  expect(first.cloud.output()).toContain(`DynamoDB: the DynamoDB Local at ${shared}`);
  expect([first.resources.emulators.dynamodb, second.resources.emulators.dynamodb]).toEqual([shared, shared]);
  expect(first.resources.emulators.dynamodbAccessKeyId).not.toEqual(second.resources.emulators.dynamodbAccessKeyId);
  const [table] = first.resources.tables.map((one) => one.tableName);
  expect(second.resources.tables.map((one) => one.tableName)).toContain(table);

  // Written past the front door, under the first cloud's key (what /_local/resources gives a test or a tool).
  const direct = new DynamoDBClient({
    endpoint: shared,
    region: 'us-east-1',
    credentials: { accessKeyId: first.resources.emulators.dynamodbAccessKeyId, secretAccessKey: 'local' },
  });
  await direct.send(
    new PutItemCommand({
      TableName: table,
      Item: { pk: { S: 'ITEM#SHARED1' }, sk: { S: 'ITEM' }, id: { S: 'SHARED1' }, name: { S: 'one' } },
    }),
  );
  direct.destroy();

  // Each function signs with its role's key; the front door forwards its call under its cloud's key.
  expect(await read(first.cloud, 'SHARED1')).toBe(200);
  expect(await read(second.cloud, 'SHARED1')).toBe(404);

  await first.cloud.stop();
  expect(await answersAsDynamoDbLocal(shared as string)).toBe(true);
  expect(await read(second.cloud, 'SHARED1')).toBe(404);
});
