import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RestApiDef } from '../assembly/model';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../assembly/naming';
import { ControlPlaneInputError } from '../control-plane/input';
import type { FunctionPool, InvokeOutcome } from '../lambda/function-pool';
import type { AwsCallAnswer, AwsCallRequest } from '../lambda/protocol';
import type { Logger } from '../log';
import { pooledRandomBytes, randomHex } from '../random';
import type { CognitoAuthorizer } from './authorizer';
import type { ServiceAnswer, ServiceRequest } from './aws-service-integration';
import { LambdaAuthorizer, methodArn } from './lambda-authorizer';
import { methodRequestOf } from './method-request';
import { runAwsIntegration, runMockIntegration, type MethodRequest } from './non-proxy';
import { buildProxyEvent, headerOf, parseProxyResponse, type IncomingRequest } from './proxy-event';
import { RestRoutes } from './rest-routes';

/** A plain HTTP answer. */
export interface HttpAnswer {
  statusCode: number;
  headers?: Record<string, string> | [string, string][];
  body?: string | Buffer;
  /** No `http` log line (the AWS front door: every SDK call a function makes would get one). */
  quiet?: boolean;
  /** What the `http` log line adds (the function that answered, why a request was refused). */
  note?: string;
  /** The DynamoDB front door: IAM admits every call of this one's kind (lambda/dynamodb-direct.ts); only a port call reads it. */
  admitted?: boolean;
}

/** What a local handler gets: the request, its URL and its headers by name. */
export type LocalRequest = IncomingRequest & { url: URL; headerOf: (name: string) => string | undefined };

/** A handler for a path prefix the local cloud serves itself (`/_local/`, `/_aws/sfn`). */
export type LocalHandler = (request: LocalRequest) => Promise<HttpAnswer>;

interface Mounted {
  service: string;
  basePath: string;
  routes: RestRoutes;
  /**
   * Served as API Gateway's own endpoint (`https://<api id>.execute-api.<region>.amazonaws.com/<stage>/...`,
   * here `/_api/<api id>/<stage>/...`) rather than through a custom domain's base path mapping: the event's
   * `path` is then the path after the stage, and `requestContext.path` `/<stage>` plus it.
   */
  executeApi: boolean;
}

/** Checks a request before a local handler sees it: the refusal, or undefined to let it through. */
export interface RequestGuard {
  /** The paths it covers (the gateway answers 404 there when no handler matches). */
  covers(path: string): boolean;
  /** `inProcess`: a function's call over its worker's port rather than HTTP. */
  check(request: IncomingRequest, options?: { inProcess?: boolean }): Promise<HttpAnswer | undefined>;
}

export interface GatewayOptions {
  logger: Logger;
  /** The control plane's guard: every local handler under the paths it covers runs only if it lets the request through. */
  guard: RequestGuard;
  /** Finds the running instances of a function by name. */
  functionPool: (name: string) => FunctionPool | undefined;
  authorizer: () => CognitoAuthorizer | undefined;
  /** Sends a `Type: AWS` integration's request to the local emulator of its service. */
  awsServices?: (request: ServiceRequest) => Promise<ServiceAnswer>;
  maxBodyBytes?: number;
  /**
   * IAM: may API Gateway (`apigateway.amazonaws.com`, SourceArn the method's execute-api ARN) invoke
   * the function? Its resource policy (`AWS::Lambda::Permission`) decides. Undefined: always.
   */
  mayInvoke?: (functionName: string, sourceArn: string) => boolean;
}

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * API Gateway for every REST API of every loaded assembly, on one node:http server: each API is
 * mounted under the base path its AWS::ApiGateway::BasePathMapping gives it. Requests become REST
 * proxy events for the function behind the method; Cognito authorizers run first.
 */
export class Gateway {
  private mounted: Mounted[] = [];
  private readonly localHandlers: { prefix: string; handler: LocalHandler }[] = [];
  /** Calls to `/_aws/*` received over the functions' worker ports and over HTTP (`/_local/health`). */
  readonly awsCalls = { overPort: 0, overHttp: 0 };

  private readonly lambdaAuthorizer: LambdaAuthorizer;

  constructor(private readonly options: GatewayOptions) {
    this.lambdaAuthorizer = new LambdaAuthorizer({
      invoke: async (name, event) => this.options.functionPool(name)?.invoke(event, { source: 'http' }),
    });
  }

