import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { defineApi, openApiDocument } from './api';
import { registerRoutes } from './register-routes';
import { createRestRouter, resolveRestRequest } from './router';

const event = (
  method: string,
  relative: string,
  options: { claims?: Record<string, string>; body?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEvent => {
  const path = `/things${relative === '/' ? '' : relative}`;
  return {
    resource: relative === '/' ? '/' : '/{proxy+}',
    path,
    httpMethod: method,
    headers: { Host: 'api.example.com', ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: relative === '/' ? null : { proxy: relative.slice(1) },
    stageVariables: null,
    body: options.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      path,
      requestId: 'req-1',
      authorizer: options.claims ? { claims: options.claims } : null,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
};

const ThingSchema = z.object({ id: z.string(), size: z.int() });
const SizeBodySchema = z.strictObject({ size: z.int().min(1) });
const info = { service: 'things', title: 'Things API', version: '1.0.0', description: 'Things.', basePath: '/things' };

const baseRoutes = {
  getThing: {
    method: 'GET',
    path: '/{id}',
    summary: 'One thing',
    auth: 'public',
    params: { id: z.string().regex(/^[a-z]+$/) },
    responses: { 200: { description: 'The thing', body: 'Thing' } },
    problems: [404],
  },
} as const;

const serve = (api: Parameters<typeof registerRoutes>[1], handlers: Record<string, unknown>) => {
  const router = createRestRouter({ logger: { debug: jest.fn(), error: jest.fn() } });
  registerRoutes(router, api, handlers as never);
  return (request: APIGatewayProxyEvent) => resolveRestRequest(router, request, {} as Context);
};

describe('a route table (defineApi) with registerRoutes and openApiDocument', () => {
  const getThing = async ({ input }: { input: () => Promise<{ params: { id: string } }> }) => {
    const { params } = await input();
    return Response.json({ id: params.id, size: 1 });
  };

  it('puts a route added to the table in the document and in the router, with no other edit', async () => {
    const before = defineApi({ info, schemas: { Thing: ThingSchema, SizeBody: SizeBodySchema }, routes: baseRoutes });
    const after = defineApi({
      info,
      schemas: { Thing: ThingSchema, SizeBody: SizeBodySchema },
      routes: {
        ...baseRoutes,
        resizeThing: {
          method: 'PUT',
          path: '/{id}/size',
          summary: 'Resize a thing',
          auth: 'admin',
          params: { id: z.string().regex(/^[a-z]+$/) },
          body: 'SizeBody',
          responses: { 200: { description: 'Resized', body: 'Thing' } },
        },
      },
    });
    expect(openApiDocument(before).paths['/things/{id}/size']).toBeUndefined();
    const operation = openApiDocument(after).paths['/things/{id}/size']?.put as Record<string, unknown>;
    expect(operation).toMatchObject({
      operationId: 'resizeThing',
      security: [{ cognitoIdToken: [] }],
      requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/SizeBody' } } } },
    });
    expect(Object.keys(operation.responses as object).sort()).toEqual(['200', '400', '401', '403', '413', '500', '502', '504']);

    const handle = serve(after, {
      getThing,
      resizeThing: async ({ input }: { input: () => Promise<{ params: { id: string }; body: { size: number } }> }) => {
        const { params, body } = await input();
        return Response.json({ id: params.id, size: body.size });
      },
    });
    const admin = { sub: 'a-1', 'cognito:groups': 'admin' };
    const resized = await handle(event('PUT', '/abc/size', { claims: admin, body: '{"size":3}' }));
    expect([resized.statusCode, JSON.parse(resized.body)]).toEqual([200, { id: 'abc', size: 3 }]);
    // Its auth is the table's: no caller 401, another group 403.
    expect((await handle(event('PUT', '/abc/size', { body: '{"size":3}' }))).statusCode).toBe(401);
    expect((await handle(event('PUT', '/abc/size', { claims: { sub: 'c-1' }, body: '{"size":3}' }))).statusCode).toBe(403);
    // Every bad part in one 400: the path parameter and the body.
    const bad = await handle(event('PUT', '/ABC/size', { claims: admin, body: '{"size":0,"extra":1}' }));
    expect(bad.statusCode).toBe(400);
    expect((JSON.parse(bad.body) as { errors: { field: string }[] }).errors.map((issue) => issue.field).sort()).toEqual([
      'extra',
      'id',
      'size',
    ]);
  });

  it('keeps the message of a single bad part, and parses the extra parts a handler adds', async () => {
    const api = defineApi({ info, schemas: { Thing: ThingSchema }, routes: baseRoutes });
    const handle = serve(api, { getThing });
    const bad = await handle(event('GET', '/ABC'));
    expect(JSON.parse(bad.body)).toMatchObject({ status: 400, detail: 'The path parameter id is not valid.', errors: [{ field: 'id' }] });

    const withHeader = serve(api, {
      getThing: async ({
        input,
        reqCtx,
      }: {
        reqCtx: { req: Request };
        input: (extra: object) => Promise<{ params: { id: string }; tag: string }>;
      }) => {
        const { params, tag } = await input({ tag: () => reqCtx.req.headers.get('x-tag') ?? 'none' });
        return Response.json({ id: params.id, size: tag.length });
      },
    });
    expect(JSON.parse((await withHeader(event('GET', '/abc', { headers: { 'x-tag': 'four' } }))).body)).toEqual({ id: 'abc', size: 4 });
  });

  it('refuses a handler for a route the table does not declare, and a route without a handler', () => {
    const api = defineApi({ info, schemas: { Thing: ThingSchema }, routes: baseRoutes });
    const router = createRestRouter({ logger: { debug: jest.fn(), error: jest.fn() } });
    // @ts-expect-error -- deleteThing is not a route of the table: the types refuse it too.
    expect(() => registerRoutes(router, api, { getThing, deleteThing: getThing })).toThrow(/deleteThing, which the API does not declare/);
    // @ts-expect-error -- getThing has no handler.
    expect(() => registerRoutes(createRestRouter({ logger: { debug: jest.fn(), error: jest.fn() } }), api, {})).toThrow(
      /No handler for the route getThing/,
    );
  });
});
