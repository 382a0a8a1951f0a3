import type * as z from 'zod/mini';

/** An HTTP method a shop route answers. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route:
 * - `public`: anyone, no token;
 * - `customer`: a signed-in caller (a Cognito ID token as `Authorization: Bearer`), 401 without one;
 * - `admin`: a signed-in caller in the {@link ADMIN_GROUP} group, 401 without a token, 403 in another group.
 */
export type RouteAuth = 'public' | 'customer' | 'admin';

/** The Cognito group whose members may call the `admin` routes. */
export const ADMIN_GROUP = 'admin';

/** The problem+json statuses a route can answer with besides 500, named by the route table. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 422 | 428;

/** A request header a route reads (documented; its handler parses it, see `RouteRequest.input`). */
export interface RequestHeaderSpec {
  readonly description: string;
  /** Whether a request without it is refused. @default false */
  readonly required?: boolean;
  /** Its value's schema, for the document. @default a string */
  readonly schema?: z.core.$ZodType;
}

/** The response headers the shop sets, each documented once in `components.headers`. */
export const RESPONSE_HEADERS = {
  ETag: { description: 'The resource\'s version as a strong entity tag (`"3"`): send it back in `If-Match`.', pattern: '^"[1-9][0-9]*"$' },
  Location: { description: 'The path of the resource just created, from the service root as the client called it.' },
  'Idempotent-Replayed': {
    description: '`true` when the answer is the one of an earlier request with the same `Idempotency-Key`.',
    enum: ['true'],
  },
  'Cache-Control': { description: '`no-store`: a personal answer no shared cache may keep.', enum: ['no-store'] },
} as const satisfies Record<string, { readonly description: string; readonly pattern?: string; readonly enum?: readonly string[] }>;

/** The name of a response header in {@link RESPONSE_HEADERS}. */
export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** One success answer of a route. */
export interface ResponseSpec<S extends string> {
  readonly description: string;
  /** The JSON body, by its name in the API's `schemas`; none for an empty body (204). */
  readonly body?: S;
  /** Headers this answer always carries. */
  readonly headers?: readonly ResponseHeaderName[];
  /** Headers this answer carries sometimes (`Idempotent-Replayed` on a replay). */
  readonly optionalHeaders?: readonly ResponseHeaderName[];
}

/**
 * One route of a service's HTTP API: what the router registers a handler for and what the
 * OpenAPI document says about it. `path` is relative to the service root, with OpenAPI templates
 * (`/{sku}`, `/items/{sku}`); each template variable has a schema in `params`.
 */
export interface RouteSpec<S extends string = string> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly auth: RouteAuth;
  /** Path parameters, each parsed with its schema (a 400 names the parameter). */
  readonly params?: Readonly<Record<string, z.core.$ZodType>>;
  /** Query parameters (an object schema of strings, coerced where needed). */
  readonly query?: z.ZodMiniObject;
  /** The JSON request body, by its name in the API's `schemas`. */
  readonly body?: S;
  /** Request headers the route reads (`Idempotency-Key`, `If-Match`...). */
  readonly headers?: Readonly<Record<string, RequestHeaderSpec>>;
  /** Success answers by status. */
  readonly responses: Readonly<Partial<Record<200 | 201 | 202 | 204, ResponseSpec<S>>>>;
  /**
   * The problem+json answers the route's own logic gives (404 for an unknown resource, 409, 412...).
   * 400 (with params, query, body or headers), 401 and 403 (from `auth`), 413 (with a body) and 500
   * are added by the document.
   */
  readonly problems?: readonly ProblemStatus[];
}

/** The server a document names: the service's base path on the shop's API domain. */
export interface ApiInfo {
  /** The service, as the stack and the local cloud name it (`product`). */
  readonly service: string;
  readonly title: string;
  readonly version: string;
  readonly description: string;
  /** The service's base path on the API domain (`/products`); routes are relative to it. */
  readonly basePath: string;
}

/** The named JSON bodies of an API (they become `components.schemas`). */
export type ApiSchemas = Readonly<Record<string, z.core.$ZodType>>;

/**
 * A service's HTTP API, the one source of truth of its router and of its OpenAPI document:
 * `schemas` names every JSON body, `routes` every route by operation id. Build it with {@link defineApi}.
 */
export interface ApiSpec<
  Schemas extends ApiSchemas = ApiSchemas,
  Routes extends Readonly<Record<string, RouteSpec<Extract<keyof Schemas, string>>>> = Readonly<
    Record<string, RouteSpec<Extract<keyof Schemas, string>>>
  >,
> {
  readonly info: ApiInfo;
  readonly schemas: Schemas;
  readonly routes: Routes;
}

/**
 * Declares a service's HTTP API. The types keep every body a route names among `schemas`; the
 * router (`registerRoutes`) then needs exactly one handler per route, and the document
 * (`openApiDocument`) lists every route, so a route added here is in both with no other edit.
 * @example
 * export const api = defineApi({
 *   info: { service: 'product', title: 'Product API', version: '1.0.0', description: '...', basePath: '/products' },
 *   schemas: { Product: ProductSchema },
 *   routes: { getProduct: { method: 'GET', path: '/{sku}', summary: 'One product', auth: 'public',
 *     params: { sku: SkuSchema }, responses: { 200: { description: 'The product', body: 'Product', headers: ['ETag'] } }, problems: [404] } },
 * });
 */
export const defineApi = <
  const Schemas extends ApiSchemas,
  const Routes extends Readonly<Record<string, RouteSpec<NoInfer<Extract<keyof Schemas, string>>>>>,
>(api: {
  readonly info: ApiInfo;
  readonly schemas: Schemas;
  readonly routes: Routes;
}): ApiSpec<Schemas, Routes> => api;

/** The router's form of an OpenAPI path: `/{sku}` → `/:sku`. */
export const routerPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');
