import { randomUUID } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { functionUrlResponse } from '../api/function-url-event';
import type { HttpAnswer } from '../api/gateway';
import { parseProxyResponse, type IncomingRequest } from '../api/proxy-event';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../assembly/naming';
import type { FunctionPool } from '../lambda/function-pool';
import { pooledRandomBytes, randomHex } from '../random';
import { corsPreflight, withCorsHeaders } from './cors';
import { buildHttpApiEventV1, buildHttpApiEventV2, type HttpApiEventContext } from './events';
import { authorizeJwt } from './jwt-authorizer';
import {
  AuthorizerCache,
  identityValues,
  readAuthorizerResponse,
  type IdentityInputs,
  type LambdaAuthorizerVerdict,
} from './lambda-authorizer';
import type { HttpApiDef, HttpAuthorizerDef, HttpStageDef } from './model';
import { HttpRoutes, type HttpRouteMatch } from './routes';

/** Where the local cloud serves HTTP APIs: `/_api/<api id>` stands for `https://<api id>.execute-api.<region>.amazonaws.com`. */
export const httpApiPrefix = (apiId: string) => `/_api/${apiId}`;

export interface HttpApiServerOptions {
  pools: (functionName: string) => FunctionPool | undefined;
  /** The local signing key (JWT authorizers check tokens with it). */
  publicKey: () => CryptoKey | undefined;
  /** IAM: may API Gateway invoke the function for this route (SourceArn `<api>/<stage>/<METHOD><path>`)? Undefined: always. */
  mayInvoke?: (functionName: string, sourceArn: string) => boolean;
}

/** What an authorizer let through: a JWT's claims and scopes, or a Lambda authorizer's context. */
interface Authorized {
  jwt?: { claims: Record<string, string>; scopes: string[] | null };
  lambda?: { context: Record<string, unknown>; principalId?: string };
}

/**
 * `requestContext.authorizer` in the integration's payload format: 2.0 has `jwt: {claims, scopes}`
 * or `lambda: {...context}`; 1.0 has `claims` and `scopes` (null without a JWT), or the Lambda
 * authorizer's context with its `principalId`.
 */
function authorizerField(authorized: Authorized, payloadFormatVersion: '1.0' | '2.0'): Record<string, unknown> | undefined {
  if (payloadFormatVersion === '2.0') {
    if (authorized.jwt) return { jwt: authorized.jwt };
    return authorized.lambda ? { lambda: authorized.lambda.context } : undefined;
  }
  if (authorized.lambda)
    return { ...authorized.lambda.context, ...(authorized.lambda.principalId ? { principalId: authorized.lambda.principalId } : {}) };
  return { claims: authorized.jwt?.claims ?? null, scopes: authorized.jwt?.scopes ?? null };
}

/** What the identity sources of an authorizer can read in a request. */
function identityInputs(
  request: IncomingRequest,
  header: (name: string) => string | undefined,
  context: HttpApiEventContext,
): IdentityInputs {
  const query = new URLSearchParams(request.query);
  const contextValues: Record<string, string> = {
    routeKey: context.routeKey,
    stage: context.stage,
    apiId: context.apiId,
    requestId: context.requestId,
    'identity.sourceIp': request.sourceIp,
  };
  return {
    header,
    query: (name) => query.getAll(name).join(',') || undefined,
    context: (name) => contextValues[name],
    stageVariable: (name) => context.stageVariables?.[name],
  };
}

/** An event without `body` and `isBase64Encoded` (a Lambda authorizer's event has neither). */
function withoutBody<Event extends { body?: unknown; isBase64Encoded?: unknown }>(event: Event): Omit<Event, 'body' | 'isBase64Encoded'> {
  const copy: Partial<Event> = { ...event };
  delete copy.body;
  delete copy.isBase64Encoded;
  return copy as Omit<Event, 'body' | 'isBase64Encoded'>;
}

/** The gateway's answer, with a note for its log line. */
type Answer = HttpAnswer & { note?: string };

const message = (statusCode: number, text: string, headers: [string, string][] = [], note?: string): Answer => ({
  statusCode,
  headers: [['content-type', 'application/json'], ...headers],
  body: JSON.stringify({ message: text }),
  note,
});

/**
 * One HTTP API (API Gateway v2) behind `/_api/<api id>/`: the stage (a named stage by the path's
 * first part, else `$default`), the route (see {@link HttpRoutes}), CORS preflights answered by the
 * gateway, the route's authorizer (JWT or Lambda), then the Lambda proxy integration with payload
 * format 1.0 or 2.0, and the answer read as that format's response.
 */
