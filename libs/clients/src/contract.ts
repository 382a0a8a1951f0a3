import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ApiService } from './services';

/** The parts of an OpenAPI 3.1 document the contract checks read. */
export interface ContractDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OperationObject>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, object>>;
    readonly responses?: Readonly<Record<string, ResponseObject>>;
  };
}

interface OperationObject {
  readonly operationId?: string;
  readonly responses: Readonly<Record<string, ResponseObject | { readonly $ref: string }>>;
}

interface ResponseObject {
  readonly description?: string;
  readonly headers?: Readonly<Record<string, { readonly required?: boolean; readonly schema?: object }>>;
  readonly content?: Readonly<Record<string, { readonly schema: object }>>;
}

/** One answer, as the contract checks see it. */
export interface ObservedResponse {
  readonly method: string;
  /** The request path on the API domain (`/products/MUG-1`); a query is ignored. */
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  /** The body's text (`''` when empty). */
  readonly body: string;
}

/** An answer the service's document does not allow: its message names the route, the status and what is wrong. */
export class ContractViolation extends Error {
  constructor(
    readonly route: string,
    readonly status: number,
    readonly problems: readonly string[],
  ) {
    super(`contract: ${route} answered ${status}, which its OpenAPI document does not allow:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ContractViolation';
  }
}

interface Operation {
  readonly service: ApiService;
  readonly method: string;
  readonly template: string;
  readonly matcher: RegExp;
  readonly params: number;
  readonly operation: OperationObject;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A path template's matcher: `/items/{sku}` matches `/items/MUG-1` (one segment per variable). */
const matcherOf = (template: string): RegExp =>
  new RegExp(
    `^${template
      .split(/\{[^}]+\}/)
      .map(escape)
      .join('[^/]+')}$`,
  );

const describeError = (error: ErrorObject): string => {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
};

/**
 * Checks answers against the services' OpenAPI documents (ajv, JSON Schema draft 2020-12, the
 * schemas' `additionalProperties: false` kept): the route must be documented, and so must the
 * status; the content type must be one the status documents, the body must match its schema
 * (an empty body only where none is documented), and every required header must be there and
 * match. A request on no documented route may only be refused (404 or 405 problem from the
 * router, or API Gateway's 401/403).
 */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly operations: Operation[] = [];
  private readonly documents = new Map<ApiService, ContractDocument>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(documents: Readonly<Partial<Record<ApiService, ContractDocument>>>) {
    addFormats(this.ajv);
    for (const [service, document] of Object.entries(documents) as [ApiService, ContractDocument][]) {
      this.documents.set(service, document);
      this.ajv.addSchema({ $id: this.idOf(service), components: document.components });
      for (const [template, methods] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          this.operations.push({
            service,
            method: method.toUpperCase(),
            template,
            matcher: matcherOf(template),
            params: (template.match(/\{/g) ?? []).length,
            operation,
          });
        }
      }
    }
    // A literal segment wins over a template (`/checkout` before `/{id}`).
    this.operations.sort((a, b) => a.params - b.params);
  }

  /** @throws ContractViolation when the answer is not one the document allows. */
  check(response: ObservedResponse): void {
    const problems = this.problemsOf(response);
    if (problems.violations.length > 0) throw new ContractViolation(problems.route, response.status, problems.violations);
  }

  private idOf(service: ApiService): string {
    return `urn:shop:openapi:${service}`;
  }

  private problemsOf(response: ObservedResponse): { route: string; violations: string[] } {
    const method = response.method.toUpperCase();
    // The router decodes the path before it routes (an encoded slash separates segments there too),
    // and a service root answers with or without its trailing slash.
    const path = (response.path.split('?')[0] ?? '').replace(/%2F/gi, '/').replace(/(.)\/$/, '$1');
    const found = this.operations.find((op) => op.method === method && op.matcher.test(path));
    if (!found) {
      const route = `${method} ${path} (no documented route)`;
      const refused = [401, 403, 404, 405].includes(response.status);
      return {
        route,
        violations: refused ? this.bodyIsAnError(response) : [`a request on no documented route answered ${response.status}`],
      };
    }
    const service = found.service;
    const route = `${method} ${found.template}${found.operation.operationId ? ` (${found.operation.operationId})` : ''}`;
    const declared = found.operation.responses[String(response.status)];
    if (!declared) {
      return {
        route,
        violations: [`status ${response.status} is not documented (documented: ${Object.keys(found.operation.responses).join(', ')})`],
      };
    }
    const spec = this.resolve(service, declared);
    return { route, violations: [...this.headerProblems(service, spec, response.headers), ...this.bodyProblems(service, spec, response)] };
  }

  private bodyIsAnError(response: ObservedResponse): string[] {
    const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim();
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return ['the refusal is not JSON'];
    }
    const record = body as Record<string, unknown>;
    if (type === 'application/problem+json' && record.status === response.status && typeof record.title === 'string') return [];
    if (type === 'application/json' && typeof record.message === 'string') return [];
    return [`the refusal is neither a problem+json of status ${response.status} nor API Gateway's { message }`];
  }

  private resolve(service: ApiService, response: ResponseObject | { readonly $ref: string }): ResponseObject {
    if (!('$ref' in response)) return response;
    const name = response.$ref.replace('#/components/responses/', '');
    const resolved = this.documents.get(service)?.components.responses?.[name];
    if (!resolved) throw new Error(`The ${service} document has no response ${response.$ref}.`);
    return resolved;
  }

  private validator(service: ApiService, schema: object): ValidateFunction {
    const text = JSON.stringify(schema).replaceAll('"#/components/', `"${this.idOf(service)}#/components/`);
    const key = `${service}:${text}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(text) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private headerProblems(service: ApiService, spec: ResponseObject, headers: Headers): string[] {
    const problems: string[] = [];
    for (const [name, header] of Object.entries(spec.headers ?? {})) {
      const value = headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`header ${name} is required and missing`);
        continue;
      }
      const validate = header.schema ? this.validator(service, header.schema) : undefined;
      if (validate && !validate(value))
        problems.push(`header ${name} ${JSON.stringify(value)}: ${(validate.errors ?? []).map(describeError).join('; ')}`);
    }
    return problems;
  }

  private bodyProblems(service: ApiService, spec: ResponseObject, response: ObservedResponse): string[] {
    const content = spec.content ?? {};
    const types = Object.keys(content);
    if (types.length === 0) return response.body === '' ? [] : [`a body is not documented (${response.body.slice(0, 120)})`];
    const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const media = content[type];
    if (!media) return [`content type ${JSON.stringify(type)} is not documented (documented: ${types.join(', ')})`];
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [`the body is not JSON: ${response.body.slice(0, 120)}`];
    }
    const validate = this.validator(service, media.schema);
    return validate(body) ? [] : (validate.errors ?? []).map((error) => `body ${describeError(error)}`);
  }
}
