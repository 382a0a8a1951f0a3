import type { InvokeOutcome } from '../lambda/function-pool';
import type { AwsIntegrationDef, IntegrationMapping, IntegrationResponseDef } from '../resources/rest-integration-defs';
import type { ServiceAnswer, ServiceRequest } from './aws-service-integration';
import { jsonPathValue, renderTemplate, TemplateError, type TemplateInput } from './vtl';

/** The method request as a non-proxy integration's templates and parameters see it. */
export interface MethodRequest {
  contentType: string | undefined;
  accept: string | undefined;
  body: string;
  params: TemplateInput['params'];
  stageVariables: Record<string, string> | null;
  /** `$context`. */
  context: Record<string, unknown>;
}

export interface NonProxyDeps {
  invoke(functionName: string, payload: unknown, timeoutMs: number): Promise<InvokeOutcome | 'timeout' | undefined>;
  callService(request: ServiceRequest): Promise<ServiceAnswer>;
}

/** A non-proxy integration's answer, and what the gateway's log line adds. */
export interface NonProxyAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  note?: string;
}

const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';')[0].trim().toLowerCase();
const internalError = (note: string): NonProxyAnswer => ({
  statusCode: 500,
  headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'InternalServerErrorException' },
  body: JSON.stringify({ message: 'Internal server error' }),
  note,
});

/**
 * The integration request body: the request template chosen by the request's Content-Type
 * (application/json when it has none), else the body passed through as the passthrough behavior
 * allows (WHEN_NO_MATCH: always; WHEN_NO_TEMPLATES: only when no template is defined; NEVER:
 * never). `undefined` is API Gateway's 415.
 */
export function integrationRequestBody(mapping: IntegrationMapping, request: MethodRequest): string | undefined {
  const type = mediaType(request.contentType) || 'application/json';
  const templates = Object.entries(mapping.requestTemplates);
  const template = templates.find(([contentType]) => contentType.toLowerCase() === type)?.[1];
  if (template !== undefined) return renderTemplate(template, templateInput(request, request.body));
  if (mapping.passthroughBehavior === 'NEVER') return undefined;
  if (mapping.passthroughBehavior === 'WHEN_NO_TEMPLATES' && templates.length > 0) return undefined;
  return request.body;
}

function templateInput(request: MethodRequest, body: string): TemplateInput {
  return { body, params: request.params, context: request.context, stageVariables: request.stageVariables };
}

/** The value of a mapping expression (`'literal'`, `method.request.header.X`, `stageVariables.X`, `context.X`, `integration.response.*`). */
export function mappingValue(
  expression: string,
  request: MethodRequest,
  integrationResponse?: { body: string; headers: Record<string, string> },
): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  const [scope, ...rest] = expression.split('.');
  const name = rest.slice(2).join('.');
  if (expression === 'method.request.body') return request.body;
  if (expression.startsWith('method.request.body.')) return stringOf(jsonPathValue(request.body, `$.${expression.slice(20)}`));
  if (scope === 'method' && rest[0] === 'request') {
    const part = rest[1] as 'header' | 'querystring' | 'path' | 'multivalueheader' | 'multivaluequerystring';
    const where = part === 'multivalueheader' ? 'header' : part === 'multivaluequerystring' ? 'querystring' : part;
    const values = request.params[where] ?? {};
    if (where === 'header') return Object.entries(values).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    return values[name];
  }
  if (scope === 'stageVariables') return request.stageVariables?.[rest.join('.')];
  if (scope === 'context')
    return stringOf(rest.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], request.context));
  if (scope === 'integration' && rest[0] === 'response' && integrationResponse) {
    if (rest[1] === 'body')
      return rest.length === 2
        ? integrationResponse.body
        : stringOf(jsonPathValue(integrationResponse.body, `$.${rest.slice(2).join('.')}`));
    if (rest[1] === 'header')
      return Object.entries(integrationResponse.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  }
  return undefined;
}

const stringOf = (value: unknown) =>
  value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

/** The integration response whose SelectionPattern matches the whole subject, else the default one (no pattern). */
export function selectResponse(responses: IntegrationResponseDef[], subject: string | undefined): IntegrationResponseDef | undefined {
  if (subject !== undefined) {
    const matching = responses.find((response) => {
      if (response.selectionPattern === undefined) return false;
      try {
        return new RegExp(`^(?:${response.selectionPattern})$`).test(subject);
      } catch {
        return false;
      }
    });
    if (matching) return matching;
  }
  return responses.find((response) => response.selectionPattern === undefined);
}

