import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDbLocalStartError, JavaNotFoundError } from '../errors';
import { spawnDynamoDbLocal, type DynamoDbLocalLogger } from './spawn-dynamodb-local';
import { findFreePort } from './start-dynamodb-local';

/** DynamoDB Local as the local cloud runs it: shared database, pid file, output to a logger. */
let dir: string;
let logger: DynamoDbLocalLogger & { warn: jest.Mock; error: jest.Mock; debug: jest.Mock };
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'emulators-int-'));
  logger = { debug: jest.fn(), warn: jest.fn(), error: jest.fn() };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tableNames = async (endpoint: string, accessKeyId: string): Promise<string[]> => {
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey: 'local' } });
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
  }
};

const createTable = async (endpoint: string, accessKeyId: string, TableName: string): Promise<void> => {
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey: 'local' } });
  try {
    await client.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } finally {
    client.destroy();
  }
};

describe('spawnDynamoDbLocal', () => {
  it('shares one database between access keys with sharedDb, keeps its pid file while it runs, and removes it on stop', async () => {
    const pidFile = path.join(dir, 'dynamodb-local.pid');
    const dynamodb = spawnDynamoDbLocal({ port: await findFreePort(), sharedDb: true, pidFile, logger });
    try {
      expect(await dynamodb.ready(60_000)).toBeGreaterThan(0);
      expect(dynamodb.loopbackOnly).toBe(true);
      expect(readFileSync(pidFile, 'utf8')).toBe(`${dynamodb.pid} ${process.pid}`);

      await createTable(dynamodb.endpoint, 'first', 'shared');
      expect(await tableNames(dynamodb.endpoint, 'second')).toEqual(['shared']);
    } finally {
      await dynamodb.stop();
    }
    expect(existsSync(pidFile)).toBe(false);
    expect(dynamodb.alive).toBe(false);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('keeps the tables in dbPath across a stop and a new spawn, and starts empty in memory', async () => {
    const dbPath = path.join(dir, 'data');
    const first = spawnDynamoDbLocal({ port: await findFreePort(), sharedDb: true, dbPath, logger });
    try {
      await first.ready(60_000);
      await createTable(first.endpoint, 'first', 'kept');
    } finally {
      await first.stop();
    }
    const second = spawnDynamoDbLocal({ port: await findFreePort(), sharedDb: true, dbPath, logger });
    try {
      await second.ready(60_000);
      expect(await tableNames(second.endpoint, 'second')).toEqual(['kept']);
    } finally {
      await second.stop();
    }
    const inMemory = spawnDynamoDbLocal({ port: await findFreePort(), sharedDb: true, logger });
    try {
      await inMemory.ready(60_000);
      expect(await tableNames(inMemory.endpoint, 'second')).toEqual([]);
    } finally {
      await inMemory.stop();
    }
  });

  it('keeps a database per access key without sharedDb', async () => {
    const dynamodb = spawnDynamoDbLocal({ port: await findFreePort(), logger });
    try {
      await dynamodb.ready(60_000);
      await createTable(dynamodb.endpoint, 'first', 'mine');
      expect(await tableNames(dynamodb.endpoint, 'second')).toEqual([]);
    } finally {
      await dynamodb.stop();
    }
  });

  it('reaps the JVM an owner killed with SIGKILL left behind in its pid file', async () => {
    const pidFile = path.join(dir, 'dynamodb-local.pid');
    const orphan = spawnDynamoDbLocal({ port: await findFreePort(), logger });
    await orphan.ready(60_000);
    // As if a dead owner had written it: that owner's pid is gone, the JVM is not.
    writeFileSync(pidFile, `${orphan.pid} 999999`);

    const next = spawnDynamoDbLocal({ port: await findFreePort(), pidFile, logger });
    try {
      expect(logger.warn).toHaveBeenCalledWith(`stopped DynamoDB Local (pid ${orphan.pid}) left behind by an earlier run`);
      await next.ready(60_000);
      await expect(orphan.stop()).resolves.toBeUndefined();
    } finally {
      await next.stop();
    }
  });

  it('fails a start with the reason DynamoDB Local gave on its stderr when the port is taken', async () => {
    const port = await findFreePort();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const dynamodb = spawnDynamoDbLocal({ port, logger });
      const failure = dynamodb.ready(60_000);
      await expect(failure).rejects.toThrow(DynamoDbLocalStartError);
      await expect(failure).rejects.toThrow(/Failed to bind to \/127\.0\.0\.1:\d+[\s\S]*Address already in use/);
      await dynamodb.stop();
    } finally {
      squatter.close();
    }
  });

  it('does not take another HTTP server on its port for itself: the start fails with the bind error', async () => {
    // What another local cloud's gateway answers (it had been handed the same port while this JVM booted).
    const port = await findFreePort();
    const other = createHttpServer((_request, response) => response.writeHead(403).end('{"message":"Forbidden"}'));
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const dynamodb = spawnDynamoDbLocal({ port, logger });
      const failure = dynamodb.ready(60_000);
      await expect(failure).rejects.toThrow(/Address already in use/);
      expect(dynamodb.alive).toBe(false);
      await dynamodb.stop();
    } finally {
      other.close();
    }
  });

  it('says how to install Java when java is not on the PATH', async () => {
    // Jest gives the test its own process.env: the spawn in the module sees this PATH.
    const savedPath = process.env['PATH'];
    process.env['PATH'] = dir;
    try {
      const dynamodb = spawnDynamoDbLocal({ port: 1, logger });
      const failure = dynamodb.ready(5000);
      await expect(failure).rejects.toThrow(JavaNotFoundError);
      await expect(failure).rejects.toThrow(/openjdk-17/);
      expect(dynamodb.alive).toBe(false);
      await dynamodb.stop();
    } finally {
      process.env['PATH'] = savedPath;
    }
  });
});
