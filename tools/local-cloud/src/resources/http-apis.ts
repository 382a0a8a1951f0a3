import type { StackResolver } from '../assembly/intrinsics';
import { functionNameOf } from '../assembly/naming';
import type { HttpApiDef, HttpAuthorizerDef, HttpCorsDef, HttpIntegrationDef, HttpRouteDef, HttpStageDef } from '../http-api/model';
import { parseRouteKey } from '../http-api/routes';
import { httpApiPrefix, HttpApiServer } from '../http-api/server';
import type { CloudRuntime } from '../runtime/cloud-runtime';
import { readEach, resourceKind, type ReadContext } from './kind';

declare module './kind' {
  interface ModelDefs {
    httpApis: HttpApiDef[];
  }
}

/** An HTTP API's integration timeout when the template gives none (its maximum, 30 s). */
const DEFAULT_TIMEOUT_MS = 30_000;

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',').map((part) => part.trim()) : [];

/** A function ARN, or API Gateway's `.../functions/<arn>/invocations` URI of one. */
function lambdaTarget(uri: string): string | undefined {
  const invocation = /functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1];
  const arn = invocation ?? uri;
  return /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(arn) ? functionNameOf(arn) : undefined;
}

function readIntegration(resolver: StackResolver, logicalId: string): HttpIntegrationDef {
  const prop = (name: string) => resolver.property(logicalId, name);
  const type = String(prop('IntegrationType'));
  const subtype = prop('IntegrationSubtype');
  const functionName = type === 'AWS_PROXY' && !subtype ? lambdaTarget(String(prop('IntegrationUri') ?? '')) : undefined;
  if (!functionName)
    return {
      type: 'UNSUPPORTED',
      description: `${type}${subtype ? ` ${String(subtype)}` : ''} integration ${String(prop('IntegrationUri') ?? '')}`.trim(),
    };
  return {
    type: 'AWS_PROXY',
    functionName,
    payloadFormatVersion: String(prop('PayloadFormatVersion') ?? '2.0') === '1.0' ? '1.0' : '2.0',
    timeoutMs: Number(prop('TimeoutInMillis') ?? DEFAULT_TIMEOUT_MS),
  };
}

function readAuthorizer(resolver: StackResolver, logicalId: string): HttpAuthorizerDef {
  const prop = (name: string) => resolver.property(logicalId, name);
  const id = String(resolver.ref(logicalId));
  const name = String(prop('Name') ?? logicalId);
  const type = String(prop('AuthorizerType'));
  const identitySource = strings(prop('IdentitySource'));
  if (type === 'JWT') {
    const jwt = (prop('JwtConfiguration') ?? {}) as { Issuer?: string; Audience?: string[] };
    return {
      type: 'JWT',
      id,
      name,
      identitySource: identitySource.length ? identitySource : ['$request.header.Authorization'],
      issuer: String(jwt.Issuer ?? ''),
      audience: strings(jwt.Audience),
    };
  }
  const functionName = type === 'REQUEST' ? lambdaTarget(String(prop('AuthorizerUri') ?? '')) : undefined;
  if (!functionName) return { type: 'UNSUPPORTED', id, name, description: `${type} authorizer ${name}` };
  return {
    type: 'REQUEST',
    id,
    name,
    identitySource,
    functionName,
    payloadFormatVersion: String(prop('AuthorizerPayloadFormatVersion') ?? '2.0') === '1.0' ? '1.0' : '2.0',
    simpleResponses: prop('EnableSimpleResponses') === true || prop('EnableSimpleResponses') === 'true',
    ttlSeconds: Number(prop('AuthorizerResultTtlInSeconds') ?? 0),
  };
}

function readCors(value: unknown): HttpCorsDef | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const cors = value as Record<string, unknown>;
  return {
    allowOrigins: strings(cors.AllowOrigins),
    allowMethods: strings(cors.AllowMethods).map((method) => method.toUpperCase()),
    allowHeaders: strings(cors.AllowHeaders),
    exposeHeaders: strings(cors.ExposeHeaders),
    maxAge: cors.MaxAge === undefined ? undefined : Number(cors.MaxAge),
    allowCredentials: cors.AllowCredentials === true || cors.AllowCredentials === 'true',
  };
}

