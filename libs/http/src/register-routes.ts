import type { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Middleware, RequestContext } from '@aws-lambda-powertools/event-handler/types';
import type * as z from 'zod/mini';
import { ADMIN_GROUP, routerPath, type ApiSchemas, type ApiSpec, type RouteSpec } from './api/routes';
import { requireCaller, requireGroup } from './claims';
import { parseJsonBody, parsePathParam, parseQuery, validateAll } from './validation';

type Parsers = Record<string, () => unknown>;
type Results<P extends Parsers> = { [K in keyof P]: Awaited<ReturnType<P[K]>> };

/** What a route's declared parts parse to: `params`, `query` and `body` where the route has them. */
export type RouteInput<R extends RouteSpec, Schemas extends ApiSchemas> = (R['params'] extends Record<string, z.core.$ZodType>
  ? { params: { [K in keyof R['params']]: z.output<R['params'][K]> } }
  : unknown) &
  (R['query'] extends z.ZodMiniObject ? { query: z.output<R['query']> } : unknown) &
  (R['body'] extends keyof Schemas ? { body: z.output<Schemas[R['body']]> } : unknown);

/** The request as a route handler gets it. */
export interface RouteRequest<R extends RouteSpec, Schemas extends ApiSchemas> {
  readonly reqCtx: RequestContext;
  /**
   * Parses the route's declared path parameters, query and body with their schemas, and `extra`
   * (the route's headers, parsed by the handler) with them, reporting every bad field of every part
   * in one 400.
   */
  input<P extends Parsers = Record<never, never>>(extra?: P): Promise<RouteInput<R, Schemas> & Results<P>>;
}

/** One handler per route of an API, by operation id: no more (the object is checked), no less. */
export type RouteHandlers<A extends ApiSpec> = {
  readonly [K in keyof A['routes']]: (request: RouteRequest<A['routes'][K], A['schemas']>) => Promise<Response>;
};

const requireSignedIn: Middleware = async ({ reqCtx, next }) => {
  requireCaller(reqCtx.event);
  await next();
};

const authMiddleware = (route: RouteSpec): Middleware[] =>
  route.auth === 'admin' ? [requireGroup(ADMIN_GROUP)] : route.auth === 'customer' ? [requireSignedIn] : [];

const PARAM = 'path parameter ';

// Every part of a request in the order its issues are reported: path parameters, the handler's extra ones, query, body.
const parsersOf = (route: RouteSpec, schemas: Record<string, z.core.$ZodType>, reqCtx: RequestContext, extra: Parsers): Parsers => {
  const parsers: Parsers = {};
  for (const [name, schema] of Object.entries(route.params ?? {})) {
    parsers[`${PARAM}${name}`] = () => parsePathParam(schema, reqCtx.params[name], name);
  }
  Object.assign(parsers, extra);
  const { query, body } = route;
  if (query) parsers.query = () => parseQuery(query, new URL(reqCtx.req.url).searchParams);
  if (body) {
    const schema = schemas[body];
    if (!schema) throw new Error(`The body schema ${body} is not among the API's schemas.`);
    parsers.body = () => parseJsonBody(schema, reqCtx.req);
  }
  return parsers;
};

const parseAll = async (parsers: Parsers): Promise<Record<string, unknown>> => {
  const names = Object.keys(parsers);
  const only = names.length === 1 ? names[0] : undefined;
  // One part alone throws its own error (its message names it); several are reported together.
  const values: Record<string, unknown> = only === undefined ? await validateAll(parsers) : { [only]: await parsers[only]?.() };
  const params: Record<string, unknown> = {};
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name.startsWith(PARAM)) params[name.slice(PARAM.length)] = value;
    else result[name] = value;
  }
  return Object.keys(params).length > 0 ? { ...result, params } : result;
};

/**
 * Registers one handler per route of `api` on a Powertools router (from `createRestRouter`): at the
 * route's method and path, behind the middleware its `auth` asks for (401 without a caller; 403
 * outside the admin group). Order of a request's checks: auth, then path parameters, extra headers,
 * query and body, every bad field of them in one 400 (one part alone keeps its own message).
 */
export const registerRoutes = <A extends ApiSpec>(router: Router, api: A, handlers: RouteHandlers<A>): void => {
  const table = handlers as unknown as Record<
    string,
    (request: RouteRequest<RouteSpec, Record<string, z.core.$ZodType>>) => Promise<Response>
  >;
  const schemas = api.schemas as Record<string, z.core.$ZodType>;
  for (const [id, route] of Object.entries(api.routes as Record<string, RouteSpec>)) {
    const handle = table[id];
    if (!handle) throw new Error(`No handler for the route ${id} (${route.method} ${route.path}).`);
    router.route(
      async (reqCtx) =>
        handle({
          reqCtx,
          input: async (extra) => (await parseAll(parsersOf(route, schemas, reqCtx, extra ?? {}))) as never,
        }),
      { method: route.method, path: routerPath(route.path) as `/${string}`, middleware: authMiddleware(route) },
    );
  }
  for (const id of Object.keys(table)) {
    if (!(id in api.routes)) throw new Error(`A handler for ${id}, which the API does not declare.`);
  }
};
