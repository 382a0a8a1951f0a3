import http from 'node:http';
import { z } from 'zod';
import type { HttpAnswer } from '../api/gateway';
import { issueIdToken } from '../auth/tokens';
import { eventBridgeEndpoint, lambdaEndpoint, ssmEndpoint, stepFunctionsEndpoint } from '../aws-api/endpoints';
import { awsFrontDoor } from '../aws-api/front-door';
import { S3_DOOR_PATH, s3FrontDoor } from '../aws-api/s3-door';
import { OWN_DYNAMODB_ACCESS_KEY_ID } from '../emulators/dynamodb-local';
import { RuleNotFoundError } from '../events/event-bridge';
import { faultsEndpoint } from '../faults/faults-endpoint';
import { faultTargets } from '../faults/targets';
import type { Logger } from '../log';
import { resourceKinds } from '../resources/registry';
import type { CloudRuntime } from '../runtime/cloud-runtime';
import { registerConsoleEndpoints } from './console-endpoints';
import { deploySource } from './deploy-source';
import { jsonBody, pathRest } from './input';

/** `POST /_local/tokens`: who the ID token is for (unknown fields refused). */
const TOKEN_REQUEST = z.strictObject({
  username: z.string().regex(/^[^\s\p{C}]{1,128}$/u, 'a user name: 1 to 128 characters, no spaces'),
  groups: z
    .array(z.string().regex(/^[^\s\p{C}]{1,128}$/u))
    .max(10)
    .optional(),
  ttlSeconds: z.int().min(1).max(86_400).optional(),
  expired: z.boolean().optional(),
});

/** `POST /_local/deploy`: a service, and optionally the folder of its assembly inside the workspace's dist/. */
const DEPLOY_REQUEST = z.strictObject({
  service: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a service name (lower-case letters, digits, dashes)'),
  dir: z.string().min(1).max(4096).optional(),
});

/** What the endpoints ask of the local cloud's lifecycle. */
export interface LocalEndpointsHost {
  runtime: CloudRuntime;
  cloud: {
    health(): { ready: boolean; parts: Record<string, boolean>; startedAt: number; readyAt?: number };
    routes(): unknown;
    describe(): unknown;
    deploy(service: string, dir?: string): Promise<unknown>;
    tokenAudience(): { userPoolId: string; clientId: string } | undefined;
  };
  assembliesRoot: string;
  deployRoot: string;
  logger: Logger;
}

const json = (statusCode: number, body: unknown): HttpAnswer => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body, null, 2),
});

/**
 * The local cloud's own endpoints on the gateway: the AWS front door (`/_aws/dynamodb`, `sqs`,
 * `sns`, `sts`, `dynamodbstreams`) and the AWS APIs it answers itself (`/_aws/sfn`, `ssm`,
 * `lambda`, `events`), then `/_local/*`: health, routes, resources, iam, executions, rules, faults,
 * tokens, deploy, and the console's (console-endpoints.ts). The control plane's guard runs before each of them (see guard.ts).
 * Returns what closes the front door's keep-alive connections.
 */