function readHttpApi(context: ReadContext<HttpApiDef>, apiLogicalId: string): HttpApiDef | undefined {
  const { resolver, stack } = context;
  const warn = (message: string) => context.warn(`${stack.stackName}/${apiLogicalId}: ${message}`);
  const protocol = String(resolver.property(apiLogicalId, 'ProtocolType') ?? 'HTTP');
  if (protocol !== 'HTTP') {
    warn(`${protocol} API not emulated (only HTTP APIs are served)`);
    return undefined;
  }
  const apiId = String(resolver.ref(apiLogicalId));
  const ofThisApi = (type: string) =>
    Object.entries(stack.template.Resources)
      .filter(([id, resource]) => resource.Type === type && resolver.isActive(id) && resolver.property(id, 'ApiId') === apiId)
      .map(([id]) => id);

  const integrations = new Map(
    ofThisApi('AWS::ApiGatewayV2::Integration').map((id) => [String(resolver.ref(id)), readIntegration(resolver, id)]),
  );
  const authorizers = new Map(
    ofThisApi('AWS::ApiGatewayV2::Authorizer').map((id) => [String(resolver.ref(id)), readAuthorizer(resolver, id)]),
  );
  const routes: HttpRouteDef[] = [];
  for (const id of ofThisApi('AWS::ApiGatewayV2::Route')) {
    const routeKey = String(resolver.property(id, 'RouteKey'));
    try {
      parseRouteKey(routeKey);
    } catch (error) {
      warn(`route ${id}: ${(error as Error).message}`);
      continue;
    }
    const target = resolver.property(id, 'Target');
    const integrationId = typeof target === 'string' ? /^integrations\/(.+)$/.exec(target)?.[1] : undefined;
    const authorizerId = resolver.property(id, 'AuthorizerId');
    routes.push({
      routeKey,
      authorizationType: String(resolver.property(id, 'AuthorizationType') ?? 'NONE'),
      authorizer: authorizerId === undefined ? undefined : authorizers.get(String(authorizerId)),
      scopes: strings(resolver.property(id, 'AuthorizationScopes')),
      integration: integrationId === undefined ? undefined : integrations.get(integrationId),
    });
  }
  // Quick create: `Target` on the API itself is a $default route and a $default stage.
  const quickTarget = resolver.property(apiLogicalId, 'Target');
  const quickFunction = typeof quickTarget === 'string' ? lambdaTarget(quickTarget) : undefined;
  if (quickFunction)
    routes.push({
      routeKey: String(resolver.property(apiLogicalId, 'RouteKey') ?? '$default'),
      authorizationType: 'NONE',
      scopes: [],
      integration: { type: 'AWS_PROXY', functionName: quickFunction, payloadFormatVersion: '2.0', timeoutMs: DEFAULT_TIMEOUT_MS },
    });

  const stages: HttpStageDef[] = ofThisApi('AWS::ApiGatewayV2::Stage').map((id) => {
    const variables = resolver.property(id, 'StageVariables') as Record<string, string> | undefined;
    return {
      name: String(resolver.property(id, 'StageName')),
      autoDeploy: resolver.property(id, 'AutoDeploy') === true || resolver.property(id, 'AutoDeploy') === 'true',
      variables: variables && Object.keys(variables).length > 0 ? variables : null,
    };
  });
  if (quickFunction && !stages.some((stage) => stage.name === '$default'))
    stages.push({ name: '$default', autoDeploy: true, variables: null });
  if (stages.length === 0) warn('no stage: not reachable (as on AWS)');

  for (const route of routes) {
    if (route.integration?.type === 'UNSUPPORTED')
      warn(`route ${route.routeKey}: ${route.integration.description} is not emulated (answers 500)`);
    if (route.authorizer?.type === 'UNSUPPORTED')
      warn(`route ${route.routeKey}: ${route.authorizer.description} is not emulated (answers 500)`);
    if (route.authorizationType === 'AWS_IAM') warn(`route ${route.routeKey}: AWS_IAM authorization is not emulated (answers 500)`);
  }
  for (const authorizer of authorizers.values())
    if (authorizer.type === 'JWT' && !authorizer.issuer.startsWith('https://cognito-idp.'))
      warn(
        `JWT authorizer ${authorizer.name}: issuer ${authorizer.issuer} is not a local user pool; only tokens signed with the local key and that issuer pass`,
      );

  return {
    ...context.base(apiLogicalId),
    id: apiId,
    name: String(resolver.property(apiLogicalId, 'Name') ?? apiLogicalId),
    routes,
    stages,
    cors: readCors(resolver.property(apiLogicalId, 'CorsConfiguration')),
  };
}

/** The HTTP APIs served for each local cloud, by API id (a redeploy swaps the definition in). */
const running = new WeakMap<CloudRuntime, Map<string, HttpApiServer>>();
function serversOf(runtime: CloudRuntime): Map<string, HttpApiServer> {
  let servers = running.get(runtime);
  if (!servers) running.set(runtime, (servers = new Map()));
  return servers;
}

