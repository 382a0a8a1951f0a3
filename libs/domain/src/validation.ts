import * as z from 'zod/mini';
import './zod-locale';
import { ValidationError, type FieldIssue } from './errors';

const toField = (path: readonly PropertyKey[]): string => path.map((segment) => String(segment)).join('.');

/**
 * Flattens a zod error into one {@link FieldIssue} per bad field. Unknown keys of a strict
 * object become one issue each (`field` = the unknown key), so callers see every offender;
 * missing fields read `Required.` when the parse used {@link PARSE_OPTIONS}.
 */
export const fieldIssuesFromZod = (error: z.core.$ZodError): FieldIssue[] =>
  error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: toField([...issue.path, key]), message: 'Unknown field.' }));
    }
    // A missing field reads better as "Required." than as a type mismatch with `undefined`.
    const missing = issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined;
    return [{ field: toField(issue.path), message: missing ? 'Required.' : issue.message }];
  });

/**
 * Parse options that make {@link fieldIssuesFromZod} tell missing fields apart (it needs each
 * issue's input). The input stays inside the error: never echo it back to callers.
 */
export const PARSE_OPTIONS = { reportInput: true } as const;

/**
 * Parses `input` with `schema`, returning typed data or throwing a {@link ValidationError}
 * naming every bad field. Use at every edge where untyped data enters the domain.
 */
export const parseOrThrow = <S extends z.core.$ZodType>(schema: S, input: unknown, message?: string): z.output<S> => {
  const result = z.safeParse(schema, input, PARSE_OPTIONS);
  if (!result.success) {
    throw new ValidationError(fieldIssuesFromZod(result.error), message, { cause: result.error });
  }
  return result.data;
};

/**
 * {@link parseOrThrow} for a payload an operator sends by hand (`aws lambda invoke`), who reads the
 * error in the invoke response: its message names every bad field and the shape expected,
 * `The <name> payload is not valid (<field>: <message>; ...); expected <expected>.`
 */
export const parseOperatorPayload = <S extends z.core.$ZodType>(
  schema: S,
  input: unknown,
  payload: { readonly name: string; readonly expected: string },
): z.output<S> => {
  const result = z.safeParse(schema, input, PARSE_OPTIONS);
  if (result.success) return result.data;
  const issues = fieldIssuesFromZod(result.error);
  const detail = issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join('; ');
  throw new ValidationError(issues, `The ${payload.name} payload is not valid (${detail}); expected ${payload.expected}.`, {
    cause: result.error,
  });
};
