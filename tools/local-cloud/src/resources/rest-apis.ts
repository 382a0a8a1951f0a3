import type { AssemblyStack } from '../assembly/cloud-assembly';
import { UnresolvedError, type StackResolver } from '../assembly/intrinsics';
import { functionNameOf, userPoolIdOf } from '../assembly/naming';
import { readEach, resourceKind, type ResourceBase } from './kind';
import {
  authorizerFunctionName,
  readAwsIntegration,
  readMapping,
  type AwsIntegrationDef,
  type IntegrationMapping,
} from './rest-integration-defs';
import { warnMethodsNotServed } from './not-served';

declare module './kind' {
  interface ModelDefs {
    restApis: RestApiDef[];
  }
}

export interface AuthorizerDef {
  id: string;
  name: string;
  type: string;
  providerArns: string[];
  /** Header the token is read from (from `method.request.header.X`). */
  identityHeader: string;
  /** Every identity source, as written (`method.request.header.X`, `method.request.querystring.Y`, ...). */
  identitySources?: string[];
  /** TOKEN / REQUEST: the authorizer's function. */
  functionName?: string;
  /** TOKEN: a regex the token must match before the function is called. */
  identityValidationExpression?: string;
  /** How long a policy is cached (API Gateway's default 300 s; 0 turns caching off). */
  resultTtlSeconds?: number;
}

export type IntegrationDef =
  | { type: 'AWS_PROXY'; functionName: string; timeoutMs: number }
  | { type: 'MOCK'; statusCode: number; headers: Record<string, string>; body?: string; mapping?: IntegrationMapping }
  | AwsIntegrationDef
  | { type: 'UNSUPPORTED'; description: string };

export interface MethodDef {
  httpMethod: string;
  resourcePath: string;
  authorizationType: string;
  authorizer?: AuthorizerDef;
  authorizationScopes: string[];
  apiKeyRequired: boolean;
  integration: IntegrationDef;
}

export interface RestApiDef extends ResourceBase {
  id: string;
  name: string;
  stageName: string;
  stageVariables: Record<string, string> | null;
  /** Base paths the API is mounted under (from AWS::ApiGateway::BasePathMapping); '' is the root. */
  basePaths: string[];
  binaryMediaTypes: string[];
  methods: MethodDef[];
}

/** API Gateway's hard limit for an integration, in ms. */
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * `AWS::ApiGateway::RestApi` with its `Resource`, `Method`, `Authorizer` (COGNITO_USER_POOLS),
 * `Deployment`, `Stage` and `BasePathMapping`: mounted on the gateway under its base paths
 * (AWS_PROXY, MOCK and AWS integrations, Cognito and Lambda authorizers), replaced whole on a redeploy.
 */
export const restApis = resourceKind<'restApis', RestApiDef, RestApiDef[]>({
  key: 'restApis',
  types: [
    'AWS::ApiGateway::RestApi',
    'AWS::ApiGateway::Resource',
    'AWS::ApiGateway::Method',
    'AWS::ApiGateway::Authorizer',
    'AWS::ApiGateway::Deployment',
    'AWS::ApiGateway::Stage',
    'AWS::ApiGateway::BasePathMapping',
    'AWS::ApiGateway::DomainName',
  ],
  read: (context) =>
    readEach(
      context,
      (logicalId) => {
        const warn = (reason: string) => context.warn(`${context.stack.stackName}/${logicalId}: ${reason}`);
        const api = readRestApi(context.stack, context.resolver, logicalId, context.base(logicalId), warn);
        warnMethodsNotServed(api, warn);
        return api;
      },
      ['AWS::ApiGateway::RestApi'],
    ),
  apply: async (defs, { runtime, service }) => {
    runtime.gateway.mount(service, defs);
    return defs;
  },
  teardown: async (_state, { runtime, service }, next) => {
    if (!next) runtime.gateway.unmount(service);
  },
  // Functions start on demand, as in Lambda; the API ones get one instance once the local cloud is ready, so the first request is warm.
  ready: (defs, { runtime }) => {
    if (!runtime.options.prewarm) return;
    const names = new Set(
      defs.flatMap((api) =>
        api.methods.flatMap((method) => [
          ...(method.integration.type === 'AWS_PROXY' ? [method.integration.functionName] : []),
          ...(method.integration.type === 'AWS' && method.integration.target.kind === 'lambda'
            ? [method.integration.target.functionName]
            : []),
          ...(method.authorizer?.functionName ? [method.authorizer.functionName] : []),
        ]),
      ),
    );
    void Promise.all([...names].map((name) => runtime.pools.get(name)?.prewarm()));
  },
  report: (defs) => ({ routes: defs.reduce((sum, api) => sum + api.methods.length, 0) }),
});

