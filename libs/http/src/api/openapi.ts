import * as z from 'zod/mini';
import { GatewayErrorSchema, ProblemDetailsSchema } from './problem-schema';
import { RESPONSE_HEADERS, type ApiInfo, type ApiSpec, type ProblemStatus, type ResponseHeaderName, type RouteSpec } from './routes';

/** A JSON Schema / OpenAPI object, as the document holds it. */
type Json = Record<string, unknown>;

/** An OpenAPI 3.1 document (the parts the shop writes). */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: Json;
  readonly jsonSchemaDialect: string;
  readonly servers: readonly Json[];
  readonly tags: readonly Json[];
  readonly paths: Record<string, Record<string, Json>>;
  readonly components: {
    readonly schemas: Record<string, Json>;
    readonly responses: Record<string, Json>;
    readonly securitySchemes: Record<string, Json>;
  };
}

/** The name of the Cognito ID token scheme in `components.securitySchemes`. */
export const SECURITY_SCHEME = 'cognitoIdToken';

/** Where the local cloud serves the shop (`npm start`). */
export const LOCAL_CLOUD_URL = 'http://127.0.0.1:3000';

const PROBLEM = 'application/problem+json';

/** The statuses API Gateway itself may answer with (`{ "message" }`), besides the service's problems. */
const GATEWAY_STATUSES = new Set(['401', '500', '502', '504']);

const PROBLEM_TEXT: Readonly<Record<ProblemStatus | 500 | 502 | 504, string>> = {
  400: 'The request is not valid: `errors` names every bad field (path, query, header or body); nothing was written.',
  401: 'No valid Cognito ID token: API Gateway\'s authorizer answers `{"message":"Unauthorized"}`, the service a problem.',
  403: 'The caller is not in the group the route needs.',
  404: 'No such resource.',
  409: 'Conflicts with the current state.',
  412: 'The resource changed since it was read (`If-Match` is stale), or exists already (`If-None-Match: *`).',
  413: 'The body is larger than 16 KiB.',
  422: 'The request cannot be carried out in the current state.',
  428: 'A conditional request (`If-Match`) is required.',
  500: 'An unexpected error; the body says nothing about the cause (quote its correlationId). API Gateway answers `{"message"}`.',
  502: 'The function failed (crashed, or answered something API Gateway cannot use): API Gateway answers `{"message"}`.',
  504: 'The function did not answer in time: API Gateway answers `{"message"}`.',
};

/**
 * A route's path in the document: on the shop's API domain, its service's base path first (`/{sku}`
 * of product → `/products/{sku}`; the service root `/` → `/products`), as clients call it.
 */
export const documentPath = (info: Pick<ApiInfo, 'basePath'>, path: string): string =>
  path === '/' ? info.basePath : `${info.basePath}${path}`;

/** A zod schema as JSON Schema draft 2020-12 (OpenAPI 3.1's dialect), without its `$schema`. */
export const jsonSchemaOf = (schema: z.core.$ZodType, io: 'input' | 'output'): Json => {
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete converted.$schema;
  return converted;
};

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

const problemResponses = (route: RouteSpec): Record<string, Json> => {
  const statuses = new Set<ProblemStatus | 500 | 502 | 504>(route.problems ?? []);
  if (route.params || route.query || route.body || route.headers) statuses.add(400);
  if (route.body) statuses.add(413);
  if (route.auth !== 'public') statuses.add(401);
  if (route.auth === 'admin') statuses.add(403);
  for (const status of [500, 502, 504] as const) statuses.add(status);
  return Object.fromEntries(
    [...statuses].sort().map((status): [string, Json] => [String(status), { $ref: `#/components/responses/Problem${status}` }]),
  );
};

const parameters = (route: RouteSpec): Json[] => [
  ...Object.entries(route.params ?? {}).map(([name, schema]) => ({
    name,
    in: 'path',
    required: true,
    schema: jsonSchemaOf(schema, 'input'),
  })),
  ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => {
    const field = schema as z.core.$ZodType;
    const { description, ...fieldSchema } = jsonSchemaOf(field, 'input');
    return {
      name,
      in: 'query',
      required: !z.safeParse(field, undefined).success,
      ...(typeof description === 'string' ? { description } : {}),
      schema: fieldSchema,
    };
  }),
  ...Object.entries(route.headers ?? {}).map(([name, spec]) => ({
    name,
    in: 'header',
    required: spec.required ?? false,
    description: spec.description,
    schema: spec.schema ? jsonSchemaOf(spec.schema, 'input') : { type: 'string' },
  })),
];