export function registerLocalEndpoints(host: LocalEndpointsHost): { close(): void } {
  const { runtime, cloud } = host;
  const { gateway } = runtime;
  // The functions' DynamoDB, SQS and SNS calls pass here (faults apply); the main thread's own calls go to the emulators directly.
  const [dynamodbAgent, messagingAgent] = [new http.Agent({ keepAlive: true }), new http.Agent({ keepAlive: true })];
  const dynamodb = `http://127.0.0.1:${runtime.ports.dynamodb}`;
  const gate = runtime.iamGate;
  const partitionKeyOf = (table: string, index?: string) => {
    const def = runtime.model?.tables.find((candidate) => candidate.tableName === table);
    const schema = index
      ? [...(def?.globalSecondaryIndexes ?? []), ...(def?.localSecondaryIndexes ?? [])].find((one) => one.IndexName === index)?.KeySchema
      : def?.keySchema;
    return schema?.find((key) => key.KeyType === 'HASH')?.AttributeName;
  };
  const messaging = `http://127.0.0.1:${runtime.ports.messaging}`;
  gateway.addLocalHandler(
    '/_aws/dynamodb',
    awsFrontDoor({
      upstream: dynamodb,
      agent: dynamodbAgent,
      accessKeyId: runtime.dynamodbAccessKeyId,
      faults: { service: 'dynamodb', registry: runtime.faults },
      iam: { service: 'dynamodb', protocol: 'dynamodb', gate, partitionKeyOf },
      admits: true,
    }),
  );
  gateway.addLocalHandler(
    '/_aws/dynamodbstreams',
    awsFrontDoor({
      upstream: dynamodb,
      agent: dynamodbAgent,
      accessKeyId: runtime.dynamodbAccessKeyId,
      iam: { service: 'dynamodbstreams', protocol: 'dynamodb', gate },
    }),
  );
  gateway.addLocalHandler(
    '/_aws/sqs',
    awsFrontDoor({
      upstream: messaging,
      agent: messagingAgent,
      faults: { service: 'sqs', registry: runtime.faults },
      iam: { service: 'sqs', protocol: 'sqs', gate },
      queueUrlBase: `${runtime.baseUrl}/_aws/sqs`,
    }),
  );
  gateway.addLocalHandler(
    '/_aws/sns',
    awsFrontDoor({
      upstream: messaging,
      agent: messagingAgent,
      faults: { service: 'sns', registry: runtime.faults },
      iam: { service: 'sns', protocol: 'sns', gate },
    }),
  );
  gateway.addLocalHandler('/_aws/sts', awsFrontDoor({ upstream: messaging, agent: messagingAgent }));
  gateway.addLocalHandler(
    S3_DOOR_PATH,
    s3FrontDoor({ upstream: messaging, agent: messagingAgent, notifications: runtime.s3Notifications, logger: runtime.logger }),
  );
  gateway.addLocalHandler(
    '/_local/faults',
    faultsEndpoint(
      runtime.faults,
      faultTargets({
        model: () => runtime.model,
        functions: () => [...runtime.pools.values()].map((pool) => ({ name: pool.def.name, label: pool.label })),
        stateMachines: () => runtime.sfn.list(),
      }),
    ),
  );
  gateway.addLocalHandler(
    '/_aws/sfn',
    stepFunctionsEndpoint(() => runtime.sfn, { gate, machineOfToken: (token) => runtime.sfn.machineOfTaskToken(token) }),
  );
  gateway.addLocalHandler(
    '/_aws/ssm',
    ssmEndpoint(() => {
      if (!runtime.model) throw new Error('no assembly loaded');
      return runtime.model.ssm;
    }, gate),
  );
  gateway.addLocalHandler(
    '/_aws/lambda',
    lambdaEndpoint(
      (name) => runtime.pools.get(name),
      '/_aws/lambda',
      (name, payload) => runtime.asyncInvoker.accept(name, payload, 'lambda:event'),
      gate,
    ),
  );
  gateway.addLocalHandler(
    '/_aws/events',
    eventBridgeEndpoint(() => runtime.events, gate),
  );
  gateway.addLocalHandler('/_local/rules', async (request) => {
    const rest = pathRest(request.path, '/_local/rules').split('/').filter(Boolean);
    if (rest.length === 0 && request.httpMethod === 'GET') return json(200, runtime.events.describe());
    if (rest.length === 2 && rest[1] === 'run') {
      if (request.httpMethod !== 'POST') return json(405, { message: 'POST /_local/rules/<name or ARN>/run fires a scheduled rule now' });
      try {
        const event = runtime.events.runRule(rest[0]);
        return json(200, { eventId: event.id, event });
      } catch (error) {
        return json(error instanceof RuleNotFoundError ? 404 : 400, { message: (error as Error).message });
      }
    }
    return json(404, { message: 'GET /_local/rules lists the rules; POST /_local/rules/<name or ARN>/run fires a scheduled one now' });
  });
  gateway.addLocalHandler('/_local/health', async () => {
    const { ready, parts, startedAt, readyAt } = cloud.health();
    return json(ready ? 200 : 503, {
      status: ready ? 'ready' : 'starting',
      parts,
      uptimeMs: Date.now() - startedAt,
      readyInMs: readyAt ? readyAt - startedAt : undefined,
      awsCalls: { ...gateway.awsCalls, dynamodbDirect: runtime.dynamodbFlags.directCalls },
    });
  });
  gateway.addLocalHandler('/_local/routes', async () => json(200, cloud.routes()));
  gateway.addLocalHandler('/_local/resources', async () => json(200, cloud.describe()));
  // Least privilege, measured: per role the actions granted, used and never used; every denial (iam/authority.ts).
  gateway.addLocalHandler('/_local/iam', async () => json(200, runtime.iam.report()));
  gateway.addLocalHandler('/_local/executions', async (request) => {
    const id = pathRest(request.path, '/_local/executions');
    if (!id) {
      return json(
        200,
        runtime.sfn
          .list()
          .flatMap((machine) =>
            runtime.sfn
              .listExecutions(machine.arn)
              .map(({ executionArn, name, status, startDate, stopDate }) => ({ executionArn, name, status, startDate, stopDate })),
          ),
      );
    }
    try {
      const execution = runtime.sfn.describeExecution(id);
      return json(200, JSON.parse(JSON.stringify(execution, (key, value) => (key === 'done' || key === 'abort' ? undefined : value))));
    } catch (error) {
      return json(404, { message: (error as Error).message });
    }
  });
  // Tokens for tests and tools that drive the local cloud over HTTP (same as `npm run token`).
  gateway.addLocalHandler('/_local/tokens', async (request) => {
    if (request.httpMethod !== 'POST') return json(405, { message: 'POST {"username": "alice", "groups": ["admin"]}' });
    const body = jsonBody(request, TOKEN_REQUEST);
    const audience = cloud.tokenAudience() ?? { userPoolId: 'us-east-1_local', clientId: 'local-client' };
    if (!runtime.signingKey) return json(503, { message: 'the signing key is not loaded yet: try again in a moment' });
    const ttlSeconds = body.ttlSeconds ?? 3600;
    const now = Math.floor(Date.now() / 1000) - (body.expired ? ttlSeconds + 60 : 0);
    const token = await issueIdToken(runtime.signingKey, {
      username: body.username,
      groups: body.groups ?? [],
      ttlSeconds,
      now,
      ...audience,
    });
    return json(200, { token, ...audience });
  });
  gateway.addLocalHandler('/_local/deploy', async (request) => {
    if (request.httpMethod !== 'POST') return json(405, { message: 'POST {"service": "<name>"}' });
    const { service, dir } = jsonBody(request, DEPLOY_REQUEST);
    const location = deploySource(service, dir, { assembliesRoot: host.assembliesRoot, deployRoot: host.deployRoot });
    try {
      return json(200, await cloud.deploy(service, location.dir));
    } catch (error) {
      host.logger.error(`deploy ${service} failed: ${(error as Error).stack ?? error}`);
      return json(500, { message: (error as Error).message });
    }
  });
  registerConsoleEndpoints(host);
  return {
    close: () => {
      dynamodbAgent.destroy();
      messagingAgent.destroy();
    },
  };
}

/** `/_local/resources`: the endpoints and emulators, then each resource kind's part, then what is not emulated. */
export function describeResources(runtime: CloudRuntime, services: string[]): Record<string, unknown> {
  const model = runtime.model;
  const kinds = resourceKinds().map((kind) => kind.describe?.(model, runtime) ?? {});
  return {
    baseUrl: runtime.baseUrl,
    endpoints: runtime.endpointEnvironment(),
    // The emulators themselves, past the front door and its faults (a test reading data back).
    emulators: {
      dynamodb: `http://127.0.0.1:${runtime.ports.dynamodb}`,
      // The access key that reaches the local cloud's tables there: any with its own DynamoDB Local (-sharedDb), this one with an external one.
      dynamodbAccessKeyId: runtime.dynamodbAccessKeyId ?? OWN_DYNAMODB_ACCESS_KEY_ID,
      sqs: `http://127.0.0.1:${runtime.ports.messaging}`,
      sns: `http://127.0.0.1:${runtime.ports.messaging}`,
      s3: `http://127.0.0.1:${runtime.ports.messaging}`,
    },
    services,
    ...Object.assign({}, ...kinds),
    notEmulated: model?.notEmulated,
    warnings: model?.warnings,
  };
}