function readRestApi(
  stack: AssemblyStack,
  resolver: StackResolver,
  apiLogicalId: string,
  base: ResourceBase,
  warn: (reason: string) => void,
): RestApiDef {
  const resources = stack.template.Resources;
  const apiId = String(resolver.ref(apiLogicalId));
  const rootId = String(resolver.getAtt(apiLogicalId, 'RootResourceId'));
  const ofThisApi = (type: string) =>
    Object.entries(resources).filter(
      ([id, resource]) => resource.Type === type && resolver.isActive(id) && resolver.property(id, 'RestApiId') === apiId,
    );

  // Resource tree: id -> full path.
  const parts = new Map<string, { parentId: string; pathPart: string }>();
  for (const [id] of ofThisApi('AWS::ApiGateway::Resource')) {
    parts.set(String(resolver.ref(id)), {
      parentId: String(resolver.property(id, 'ParentId')),
      pathPart: String(resolver.property(id, 'PathPart')),
    });
  }
  const pathOf = (resourceId: string, depth = 0): string => {
    if (resourceId === rootId) return '/';
    const part = parts.get(resourceId);
    if (!part || depth > 50) throw new UnresolvedError(`API resource ${resourceId} is not part of ${apiLogicalId}`);
    const parent = pathOf(part.parentId, depth + 1);
    return `${parent === '/' ? '' : parent}/${part.pathPart}`;
  };

  const authorizers = new Map<string, AuthorizerDef>();
  for (const [id] of ofThisApi('AWS::ApiGateway::Authorizer')) {
    const identitySource = String(resolver.property(id, 'IdentitySource') ?? 'method.request.header.Authorization');
    authorizers.set(String(resolver.ref(id)), {
      id: String(resolver.ref(id)),
      name: String(resolver.property(id, 'Name') ?? id),
      type: String(resolver.property(id, 'Type')),
      providerArns: resolver.resolveLenient(resolver.template.Resources[id].Properties?.ProviderARNs ?? [], warn) as string[],
      identityHeader: /method\.request\.header\.([\w-]+)/.exec(identitySource)?.[1] ?? 'Authorization',
      identitySources: identitySource
        .split(',')
        .map((source) => source.trim())
        .filter(Boolean),
      functionName: authorizerFunctionName(resolver.property(id, 'AuthorizerUri')),
      identityValidationExpression: (resolver.property(id, 'IdentityValidationExpression') as string | undefined) ?? undefined,
      resultTtlSeconds: Number(resolver.property(id, 'AuthorizerResultTtlInSeconds') ?? 300),
    });
  }

  const methods: MethodDef[] = [];
  for (const [id] of ofThisApi('AWS::ApiGateway::Method')) {
    const authorizerId = resolver.property(id, 'AuthorizerId');
    methods.push({
      httpMethod: String(resolver.property(id, 'HttpMethod')).toUpperCase(),
      resourcePath: pathOf(String(resolver.property(id, 'ResourceId'))),
      authorizationType: String(resolver.property(id, 'AuthorizationType') ?? 'NONE'),
      authorizer: authorizerId === undefined ? undefined : authorizers.get(String(authorizerId)),
      authorizationScopes: (resolver.property(id, 'AuthorizationScopes') as string[] | undefined) ?? [],
      apiKeyRequired: resolver.property(id, 'ApiKeyRequired') === true,
      integration: readIntegration(resolver.property(id, 'Integration') as Record<string, unknown> | undefined),
    });
  }

  // Stage: an explicit AWS::ApiGateway::Stage, else the StageName of a Deployment.
  let stageName = 'prod';
  let stageVariables: Record<string, string> | null = null;
  const stages = ofThisApi('AWS::ApiGateway::Stage');
  if (stages.length > 0) {
    stageName = String(resolver.property(stages[0][0], 'StageName'));
    const variables = resolver.property(stages[0][0], 'Variables') as Record<string, string> | undefined;
    stageVariables = variables && Object.keys(variables).length > 0 ? variables : null;
  } else {
    const deployment = ofThisApi('AWS::ApiGateway::Deployment').find(([id]) => resolver.property(id, 'StageName') !== undefined);
    if (deployment) stageName = String(resolver.property(deployment[0], 'StageName'));
  }

  const basePaths = Object.entries(resources)
    .filter(
      ([id, resource]) =>
        resource.Type === 'AWS::ApiGateway::BasePathMapping' && resolver.isActive(id) && resolver.property(id, 'RestApiId') === apiId,
    )
    .map(([id]) => {
      const basePath = resolver.property(id, 'BasePath');
      return basePath === undefined || basePath === '(none)' ? '' : String(basePath).replace(/^\/+|\/+$/g, '');
    });

  return {
    ...base,
    id: apiId,
    name: String(resolver.property(apiLogicalId, 'Name') ?? apiLogicalId),
    stageName,
    stageVariables,
    basePaths,
    binaryMediaTypes: (resolver.property(apiLogicalId, 'BinaryMediaTypes') as string[] | undefined) ?? [],
    methods,
  };
}