const operation = (id: string, route: RouteSpec, tag: string): Json => ({
  operationId: id,
  summary: route.summary,
  ...(route.description ? { description: route.description } : {}),
  tags: [tag],
  ...(route.auth === 'public'
    ? { security: [] }
    : { security: [{ [SECURITY_SCHEME]: [] }], ...(route.auth === 'admin' ? { 'x-shop-group': 'admin' } : {}) }),
  ...(Object.keys(route.params ?? {}).length + Object.keys(route.query?.shape ?? {}).length + Object.keys(route.headers ?? {}).length > 0
    ? { parameters: parameters(route) }
    : {}),
  ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(route.body) } } } } : {}),
  responses: {
    ...Object.fromEntries(
      Object.entries(route.responses).map(([status, response]): [string, Json] => [
        status,
        {
          description: response.description,
          headers: {
            ...Object.fromEntries((response.headers ?? []).map((name) => [name, header(name, true)])),
            ...Object.fromEntries((response.optionalHeaders ?? []).map((name) => [name, header(name, false)])),
            'x-correlation-id': CORRELATION_HEADER,
          },
          ...(response.body ? { content: { 'application/json': { schema: ref(response.body) } } } : {}),
        },
      ]),
    ),
    ...problemResponses(route),
  },
});

const header = (name: ResponseHeaderName, required: boolean): Json => {
  const { description, ...schema } = RESPONSE_HEADERS[name];
  return { description, required, schema: { type: 'string', ...schema } };
};

const CORRELATION_HEADER: Json = {
  description: 'The correlation id of the request: the one the caller sent in `x-correlation-id`, else a new one.',
  required: true,
  schema: { type: 'string' },
};

const problemComponents = (): Record<string, Json> =>
  Object.fromEntries(
    Object.entries(PROBLEM_TEXT).map(([status, description]): [string, Json] => [
      `Problem${status}`,
      {
        description,
        // API Gateway's own answers (its authorizer's 401, its 5xx) come as `{ "message" }`, without the correlation id.
        headers: { 'x-correlation-id': { ...CORRELATION_HEADER, required: !GATEWAY_STATUSES.has(status) } },
        content: {
          ...(status === '502' || status === '504' ? {} : { [PROBLEM]: { schema: ref('ProblemDetails') } }),
          ...(GATEWAY_STATUSES.has(status) ? { 'application/json': { schema: ref('GatewayError') } } : {}),
        },
      },
    ]),
  );

/**
 * The OpenAPI 3.1 document of a service's HTTP API, from its route table and zod schemas:
 * every route with its parameters, body, answers (with their headers) and problem+json errors,
 * request bodies as their input schemas, answers as their output schemas (draft 2020-12).
 */
export const openApiDocument = (api: ApiSpec): OpenApiDocument => {
  const { info, schemas, routes } = api;
  const requestBodies = new Set(Object.values(routes).flatMap((route) => (route.body ? [route.body] : [])));
  const paths: Record<string, Record<string, Json>> = {};
  for (const [id, route] of Object.entries(routes)) {
    (paths[documentPath(info, route.path)] ??= {})[route.method.toLowerCase()] = operation(id, route, info.service);
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [
      { url: LOCAL_CLOUD_URL, description: 'The local cloud (`npm start`)' },
      {
        url: 'https://{apiDomain}',
        description: "The shop's API domain of a deployed stage (apiDomain: the platform's, in SSM)",
        variables: {
          apiDomain: { default: 'api.example.com' },
        },
      },
    ],
    tags: [{ name: info.service, description: info.title }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: {
        ...Object.fromEntries(
          Object.entries(schemas as Record<string, z.core.$ZodType>).map(([name, schema]) => [
            name,
            jsonSchemaOf(schema, requestBodies.has(name) ? 'input' : 'output'),
          ]),
        ),
        ProblemDetails: jsonSchemaOf(ProblemDetailsSchema, 'output'),
        GatewayError: jsonSchemaOf(GatewayErrorSchema, 'output'),
      },
      responses: problemComponents(),
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A Cognito ID token of the platform's user pool (`npm run -s token -- --customer <name>` or `--admin` on the local cloud); admin routes need the `admin` group (`cognito:groups`).",
        },
      },
    },
  };
};