export class HttpApiServer {
  private routes: HttpRoutes;
  private readonly cache = new AuthorizerCache();

  constructor(
    private apiDef: HttpApiDef,
    private readonly options: HttpApiServerOptions,
  ) {
    this.routes = new HttpRoutes(apiDef.routes);
  }

  get def(): HttpApiDef {
    return this.apiDef;
  }

  /** Swaps a redeployed definition in. */
  set def(def: HttpApiDef) {
    this.apiDef = def;
    this.routes = new HttpRoutes(def.routes);
  }

  /** Answers a request whose path starts with `/_api/<api id>`. */
  async handle(request: IncomingRequest, header: (name: string) => string | undefined): Promise<Answer> {
    const requestId = randomUUID();
    const api = this.apiDef;
    const gatewayHeaders: [string, string][] = [['apigw-requestid', pooledRandomBytes(6).toString('base64url')]];
    const rawPath = request.path.slice(httpApiPrefix(api.id).length) || '/';
    const { stage, path } = this.stageOf(rawPath);
    if (!stage) return message(404, 'Not Found', gatewayHeaders, '(no stage serves this path)');

    const preflight = corsPreflight(api.cors, request.httpMethod, header);
    if (preflight)
      return { statusCode: preflight.statusCode, headers: [...gatewayHeaders, ...preflight.headers], body: '', note: '(CORS preflight)' };
    const cors = (answer: Answer): Answer => ({
      ...answer,
      headers: withCorsHeaders(api.cors, header('origin'), answer.headers as [string, string][]),
    });

    const match = this.routes.match(request.httpMethod, path);
    if (!match || !match.route.integration) return cors(message(404, 'Not Found', gatewayHeaders));
    const { route } = match;
    const now = Date.now();
    const context: HttpApiEventContext = {
      apiId: api.id,
      stage: stage.name,
      stageVariables: stage.variables,
      routeKey: route.routeKey,
      routePath: match.path,
      pathParameters: match.pathParameters,
      requestId,
      traceId: `Root=1-${Math.floor(now / 1000).toString(16)}-${randomHex(12)}`,
      now,
    };
    const seen: IncomingRequest = { ...request, path: rawPath };

    const authorized = await this.authorize(route.authorizationType, route.authorizer, route.scopes, seen, header, match, context);
    if ('statusCode' in authorized)
      return cors({ ...authorized, headers: [...gatewayHeaders, ...(authorized.headers as [string, string][])] });
    const integration = route.integration;
    if (!integration) return cors(message(404, 'Not Found', gatewayHeaders));
    context.authorizer = authorizerField(authorized, integration.type === 'AWS_PROXY' ? integration.payloadFormatVersion : '2.0');
    if (integration.type !== 'AWS_PROXY') {
      const what = integration?.type === 'UNSUPPORTED' ? integration.description : 'the integration';
      return cors(message(500, `${what} is not emulated by the local cloud`, gatewayHeaders, `(${what} is not emulated)`));
    }
    const pool = this.options.pools(integration.functionName);
    if (!pool) return cors(message(500, 'Internal Server Error', gatewayHeaders, `(function ${integration.functionName} is not running)`));
    const sourceArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${context.apiId}/${context.stage}/${request.httpMethod}${path}`;
    if (this.options.mayInvoke && !this.options.mayInvoke(integration.functionName, sourceArn)) {
      // As API Gateway does when the function's resource policy does not let it invoke: 500 (see api/gateway.ts).
      return cors(
        message(
          500,
          'Internal Server Error',
          gatewayHeaders,
          `(Invalid permissions on Lambda function ${integration.functionName}: ${sourceArn})`,
        ),
      );
    }
    const event = integration.payloadFormatVersion === '1.0' ? buildHttpApiEventV1(seen, context) : buildHttpApiEventV2(seen, context);
    const correlationId = header('x-correlation-id');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      pool.invoke(event, { correlationId: correlationId ?? requestId, source: 'http' }),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), integration.timeoutMs))),
    ]);
    clearTimeout(timer);
    const note = `→ ${pool.label} (${route.routeKey}, payload ${integration.payloadFormatVersion})`;
    if (outcome === 'timeout') return cors(message(503, 'Service Unavailable', gatewayHeaders, `${note} (integration timeout)`));
    if (!outcome.ok)
      return cors(
        message(500, 'Internal Server Error', gatewayHeaders, `${note} (${outcome.error?.errorType}: ${outcome.error?.errorMessage})`),
      );
    if (integration.payloadFormatVersion === '1.0') {
      const response = parseProxyResponse(outcome.payload);
      if (!response.ok) return cors(message(500, 'Internal Server Error', gatewayHeaders, `${note} (${response.reason})`));
      const headers = [...gatewayHeaders, ...response.headers];
      if (!response.headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['content-type', 'application/json']);
      return cors({ statusCode: response.statusCode, headers, body: response.body, note });
    }
    const response = functionUrlResponse(outcome.payload);
    return cors({ statusCode: response.statusCode, headers: [...gatewayHeaders, ...response.headers], body: response.body, note });
  }

  /** A named stage when the path starts with its name, else the `$default` stage (served at the root). */
  private stageOf(rawPath: string): { stage?: HttpStageDef; path: string } {
    const first = rawPath.split('/')[1] ?? '';
    const named = this.apiDef.stages.find((stage) => stage.name !== '$default' && stage.name === first);
    if (named) return { stage: named, path: rawPath.slice(first.length + 1) || '/' };
    return { stage: this.apiDef.stages.find((stage) => stage.name === '$default'), path: rawPath };
  }

  private async authorize(
    type: string,
    authorizer: HttpAuthorizerDef | undefined,
    scopes: string[],
    request: IncomingRequest,
    header: (name: string) => string | undefined,
    match: HttpRouteMatch,
    context: HttpApiEventContext,
  ): Promise<Answer | Authorized> {
    if (type === 'NONE') return {};
    if (type === 'JWT' && authorizer?.type === 'JWT') {
      const [token] = identityValues(authorizer.identitySource.slice(0, 1), identityInputs(request, header, context)) ?? [];
      const result = await authorizeJwt(authorizer, token, scopes, this.options.publicKey());
      if (!result.ok) return message(result.statusCode, result.message, [], `(JWT authorizer ${authorizer.name}: ${result.reason})`);
      return { jwt: { claims: result.claims, scopes: result.scopes } };
    }
    if (type === 'CUSTOM' && authorizer?.type === 'REQUEST') return this.runLambdaAuthorizer(authorizer, request, header, match, context);
    const what = authorizer?.type === 'UNSUPPORTED' ? authorizer.description : `${type} authorization`;
    return message(500, `${what} is not emulated by the local cloud`, [], `(${what} is not emulated)`);
  }

  private async runLambdaAuthorizer(
    authorizer: Extract<HttpAuthorizerDef, { type: 'REQUEST' }>,
    request: IncomingRequest,
    header: (name: string) => string | undefined,
    match: HttpRouteMatch,
    context: HttpApiEventContext,
  ): Promise<Answer | Authorized> {
    const values = identityValues(authorizer.identitySource, identityInputs(request, header, context));
    const label = `Lambda authorizer ${authorizer.name}`;
    if (!values) return message(401, 'Unauthorized', [], `(${label}: an identity source is missing)`);
    const routeArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${context.apiId}/${context.stage}/${
      match.path === '$default' ? '$default' : `${request.httpMethod}${match.path === '/' ? '/' : match.path}`
    }`;
    let verdict: LambdaAuthorizerVerdict | undefined = this.cache.get(authorizer, values, context.now);
    if (!verdict) {
      const pool = this.options.pools(authorizer.functionName);
      if (!pool) return message(500, 'Internal Server Error', [], `(${label}: function ${authorizer.functionName} is not running)`);
      // The request as the integration would see it, without its body, plus what identifies the authorizer's call.
      const event =
        authorizer.payloadFormatVersion === '1.0'
          ? {
              ...withoutBody(buildHttpApiEventV1(request, context)),
              type: 'REQUEST',
              methodArn: routeArn,
              identitySource: values.join(','),
            }
          : { ...withoutBody(buildHttpApiEventV2(request, context)), type: 'REQUEST', routeArn, identitySource: values };
      const outcome = await pool.invoke(event, { correlationId: header('x-correlation-id') ?? context.requestId, source: 'http' });
      verdict = outcome.ok
        ? readAuthorizerResponse(authorizer, outcome.payload, routeArn)
        : { kind: 'error', reason: `${outcome.error?.errorType}: ${outcome.error?.errorMessage}` };
      this.cache.set(authorizer, values, verdict, context.now);
    }
    if (verdict.kind === 'error') return message(500, 'Internal Server Error', [], `(${label}: ${verdict.reason})`);
    if (verdict.kind === 'deny') return message(403, 'Forbidden', [], `(${label}: ${verdict.reason})`);
    return { lambda: { context: verdict.context, principalId: verdict.principalId } };
  }
}
