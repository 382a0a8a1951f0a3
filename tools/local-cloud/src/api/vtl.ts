import { JSONPath } from 'jsonpath-plus';
import { render } from 'velocityjs';

/** What a mapping template sees of the request (or of the integration's answer, for a response template). */
export interface TemplateInput {
  /** The payload: the method request's body, or the integration response's body. */
  body: string;
  /** Path parameters, query string parameters and headers of the method request. */
  params: { path: Record<string, string>; querystring: Record<string, string>; header: Record<string, string> };
  /** `$context` (requestId, httpMethod, resourcePath, stage, identity.sourceIp, authorizer.*, ...). */
  context: Record<string, unknown>;
  /** `$stageVariables`. */
  stageVariables: Record<string, string> | null;
}

/** A template API Gateway would refuse to run (a Velocity syntax error). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** JSONPath expressions that name one value (no wildcard, filter, union, slice or deep scan). */
const definite = (path: string) => !/\*|\.\.|\?\(|,|:/.test(path);

/** `$input.path(x)`: the value at a JSONPath of the payload (one value, a list for a query; undefined when absent). */
export function jsonPathValue(body: string, path: string): unknown {
  let json: unknown;
  try {
    json = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    // API Gateway reads a payload that is not JSON as an empty object.
    json = {};
  }
  if (path === '$') return json;
  const found = JSONPath({ path, json: json as object, wrap: true }) as unknown[];
  return definite(path) ? found[0] : found;
}

function paramsOf(input: TemplateInput) {
  return (name?: string): unknown => {
    if (name === undefined) return input.params;
    return input.params.path[name] ?? input.params.querystring[name] ?? input.params.header[name] ?? headerIgnoringCase(input, name) ?? '';
  };
}

function headerIgnoringCase(input: TemplateInput, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.entries(input.params.header).find(([key]) => key.toLowerCase() === lower)?.[1];
}

/** `$util`: the helpers API Gateway gives every template. */
export const util = {
  /** Escapes a string with JavaScript string rules, as API Gateway's (Java's escapeJavaScript: `'` and `/` too). */
  escapeJavaScript: (value: unknown): string =>
    JSON.stringify(String(value ?? ''))
      .slice(1, -1)
      .replace(/'/g, "\\'")
      .replace(/\//g, '\\/'),
  parseJson: (value: unknown): unknown => JSON.parse(String(value)),
  urlEncode: (value: unknown): string => encodeURIComponent(String(value ?? '')).replace(/%20/g, '+'),
  urlDecode: (value: unknown): string => decodeURIComponent(String(value ?? '').replace(/\+/g, ' ')),
  base64Encode: (value: unknown): string => Buffer.from(String(value ?? ''), 'utf8').toString('base64'),
  base64Decode: (value: unknown): string => Buffer.from(String(value ?? ''), 'base64').toString('utf8'),
};

type MethodCall = { property: string; context: unknown; params: unknown[] };

/** Java methods templates call on strings, lists and maps that JavaScript values lack (`$s.length()`, `$list.isEmpty()`, `$s.contains(x)`, `$s.equals(x)`). */
const JAVA_METHODS: Record<string, (target: unknown, params: unknown[]) => unknown> = {
  length: (target) => (target as string).length,
  isEmpty: (target) =>
    typeof target === 'string' || Array.isArray(target) ? target.length === 0 : Object.keys(target as object).length === 0,
  contains: (target, [value]) => (typeof target === 'string' ? target.includes(String(value)) : (target as unknown[]).includes(value)),
  containsKey: (target, [key]) => Object.hasOwn(target as object, String(key)),
  equals: (target, [value]) => target === value,
  toString: (target: unknown) => (typeof target === 'string' ? target : JSON.stringify(target)),
};

const javaMethods = Object.entries(JAVA_METHODS).map(([name, call]) => ({
  uid: `java-${name}`,
  match: ({ property, context }: MethodCall) =>
    property === name &&
    context !== null &&
    context !== undefined &&
    (name !== 'length' || typeof context === 'string') &&
    (name !== 'containsKey' || typeof context === 'object') &&
    (typeof context === 'string' || typeof context === 'object'),
  resolve: ({ context, params }: MethodCall) => call(context, params),
}));

/**
 * Runs an API Gateway mapping template (Velocity, by velocityjs) with the variables API Gateway
 * defines: `$input` (`body`, `json(path)`, `path(path)`, `params()`, `params(name)`), `$util`,
 * `$context` and `$stageVariables`. JSONPath is jsonpath-plus's.
 */
export function renderTemplate(template: string, input: TemplateInput): string {
  const $input = {
    body: input.body,
    json: (path: string) => {
      const value = jsonPathValue(input.body, path);
      return value === undefined ? '' : JSON.stringify(value);
    },
    path: (path: string) => jsonPathValue(input.body, path),
    params: paramsOf(input),
  };
  try {
    return render(template, { input: $input, util, context: input.context, stageVariables: input.stageVariables ?? {} }, undefined, {
      escape: false,
      customMethodHandlers: javaMethods,
    });
  } catch (error) {
    throw new TemplateError(`mapping template: ${(error as Error).message}`);
  }
}