/** The method response: the selected integration response's template (by Accept, else JSON, else the first) and header mappings. */
export function methodResponse(
  response: IntegrationResponseDef,
  request: MethodRequest,
  integration: { body: string; headers: Record<string, string> },
): NonProxyAnswer {
  const templates = Object.entries(response.responseTemplates);
  const accepted = mediaType(request.accept);
  const [contentType, template] = templates.find(([type]) => type.toLowerCase() === accepted) ??
    templates.find(([type]) => type === 'application/json') ??
    templates[0] ?? ['application/json', undefined];
  const context = { ...request.context, responseOverride: { status: undefined as unknown, header: {} as Record<string, unknown> } };
  const body = template ? renderTemplate(template, templateInput({ ...request, context }, integration.body)) : integration.body;
  const headers: Record<string, string> = { 'Content-Type': contentType };
  for (const [target, expression] of Object.entries(response.responseParameters)) {
    const header = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
    const value = header ? mappingValue(expression, request, integration) : undefined;
    if (header && value !== undefined) headers[header] = value;
  }
  for (const [name, value] of Object.entries(context.responseOverride.header)) if (value !== undefined) headers[name] = String(value);
  const override = Number(context.responseOverride.status);
  return { statusCode: Number.isInteger(override) && override >= 100 && override <= 599 ? override : response.statusCode, headers, body };
}

/**
 * A `Type: AWS` integration run as API Gateway runs it: request template and parameters, the call
 * (Lambda non-proxy: the template's output is the payload; a service: its API), the integration
 * response chosen by SelectionPattern (on the function's errorMessage, on the service's status),
 * its template and header mappings.
 */
export async function runAwsIntegration(
  integration: AwsIntegrationDef,
  request: MethodRequest,
  deps: NonProxyDeps,
): Promise<NonProxyAnswer> {
  let body: string | undefined;
  try {
    body = integrationRequestBody(integration.mapping, request);
  } catch (error) {
    if (error instanceof TemplateError) return internalError(`(${error.message})`);
    throw error;
  }
  if (body === undefined) {
    return {
      statusCode: 415,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'UnsupportedMediaTypeException' },
      body: JSON.stringify({ message: 'Unsupported Media Type' }),
      note: `(no request template for ${mediaType(request.contentType) || 'application/json'}, passthrough ${integration.mapping.passthroughBehavior})`,
    };
  }
  const querystring: Record<string, string> = {};
  let path = integration.target.kind === 'service' ? integration.target.path : undefined;
  for (const [target, expression] of Object.entries(integration.mapping.requestParameters)) {
    const value = mappingValue(expression, request);
    const [, where, name] = /^integration\.request\.(header|querystring|path)\.(.+)$/.exec(target) ?? [];
    if (value === undefined || !where) continue;
    if (where === 'querystring') querystring[name] = value;
    if (where === 'path' && path) path = path.replace(`{${name}}`, encodeURIComponent(value));
  }

  let subject: string | undefined;
  let integrationBody: string;
  let note: string;
  if (integration.target.kind === 'lambda') {
    let payload: unknown = {};
    try {
      payload = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return internalError(`(the integration request is not JSON: ${body.slice(0, 80)})`);
    }
    const outcome = await deps.invoke(integration.target.functionName, payload, integration.timeoutMs);
    note = `→ ${integration.target.functionName} (non-proxy)`;
    if (outcome === undefined) return internalError(`(function ${integration.target.functionName} is not running)`);
    if (outcome === 'timeout') {
      return {
        statusCode: 504,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'Endpoint request timed out' }),
        note,
      };
    }
    if (outcome.ok) {
      integrationBody = JSON.stringify(outcome.payload ?? null);
    } else {
      subject = outcome.error?.errorMessage ?? '';
      integrationBody = JSON.stringify({
        errorMessage: subject,
        errorType: outcome.error?.errorType,
        stackTrace: outcome.error?.trace ?? [],
      });
      note += ` (${outcome.error?.errorType}: ${subject})`;
    }
  } else {
    const answer = await deps.callService({ ...integration.target, path, body, querystring });
    subject = String(answer.statusCode);
    integrationBody = answer.body;
    note = `→ ${integration.target.service} ${integration.target.action ?? integration.target.path ?? ''} ${answer.statusCode}`;
  }
  const response = selectResponse(integration.mapping.responses, subject);
  if (!response) return internalError(`${note} (no integration response matches and none is the default)`);
  try {
    return { ...methodResponse(response, request, { body: integrationBody, headers: {} }), note };
  } catch (error) {
    if (error instanceof TemplateError) return internalError(`${note} (${error.message})`);
    throw error;
  }
}

/**
 * A MOCK integration: the request template's `statusCode` (200 without one) selects the
 * integration response by SelectionPattern, whose template and header mappings make the answer
 * (the integration body is empty): CDK's CORS preflight echoing an allowed Origin works so.
 */
export function runMockIntegration(mapping: IntegrationMapping, request: MethodRequest): NonProxyAnswer {
  try {
    const body = integrationRequestBody(mapping, request);
    if (body === undefined) {
      return {
        statusCode: 415,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'Unsupported Media Type' }),
      };
    }
    const status = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(body)?.[1] ?? '200';
    const response = selectResponse(mapping.responses, status);
    if (!response) return internalError(`(MOCK: no integration response for status ${status})`);
    return methodResponse(response, request, { body: '', headers: {} });
  } catch (error) {
    if (error instanceof TemplateError) return internalError(`(${error.message})`);
    throw error;
  }
}