  /** Serves a service's APIs (replacing what that service served before). */
  mount(service: string, apis: RestApiDef[]): void {
    this.mounted = this.mounted.filter((entry) => entry.service !== service);
    for (const api of apis) {
      const executeApi = api.basePaths.length === 0;
      const basePaths = executeApi ? [`_api/${api.id}/${api.stageName}`] : api.basePaths;
      for (const basePath of basePaths) this.mounted.push({ service, basePath, routes: new RestRoutes(api), executeApi });
    }
    // Longest base path first, so `/a/b` wins over `/a`.
    this.mounted.sort((a, b) => b.basePath.length - a.basePath.length);
  }

  unmount(service: string): void {
    this.mounted = this.mounted.filter((entry) => entry.service !== service);
  }

  routes(): { service: string; basePath: string; methods: { httpMethod: string; resourcePath: string; authorizationType: string }[] }[] {
    return [...this.mounted]
      .sort((a, b) => a.basePath.localeCompare(b.basePath))
      .map(({ service, basePath, routes }) => ({ service, basePath, methods: routes.list() }));
  }

  addLocalHandler(prefix: string, handler: LocalHandler): void {
    this.localHandlers.push({ prefix, handler });
  }

  removeLocalHandler(prefix: string): void {
    const index = this.localHandlers.findIndex((entry) => entry.prefix === prefix);
    if (index >= 0) this.localHandlers.splice(index, 1);
  }

