import { RequestEntityTooLargeError } from '@aws-lambda-powertools/event-handler/http';
import { fieldIssuesFromZod, PARSE_OPTIONS, ValidationError, type FieldIssue } from '@shop/domain';
import * as z from 'zod/mini';
import { MalformedJsonError } from './errors';

/**
 * Largest JSON body a shop route reads, in bytes (UTF-8): the largest valid body (a product with a
 * 2,000-character description) is well under it; anything bigger is refused before it is parsed.
 */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

// An issue about the whole input is an issue about the body (or the query): name it so.
const nameRoot = (issues: FieldIssue[], root: string): FieldIssue[] =>
  issues.map((issue) => (issue.field === '' ? { ...issue, field: root } : issue));

const parseWith = <S extends z.core.$ZodType>(schema: S, input: unknown, root: string, message: string): z.output<S> => {
  const result = z.safeParse(schema, input, PARSE_OPTIONS);
  if (!result.success) {
    throw new ValidationError(nameRoot(fieldIssuesFromZod(result.error), root), message, { cause: result.error });
  }
  return result.data;
};

/**
 * Parses a JSON text with a zod schema (use strict schemas: unknown fields are then rejected).
 * @throws ValidationError `body: required` when empty, listing every bad field otherwise.
 * @throws MalformedJsonError when the text is not JSON.
 * @throws RequestEntityTooLargeError (413) when the text is longer than {@link MAX_JSON_BODY_BYTES}.
 */
export const parseJson = <S extends z.core.$ZodType>(schema: S, text: string | null | undefined): z.output<S> => {
  if (text === null || text === undefined || text.trim() === '') {
    throw new ValidationError([{ field: 'body', message: 'A JSON body is required.' }], 'The request has no body.');
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_JSON_BODY_BYTES) {
    throw new RequestEntityTooLargeError(`The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MalformedJsonError({ cause: error });
  }
  return parseWith(schema, parsed, 'body', 'The request body is not valid.');
};

/** Reads a web `Request`'s body (base64 already decoded) and parses it with {@link parseJson}. */
export const parseJsonBody = async <S extends z.core.$ZodType>(schema: S, request: Request): Promise<z.output<S>> =>
  parseJson(schema, await request.text());

/**
 * Parses query parameters (first value of each name) with a zod schema.
 * @throws ValidationError listing every bad parameter.
 */
export const parseQuery = <S extends z.core.$ZodType>(schema: S, params: URLSearchParams): z.output<S> => {
  const input: Record<string, string> = {};
  for (const [name, value] of params) if (!(name in input)) input[name] = value;
  return parseWith(schema, input, 'query', 'The query parameters are not valid.');
};

/**
 * Parses one path parameter with a zod schema, naming it `field` in the error.
 * @throws ValidationError naming the parameter.
 */
export const parsePathParam = <S extends z.core.$ZodType>(schema: S, value: string | undefined, field: string): z.output<S> =>
  parseWith(schema, value, field, `The path parameter ${field} is not valid.`);

/**
 * Runs every parser (path, headers, body...) and reports all their bad fields at once, so a
 * caller fixing a request sees everything wrong with it in one answer.
 * @throws ValidationError with the issues of every failed part; other errors pass through.
 */
export const validateAll = async <T extends Record<string, () => unknown>>(
  parts: T,
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> => {
  const values: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const [name, parse] of Object.entries(parts)) {
    try {
      values[name] = await parse();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return values as { [K in keyof T]: Awaited<ReturnType<T[K]>> };
};