const stagePath = (api: HttpApiDef, stage: HttpStageDef) =>
  `${httpApiPrefix(api.id).slice(1)}${stage.name === '$default' ? '' : `/${stage.name}`}`;

/**
 * `AWS::ApiGatewayV2::Api` (HTTP) with its `Route`s, `Integration`s (Lambda proxy, payload 1.0 and
 * 2.0), `Authorizer`s (JWT, Lambda REQUEST), `Stage`s and CORS configuration: each API served on
 * the local cloud's port under `/_api/<api id>/` (its `$default` stage) and `/_api/<api id>/<stage>/`
 * (a named stage), listed in `/_local/routes`, `/_local/resources` and the start banner.
 */
export const httpApis = resourceKind<'httpApis', HttpApiDef, HttpApiDef[]>({
  key: 'httpApis',
  types: [
    'AWS::ApiGatewayV2::Api',
    'AWS::ApiGatewayV2::Route',
    'AWS::ApiGatewayV2::Integration',
    'AWS::ApiGatewayV2::Authorizer',
    'AWS::ApiGatewayV2::Stage',
    'AWS::ApiGatewayV2::Deployment',
  ],
  read: (context) => readEach(context, (logicalId) => readHttpApi(context, logicalId), ['AWS::ApiGatewayV2::Api']),
  apply: async (defs, { runtime }) => {
    const servers = serversOf(runtime);
    for (const def of defs) {
      const server = servers.get(def.id);
      if (server) {
        server.def = def;
        continue;
      }
      const started = new HttpApiServer(def, {
        pools: (name) => runtime.pools.get(name),
        publicKey: () => runtime.signingKey?.publicKey,
        mayInvoke: runtime.apiMayInvoke,
      });
      servers.set(def.id, started);
      runtime.gateway.addLocalHandler(httpApiPrefix(def.id), (request) => started.handle(request, request.headerOf));
    }
    return defs;
  },
  teardown: async (state, { runtime }, next) => {
    const servers = serversOf(runtime);
    for (const def of state) {
      if (next?.some((candidate) => candidate.id === def.id)) continue;
      runtime.gateway.removeLocalHandler(httpApiPrefix(def.id));
      servers.delete(def.id);
    }
  },
  ready: (defs, { runtime }) => {
    if (!runtime.options.prewarm) return;
    const names = new Set(
      defs.flatMap((api) =>
        api.routes.flatMap((route) => (route.integration?.type === 'AWS_PROXY' ? [route.integration.functionName] : [])),
      ),
    );
    void Promise.all([...names].map((name) => runtime.pools.get(name)?.prewarm()));
  },
  describe: (_model, runtime) => ({
    httpApis: [...serversOf(runtime).values()].map(({ def }) => ({
      service: def.service,
      id: def.id,
      name: def.name,
      stages: def.stages.map((stage) => ({ name: stage.name, url: `${runtime.baseUrl}/${stagePath(def, stage)}` })),
      cors: def.cors !== undefined,
      routes: def.routes.map((route) => ({
        routeKey: route.routeKey,
        authorizationType: route.authorizationType,
        authorizer: route.authorizer?.name,
        integration:
          route.integration?.type === 'AWS_PROXY'
            ? `${route.integration.functionName} (payload ${route.integration.payloadFormatVersion})`
            : undefined,
        emulated:
          route.integration?.type !== 'UNSUPPORTED' && route.authorizer?.type !== 'UNSUPPORTED' && route.authorizationType !== 'AWS_IAM',
        ...(route.integration?.type === 'UNSUPPORTED' ? { notEmulated: route.integration.description } : {}),
      })),
    })),
  }),
  routes: (runtime) =>
    [...serversOf(runtime).values()].flatMap(({ def }) =>
      def.stages.map((stage) => ({
        service: def.service,
        basePath: stagePath(def, stage),
        methods: def.routes
          .map((route) => {
            const parsed = parseRouteKey(route.routeKey);
            return {
              httpMethod: parsed?.method ?? '$default',
              resourcePath: parsed?.path ?? '/',
              authorizationType: route.authorizationType,
            };
          })
          .sort((a, b) => a.resourcePath.localeCompare(b.resourcePath) || a.httpMethod.localeCompare(b.httpMethod)),
      })),
    ),
  report: (defs) => ({ routes: defs.reduce((sum, api) => sum + api.routes.length, 0) }),
});