function readIntegration(integration: Record<string, unknown> | undefined): IntegrationDef {
  const type = String(integration?.Type ?? 'NONE');
  if (type === 'AWS_PROXY') {
    const uri = String(integration?.Uri ?? '');
    const match = /functions\/(arn:[^/]+)\/invocations/.exec(uri);
    if (!match || !uri.includes(':lambda:')) return { type: 'UNSUPPORTED', description: `AWS_PROXY to ${uri}` };
    const timeout = Number(integration?.TimeoutInMillis ?? DEFAULT_INTEGRATION_TIMEOUT_MS);
    return { type: 'AWS_PROXY', functionName: functionNameOf(match[1]), timeoutMs: timeout };
  }
  if (type === 'AWS' && integration) {
    return (
      readAwsIntegration(integration, DEFAULT_INTEGRATION_TIMEOUT_MS) ?? {
        type: 'UNSUPPORTED',
        description: `AWS integration to ${String(integration.Uri)}`,
      }
    );
  }
  if (type === 'MOCK') {
    const responses = (integration?.IntegrationResponses as Record<string, unknown>[] | undefined) ?? [];
    const response = responses.find((candidate) => !candidate.SelectionPattern) ?? responses[0] ?? {};
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((response.ResponseParameters ?? {}) as Record<string, string>)) {
      const header = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
      if (header) headers[header] = String(value).replace(/^'(.*)'$/, '$1');
    }
    const templates = (response.ResponseTemplates ?? {}) as Record<string, string>;
    return {
      type: 'MOCK',
      statusCode: Number(response.StatusCode ?? 200),
      headers,
      body: templates['application/json'],
      mapping: integration ? readMapping(integration) : undefined,
    };
  }
  return { type: 'UNSUPPORTED', description: `${type} integration` };
}

/** Every user pool id the authorizer of an API accepts (undefined entries when a provider ARN is unresolved). */
export function userPoolIdsOf(authorizer: AuthorizerDef): (string | undefined)[] {
  return authorizer.providerArns.map((providerArn) => userPoolIdOf(providerArn));
}
