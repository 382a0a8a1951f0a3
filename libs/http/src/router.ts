import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { RequestContext } from '@aws-lambda-powertools/event-handler/types';
import { ValidationError } from '@shop/domain';
import { CORRELATION_ID_HEADER, resolveCorrelationId, type LogSink } from '@shop/observability';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { problemForError, problemResponse } from './problem';

/** Options of {@link createRestRouter}. */
export interface RestRouterOptions {
  /** Where unexpected errors are logged (with their stack); 4xx problems are logged at debug. */
  readonly logger: Pick<LogSink, 'debug' | 'error'>;
}

/**
 * A Powertools REST router whose every error, expected or not, becomes an RFC 9457
 * problem+json response through {@link problemForError}. Register routes relative to the
 * service root (`/`, `/:sku`) and resolve with {@link resolveRestRequest}.
 */
export const createRestRouter = (options: RestRouterOptions): Router => {
  const router = new Router();
  router.errorHandler(Error, async (thrown, reqCtx) => {
    // The router percent-decodes path parameters itself: a malformed escape (`%E0%A4%A`) is the
    // client's mistake, not a failure of the service.
    const error = thrown instanceof URIError ? malformedPath(thrown) : thrown;
    const problem = problemForError(error, {
      instance: instanceOf(reqCtx.event),
      correlationId: reqCtx.req.headers.get(CORRELATION_ID_HEADER) ?? undefined,
    });
    if (problem.status >= 500) options.logger.error('Request failed unexpectedly', error);
    else options.logger.debug('Request refused', { status: problem.status, error: error.message });
    return problemResponse(problem);
  });
  return router;
};

const malformedPath = (cause: URIError): ValidationError =>
  new ValidationError([{ field: 'path', message: 'The path is not valid percent-encoding.' }], 'The request path is not valid.', { cause });

const instanceOf = (event: unknown): string | undefined => {
  const candidate = event as Partial<APIGatewayProxyEvent> | undefined;
  return candidate?.requestContext?.path ?? candidate?.path;
};

/**
 * The request path relative to the service's API root, i.e. to where the `{proxy+}` resource
 * hangs: `/` for the root resource, `/<proxy>` under `{proxy+}`. It ignores any custom-domain
 * base path (`/products`) or stage, so the same routes work on every URL of the API.
 */
export const serviceRelativePath = (event: Pick<APIGatewayProxyEvent, 'resource' | 'path' | 'pathParameters'>): string => {
  const resource = event.resource;
  if (!resource) return event.path;
  if (resource.includes('{proxy+}')) return `/${event.pathParameters?.proxy ?? ''}`;
  // The root (`/`) or another resource: its template with the path parameters filled in.
  return resource.replace(/\{(\w+)\}/g, (_match, name: string) => event.pathParameters?.[name] ?? '');
};

const withoutHeader = <T>(headers: Record<string, T> | null | undefined, name: string): Record<string, T> =>
  Object.fromEntries(Object.entries(headers ?? {}).filter(([key]) => key.toLowerCase() !== name));

/** An API Gateway REST proxy function: a service's API as {@link resolveRestRequest} serves it, before observability wraps it. */
export type ProxyFunction = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Routes an API Gateway REST proxy event through `router` on its service-relative path.
 * The correlation id (from `x-correlation-id`, else the API Gateway request id) is put on the
 * request for route handlers ({@link correlationIdOf}) and echoed in the response header.
 */
export const resolveRestRequest = async (router: Router, event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  const correlationId = resolveCorrelationId(event);
  const method = event.httpMethod.toUpperCase();
  const routed: APIGatewayProxyEvent = {
    ...event,
    path: serviceRelativePath(event),
    // Web Requests cannot carry a body on GET/HEAD; API Gateway passes one through if sent.
    body: method === 'GET' || method === 'HEAD' ? null : event.body,
    headers: { ...withoutHeader(event.headers, CORRELATION_ID_HEADER), [CORRELATION_ID_HEADER]: correlationId },
    multiValueHeaders: {
      ...withoutHeader(event.multiValueHeaders, CORRELATION_ID_HEADER),
      [CORRELATION_ID_HEADER]: [correlationId],
    },
  };
  const result = await router.resolve(routed, context);
  return { ...result, headers: { ...result.headers, [CORRELATION_ID_HEADER]: correlationId } };
};

/** The correlation id {@link resolveRestRequest} attached to the request. */
export const correlationIdOf = (reqCtx: Pick<RequestContext, 'req'>): string =>
  reqCtx.req.headers.get(CORRELATION_ID_HEADER) ?? resolveCorrelationId(reqCtx.req);

/**
 * The path a client would use for `relative` (a service-relative path such as `/MUG-001`): the
 * service root as the client called it (custom-domain base path, or stage on the raw
 * execute-api URL) followed by `relative`. Use it for `Location` headers and links.
 * Expects an event routed by {@link resolveRestRequest} (its `path` is service-relative).
 */
export const clientPath = (event: unknown, relative: string): string => {
  const candidate = event as Partial<APIGatewayProxyEvent> | undefined;
  const routed = candidate?.path ?? '/';
  const full = candidate?.requestContext?.path ?? routed;
  const root = full.endsWith(routed) ? full.slice(0, full.length - routed.length) : full.replace(/\/$/, '');
  return `${root}${relative}`;
};
