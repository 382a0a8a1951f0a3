import { functionNameOf } from '../assembly/naming';

/** One of an integration's `IntegrationResponses`. */
export interface IntegrationResponseDef {
  statusCode: number;
  /** Regex on the integration's status (AWS services) or the function's errorMessage (Lambda); undefined: the default. */
  selectionPattern?: string;
  /** By content type. */
  responseTemplates: Record<string, string>;
  /** `method.response.header.X` → `'literal'` / `integration.response.header.Y` / `integration.response.body[.path]`. */
  responseParameters: Record<string, string>;
}

/** What a non-proxy integration maps: request templates and parameters, passthrough, integration responses. */
export interface IntegrationMapping {
  /** By content type. */
  requestTemplates: Record<string, string>;
  /** WHEN_NO_MATCH (the default), WHEN_NO_TEMPLATES or NEVER. */
  passthroughBehavior: string;
  /** `integration.request.(header|querystring|path).X` → `method.request.*`, `'literal'`, `stageVariables.X`, `context.X`. */
  requestParameters: Record<string, string>;
  responses: IntegrationResponseDef[];
}

/** Where a `Type: AWS` integration goes: a function (Lambda non-proxy) or another service's API. */
export type AwsTarget = { kind: 'lambda'; functionName: string } | { kind: 'service'; service: string; action?: string; path?: string };

export interface AwsIntegrationDef {
  type: 'AWS';
  target: AwsTarget;
  timeoutMs: number;
  mapping: IntegrationMapping;
}

const stringRecord = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([key, item]) => [key, String(item)]));

/** The mapping part of an `Integration` property (resolved). */
export function readMapping(integration: Record<string, unknown>): IntegrationMapping {
  const responses = ((integration.IntegrationResponses ?? []) as Record<string, unknown>[]).map((response) => ({
    statusCode: Number(response.StatusCode ?? 200),
    selectionPattern:
      response.SelectionPattern === undefined || response.SelectionPattern === '' ? undefined : String(response.SelectionPattern),
    responseTemplates: stringRecord(response.ResponseTemplates),
    responseParameters: stringRecord(response.ResponseParameters),
  }));
  return {
    requestTemplates: stringRecord(integration.RequestTemplates),
    passthroughBehavior: String(integration.PassthroughBehavior ?? 'WHEN_NO_MATCH').toUpperCase(),
    requestParameters: stringRecord(integration.RequestParameters),
    responses,
  };
}

/**
 * A `Type: AWS` integration: `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`
 * is Lambda non-proxy; `arn:aws:apigateway:<region>:<service>:action/<Action>` or `:path/<path>` a service API.
 * Undefined when the Uri is neither.
 */
export function readAwsIntegration(integration: Record<string, unknown>, defaultTimeoutMs: number): AwsIntegrationDef | undefined {
  const uri = String(integration.Uri ?? '');
  const parsed = /^arn:[^:]+:apigateway:[^:]*:([^:/]+)(?:\.[^:]*)?:(action|path)\/(.*)$/.exec(uri);
  if (!parsed) return undefined;
  const [, service, kind, rest] = parsed;
  const timeoutMs = Number(integration.TimeoutInMillis ?? defaultTimeoutMs);
  const mapping = readMapping(integration);
  if (service === 'lambda') {
    const fn = /functions\/(arn:[^/]+)\/invocations/.exec(rest);
    return fn ? { type: 'AWS', target: { kind: 'lambda', functionName: functionNameOf(fn[1]) }, timeoutMs, mapping } : undefined;
  }
  const target: AwsTarget = kind === 'action' ? { kind: 'service', service, action: rest } : { kind: 'service', service, path: rest };
  return { type: 'AWS', target, timeoutMs, mapping };
}

/** A Lambda TOKEN or REQUEST authorizer's function, from its `AuthorizerUri`. */
export function authorizerFunctionName(authorizerUri: unknown): string | undefined {
  const fn = /functions\/(arn:[^/]+)\/invocations/.exec(String(authorizerUri ?? ''));
  return fn ? functionNameOf(fn[1]) : undefined;
}
