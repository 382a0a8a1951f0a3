import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { HttpAnswer, LocalHandler } from '../api/gateway';
import { OWN_DYNAMODB_ACCESS_KEY_ID } from '../emulators/dynamodb-local';
import { LOCAL_CREDENTIALS } from '../emulators/messaging';
import { LOCAL_REGION } from '../assembly/naming';
import type { CloudRuntime } from '../runtime/cloud-runtime';
import { ControlPlaneInputError, pathRest } from './input';
import { queueStates, redrive } from './console-queues';

/** What the console's endpoints read: the runtime, where the assemblies (and the services' OpenAPI documents) are. */
export interface ConsoleEndpointsHost {
  runtime: CloudRuntime;
  /** `dist/apps`: `<service>/cdk.out` and, once `nx run <service>:openapi` ran, `<service>/openapi.json`. */
  assembliesRoot: string;
}

const json = (statusCode: number, body: unknown): HttpAnswer => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  body: JSON.stringify(body, (_key, value: unknown) => (value instanceof Set ? [...value] : value)),
});

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The console's page: no script, style or image from anywhere but itself. */
const CONSOLE_SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

const SERVICE = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a service name (lower-case letters, digits, dashes)');

/** `?limit=&start=` of a table page. */
const TABLE_PAGE = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  start: z
    .string()
    .max(4096)
    .regex(/^[A-Za-z0-9_-]+$/, 'the cursor a previous page answered as next')
    .optional(),
});

/** Where the built console's files are: `console/` next to the built local cloud (build.mjs copies them there). */
export function consoleAssetsDir(workerScript: string): string {
  return join(dirname(workerScript), 'console');
}

/**
 * The local console (`/_local/console`, its files from the build) and the JSON it reads, each
 * under the control plane's guard like every `/_local/*` path: `/_local/openapi[/<service>]`,
 * `/_local/state-machines`, `/_local/tables[/<name>]` (paged Scan), `/_local/queues` (depth,
 * in flight, messages peeked without consuming) and `POST /_local/queues/<name>/redrive`,
 * `/_local/logs[?correlationId=]`.
 */
export function registerConsoleEndpoints(host: ConsoleEndpointsHost): void {
  const { runtime } = host;
  const { gateway } = runtime;
  const assets = consoleAssetsDir(runtime.options.workerScript);
  let documents: DynamoDBDocumentClient | undefined;
  const dynamodb = () =>
    (documents ??= DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: `http://127.0.0.1:${runtime.ports.dynamodb}`,
        region: LOCAL_REGION,
        credentials: { ...LOCAL_CREDENTIALS, accessKeyId: runtime.dynamodbAccessKeyId ?? OWN_DYNAMODB_ACCESS_KEY_ID },
      }),
    ));

  gateway.addLocalHandler('/_local/console', consoleFiles(assets));
  gateway.addLocalHandler('/_local/openapi', async (request) => {
    const service = pathRest(request.path, '/_local/openapi');
    const services = runtime.model?.services ?? [];
    const documentOf = (name: string) => join(host.assembliesRoot, name, 'openapi.json');
    if (!service)
      return json(
        200,
        services.map((name) => ({ service: name, document: existsSync(documentOf(name)) })),
      );
    const name = SERVICE.safeParse(service);
    if (!name.success || !services.includes(service))
      return json(404, { message: `no service ${service}; loaded: ${services.join(', ')}` });
    const file = documentOf(service);
    if (!existsSync(file)) return json(404, { message: `no document: run nx run ${service}:openapi`, service });
    return { statusCode: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: readFileSync(file) };
  });
  gateway.addLocalHandler('/_local/state-machines', async () =>
    json(
      200,
      runtime.sfn.list().map(({ service, name, arn, type, definition }) => ({ service, name, arn, type, definition })),
    ),
  );
  gateway.addLocalHandler('/_local/tables', async (request) => {
    const name = pathRest(request.path, '/_local/tables');
    const tables = runtime.model?.tables ?? [];
    if (!name) {
      return json(
        200,
        tables.map(({ service, tableName, keySchema, globalSecondaryIndexes, streamViewType }) => ({
          service,
          tableName,
          keySchema,
          indexes: globalSecondaryIndexes.map((index) => index.IndexName),
          streamViewType,
        })),
      );
    }
    const table = tables.find((candidate) => candidate.tableName === name);
    if (!table) return json(404, { message: `no table ${name}` });
    const page = TABLE_PAGE.safeParse(Object.fromEntries(request.url.searchParams));
    if (!page.success) throw new ControlPlaneInputError(`the query does not fit: ${z.prettifyError(page.error).replace(/\n\s*/g, '; ')}`);
    const { limit, start } = page.data;
    const answer = await dynamodb().send(
      new ScanCommand({ TableName: name, Limit: limit, ExclusiveStartKey: start === undefined ? undefined : decodeCursor(start) }),
    );
    return json(200, {
      tableName: name,
      keySchema: table.keySchema,
      items: answer.Items ?? [],
      next: answer.LastEvaluatedKey ? Buffer.from(JSON.stringify(answer.LastEvaluatedKey)).toString('base64url') : undefined,
    });
  });
  gateway.addLocalHandler('/_local/queues', async (request) => {
    const rest = pathRest(request.path, '/_local/queues').split('/').filter(Boolean);
    const queues = runtime.model?.queues ?? [];
    const messaging = `http://127.0.0.1:${runtime.ports.messaging}`;
    if (rest.length === 0 && request.httpMethod === 'GET') return json(200, await queueStates(queues, messaging));
    if (rest.length === 2 && rest[1] === 'redrive') {
      if (request.httpMethod !== 'POST') return json(405, { message: 'POST /_local/queues/<dead-letter queue>/redrive' });
      const result = await redrive(rest[0], queues, await runtime.messaging());
      return json(result.statusCode, result.body);
    }
    return json(404, {
      message: 'GET /_local/queues lists the queues; POST /_local/queues/<dead-letter queue>/redrive moves its messages back',
    });
  });
  gateway.addLocalHandler('/_local/logs', async (request) => {
    const correlationId = request.url.searchParams.get('correlationId');
    if (correlationId) return json(200, { correlationId, lines: runtime.logs.byCorrelationId(correlationId) });
    const limit = Math.min(Math.max(Number(request.url.searchParams.get('limit') ?? 200) || 200, 1), 2000);
    return json(200, { ...runtime.logs.stats(), lines: runtime.logs.recent(limit) });
  });
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // Answered below.
  }
  throw new ControlPlaneInputError('start: not a cursor a previous page answered as next');
}

/** `/_local/console` and its files (one folder, no sub-folders): the page for the folder itself and any unknown name under it. */
function consoleFiles(dir: string): LocalHandler {
  return async (request) => {
    if (request.httpMethod !== 'GET' && request.httpMethod !== 'HEAD') return json(405, { message: 'GET /_local/console' });
    const rest = pathRest(request.path, '/_local/console');
    const name = /^[a-z0-9-]+\.(js|css|svg)$/.test(rest) ? rest : 'index.html';
    const file = join(dir, name);
    if (!existsSync(file)) {
      return json(404, { message: `the console is not built (${file} is missing): run npx nx run local-cloud:build` });
    }
    return {
      statusCode: 200,
      headers: { 'Content-Type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream', ...CONSOLE_SECURITY_HEADERS },
      body: readFileSync(file),
      quiet: true,
    };
  };
}