  /** The node:http request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    let size = 0;
    const limit = this.options.maxBodyBytes ?? 10 * 1024 * 1024;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      const request = incomingRequest(req, Buffer.concat(chunks));
      const answer = size > limit ? Promise.resolve(json(413, { message: 'Request Too Long' })) : this.handle(request, req);
      answer
        .catch((error: Error) => {
          this.options.logger.error(`gateway: ${error.stack ?? error.message}`);
          return { answer: json(500, { message: 'Internal server error' }) } as never;
        })
        .then((result: { answer: HttpAnswer; note?: string } | HttpAnswer) => {
          const { answer: out, note } = 'answer' in result ? result : { answer: result, note: result.note };
          const headers = Array.isArray(out.headers) ? out.headers : Object.entries(out.headers ?? {});
          const flat: Record<string, string | string[]> = {};
          for (const [name, value] of headers) {
            const existing = flat[name];
            flat[name] = existing === undefined ? value : ([] as string[]).concat(existing, value);
          }
          res.writeHead(out.statusCode, flat);
          res.end(out.body);
          this.logAnswer(request, out, started, note);
        });
    });
  };

  private async handle(request: IncomingRequest, req: IncomingMessage): Promise<{ answer: HttpAnswer; note?: string } | HttpAnswer> {
    if (request.path.startsWith('/_aws/')) this.awsCalls.overHttp++;
    const guarded = this.options.guard.covers(request.path);
    if (guarded) {
      const refused = await this.options.guard.check(request);
      if (refused) return { answer: refused, note: '(refused by the control-plane guard)' };
    }
    const local = this.localHandlerOf(request.path);
    if (!local) return guarded ? noLocalEndpoint(request.path) : this.proxy(request, req);
    return this.runLocal(request, () => local(localRequest(request, (name) => headerValue(req, name))));
  }

  /**
   * A function's AWS SDK call over its worker's port (lambda/aws-port.ts), answered as over HTTP: the control plane's
   * guard, then the local handler of its path; the answer is posted back. Never rejects.
   */
  async serveAwsCall(call: AwsCallRequest): Promise<AwsCallAnswer> {
    this.awsCalls.overPort++;
    const rawHeaders = call.headers.flat();
    const request: IncomingRequest = {
      httpMethod: call.method.toUpperCase(),
      path: call.path,
      query: call.query,
      rawHeaders,
      body:
        typeof call.body === 'string' ? Buffer.from(call.body) : Buffer.from(call.body.buffer, call.body.byteOffset, call.body.byteLength),
      sourceIp: '127.0.0.1',
      protocol: 'HTTP/1.1',
    };
    const started = performance.now();
    const answer = (out: HttpAnswer, note?: string): AwsCallAnswer => {
      this.logAnswer(request, out, started, note);
      const body = out.body ?? '';
      return {
        type: 'aws-answer',
        id: call.id,
        statusCode: out.statusCode,
        headers: Array.isArray(out.headers) ? out.headers : Object.entries(out.headers ?? {}),
        // A small Buffer is a view of a shared pool: cloning it to the worker would copy the whole pool.
        body: typeof body === 'string' || body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body),
        ...(out.admitted ? { admitted: true } : {}),
      };
    };
    const refused = this.options.guard.covers(request.path)
      ? await this.options.guard.check(request, { inProcess: true }).catch((error: unknown) => this.localError(request, error))
      : undefined;
    if (refused) return answer(refused, '(refused by the control-plane guard)');
    const local = this.localHandlerOf(request.path);
    if (!local) return answer(noLocalEndpoint(request.path));
    return answer(await this.runLocal(request, () => local(localRequest(request, (name) => headerOf(rawHeaders, name.toLowerCase())))));
  }

  /** The `http` log line of an answer (none for the front door's, marked quiet, nor for health checks). */
  private logAnswer(request: IncomingRequest, out: HttpAnswer, started: number, note = out.note): void {
    if (out.quiet || request.path.startsWith('/_local/health')) return;
    this.options.logger.line(
      'http',
      `${request.httpMethod} ${request.path}${request.query ? `?${request.query}` : ''} ${out.statusCode} ${(performance.now() - started).toFixed(1)}ms${note ? ` ${note}` : ''}`,
    );
  }

  private localHandlerOf(path: string): LocalHandler | undefined {
    return this.localHandlers.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`))?.handler;
  }

  /** Runs a local handler: its input errors answer 400, anything else 500 (logged). */
  private async runLocal(request: IncomingRequest, run: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    try {
      return await run();
    } catch (error) {
      return this.localError(request, error);
    }
  }

  private localError(request: IncomingRequest, error: unknown): HttpAnswer {
    if (error instanceof ControlPlaneInputError || error instanceof URIError) return json(400, { message: (error as Error).message });
    this.options.logger.error(`${request.httpMethod} ${request.path}: ${(error as Error).stack ?? error}`);
    return json(500, { message: 'Internal error in the local cloud (its log has the details)' });
  }

  private async proxy(request: IncomingRequest, req: IncomingMessage): Promise<{ answer: HttpAnswer; note?: string }> {
    const requestId = randomUUID();
    const gatewayHeaders = { 'x-amzn-RequestId': requestId, 'x-amz-apigw-id': pooledRandomBytes(6).toString('base64url') };
    const decodedPath = request.path.replace(/\/{2,}/g, '/');
    const mount = this.mounted.find(
      ({ basePath }) => basePath === '' || decodedPath === `/${basePath}` || decodedPath.startsWith(`/${basePath}/`),
    );
    if (!mount) {
      const mountedPaths = this.mounted.map(({ basePath }) => `/${basePath}`).join(', ') || 'none';
      return {
        answer: json(
          403,
          { message: 'Forbidden' },
          {
            ...gatewayHeaders,
            'x-amzn-ErrorType': 'ForbiddenException',
            'x-local-cloud-hint': `no API is mounted here; mounted: ${mountedPaths}`,
          },
        ),
      };
    }
    const relative = mount.basePath === '' ? decodedPath : decodedPath.slice(mount.basePath.length + 1) || '/';
    const match = mount.routes.match(request.httpMethod, relative.length > 1 ? relative.replace(/\/$/, '') : relative);
    if (match.kind !== 'method') {
      return {
        answer: json(
          403,
          { message: 'Missing Authentication Token' },
          { ...gatewayHeaders, 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' },
        ),
      };
    }
    const { method } = match;

    const now = Date.now();
    const stage = mount.routes.api.stageName;
    // What templates, parameter mappings and Lambda authorizers see; made only for those (a proxy request skips it).
    let methodRequestMemo: MethodRequest | undefined;
    const methodRequest = () =>
      (methodRequestMemo ??= methodRequestOf(request, {
        api: mount.routes.api,
        method,
        pathParameters: match.pathParameters,
        requestId,
        extendedRequestId: gatewayHeaders['x-amz-apigw-id'],
        path: mount.executeApi ? `/${stage}${relative}` : request.path,
        now,
      }));
    let claims: Record<string, string> | undefined;
    let lambdaAuthorizer: Record<string, string | number | boolean> | undefined;
    const traceId = `Root=1-${Math.floor(now / 1000).toString(16)}-${randomHex(12)}`;
    const seenRequest = () => (mount.executeApi ? { ...request, path: request.path.slice(mount.basePath.length + 1) || '/' } : request);
    const eventContext = () => ({
      requestContextPath: mount.executeApi ? `/${stage}${relative}` : undefined,
      api: mount.routes.api,
      method,
      pathParameters: match.pathParameters,
      requestId,
      extendedRequestId: gatewayHeaders['x-amz-apigw-id'],
      traceId,
      now,
      claims,
      authorizer: lambdaAuthorizer,
    });
    if (method.authorizationType === 'COGNITO_USER_POOLS' && method.authorizer) {
      const authorizer = this.options.authorizer();
      const result = authorizer
        ? await authorizer.authorize(method.authorizer, headerValue(req, method.authorizer.identityHeader))
        : ({ ok: false, statusCode: 401, message: 'Unauthorized', reason: 'no signing key' } as const);
      if (!result.ok) {
        return {
          answer: json(result.statusCode, { message: result.message }, { ...gatewayHeaders, 'x-amzn-ErrorType': 'UnauthorizedException' }),
          note: `(authorizer: ${result.reason})`,
        };
      }
      claims = result.claims;
    } else if (method.authorizationType === 'CUSTOM' && method.authorizer) {
      const arn = methodArn(LOCAL_REGION, LOCAL_ACCOUNT_ID, mount.routes.api.id, stage, request.httpMethod, relative);
      const result = await this.lambdaAuthorizer.authorize(
        method.authorizer,
        arn,
        {
          headers: methodRequest().params.header,
          querystring: methodRequest().params.querystring,
          pathParameters: methodRequest().params.path,
          stageVariables: mount.routes.api.stageVariables,
          context: methodRequest().context,
        },
        () => {
          const event = buildProxyEvent(seenRequest(), eventContext());
          return { ...event, body: undefined, isBase64Encoded: undefined };
        },
      );
      if (!result.ok) {
        return {
          answer: json(result.statusCode, result.body, {
            ...gatewayHeaders,
            'x-amzn-ErrorType': result.errorType,
            ...(result.statusCode === 500 ? { 'x-local-cloud-hint': result.reason } : {}),
          }),
          note: `(${method.authorizer.type} authorizer ${method.authorizer.name}: ${result.reason})`,
        };
      }
      lambdaAuthorizer = result.authorizer;
    } else if (method.authorizationType !== 'NONE') {
      return {
        answer: json(
          403,
          { message: 'Forbidden', localCloud: `${method.authorizationType} authorization is not emulated` },
          gatewayHeaders,
        ),
        note: `(${method.authorizationType} authorization is not emulated)`,
      };
    }

    const integration = method.integration;
    const mapped = () => {
      const mappedRequest = methodRequest();
      mappedRequest.context.authorizer = claims ? { claims } : (lambdaAuthorizer ?? {});
      return mappedRequest;
    };
    if (integration.type === 'AWS') {
      const answer = await runAwsIntegration(integration, mapped(), {
        invoke: (name, payload, timeoutMs) =>
          this.invokeWithTimeout(name, payload, timeoutMs, headerValue(req, 'x-correlation-id') ?? requestId),
        callService: (serviceRequest) =>
          this.options.awsServices
            ? this.options.awsServices(serviceRequest)
            : Promise.resolve({ statusCode: 500, body: JSON.stringify({ message: 'no AWS service emulators' }) }),
      });
      return {
        answer: { statusCode: answer.statusCode, headers: { ...gatewayHeaders, ...answer.headers }, body: answer.body },
        note: answer.note,
      };
    }
    if (integration.type === 'MOCK' && integration.mapping && integration.mapping.responses.length > 0) {
      const answer = runMockIntegration(integration.mapping, mapped());
      return {
        answer: { statusCode: answer.statusCode, headers: { ...gatewayHeaders, ...answer.headers }, body: answer.body },
        note: answer.note,
      };
    }
    if (integration.type === 'MOCK') {
      return {
        answer: {
          statusCode: integration.statusCode,
          headers: { ...gatewayHeaders, ...integration.headers },
          body: integration.body ?? '',
        },
      };
    }
    if (integration.type !== 'AWS_PROXY') {
      return {
        answer: json(500, { message: 'Internal server error', localCloud: `${integration.description} is not emulated` }, gatewayHeaders),
        note: `(${integration.description} is not emulated)`,
      };
    }
    const pool = this.options.functionPool(integration.functionName);
    if (!pool) {
      return {
        answer: json(500, { message: 'Internal server error' }, gatewayHeaders),
        note: `(function ${integration.functionName} is not running)`,
      };
    }
    const sourceArn = methodArn(LOCAL_REGION, LOCAL_ACCOUNT_ID, mount.routes.api.id, stage, request.httpMethod, relative);
    if (this.options.mayInvoke && !this.options.mayInvoke(integration.functionName, sourceArn)) {
      // API Gateway answers 500 {"message": "Internal server error"} and logs "Execution failed due to configuration
      // error: Invalid permissions on Lambda function" (https://github.com/serverless/serverless/issues/1913,
      // https://github.com/aws/serverless-application-model/issues/573).
      return {
        answer: json(500, { message: 'Internal server error' }, gatewayHeaders),
        note: `(Invalid permissions on Lambda function ${integration.functionName}: its resource policy does not allow ${sourceArn})`,
      };
    }
    const event = buildProxyEvent(seenRequest(), eventContext());
    const correlationId = headerValue(req, 'x-correlation-id');
    const invocation = pool.invoke(event, { correlationId: correlationId ?? requestId, source: 'http' });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), integration.timeoutMs);
    });
    const outcome = await Promise.race([invocation, timedOut]);
    clearTimeout(timer);
    const note = `→ ${pool.label}`;
    if (outcome === 'timeout') {
      return { answer: json(504, { message: 'Endpoint request timed out' }, gatewayHeaders), note: `${note} (integration timeout)` };
    }
    if (!outcome.ok) {
      return {
        answer: json(502, { message: 'Internal server error' }, { ...gatewayHeaders, 'x-amzn-ErrorType': 'InternalServerErrorException' }),
        note: `${note} (${outcome.error?.errorType}: ${outcome.error?.errorMessage})`,
      };
    }
    const response = parseProxyResponse(outcome.payload);
    if (!response.ok) {
      return {
        answer: json(502, { message: 'Internal server error' }, { ...gatewayHeaders, 'x-amzn-ErrorType': 'InternalServerErrorException' }),
        note: `${note} (${response.reason})`,
      };
    }
    const headers: [string, string][] = [...Object.entries(gatewayHeaders), ['X-Amzn-Trace-Id', traceId], ...response.headers];
    if (!response.headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);
    const responseCorrelation = response.headers.find(([name]) => name.toLowerCase() === 'x-correlation-id')?.[1];
    return {
      answer: { statusCode: response.statusCode, headers, body: response.body },
      note: `${note} cid=${correlationId ?? responseCorrelation ?? requestId}`,
    };
  }

  /** Invokes a function for a Lambda non-proxy integration, bounded by the integration timeout. */
  private async invokeWithTimeout(
    name: string,
    payload: unknown,
    timeoutMs: number,
    correlationId: string,
  ): Promise<InvokeOutcome | 'timeout' | undefined> {
    const pool = this.options.functionPool(name);
    if (!pool) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([pool.invoke(payload, { correlationId, source: 'http' }), timedOut]);
    clearTimeout(timer);
    return outcome;
  }
}

/** What the gateway knows of a node:http request once its body has been read. */
export function incomingRequest(req: IncomingMessage, body: Buffer): IncomingRequest {
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  return {
    httpMethod: (req.method ?? 'GET').toUpperCase(),
    path: queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt),
    query: queryAt < 0 ? '' : rawUrl.slice(queryAt + 1),
    rawHeaders: req.rawHeaders,
    body,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    protocol: `HTTP/${req.httpVersion}`,
  };
}

const noLocalEndpoint = (path: string) =>
  json(404, { message: `no local endpoint ${path} (GET /_local/routes lists the APIs; the README the local endpoints)` });

const localRequest = (request: IncomingRequest, header: (name: string) => string | undefined): LocalRequest => ({
  ...request,
  url: new URL(`${request.path}${request.query ? `?${request.query}` : ''}`, 'http://local'),
  headerOf: header,
});

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[value.length - 1] : value;
}
