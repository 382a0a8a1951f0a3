import { z } from 'zod';

/**
 * Input a control-plane route cannot use (bad JSON, wrong types, unknown fields or services, bad
 * percent-encoding, a deploy folder outside `dist/`). Thrown by a local handler, the gateway answers
 * it 400 with `{message}`; any other error is a 500 with a generic message.
 */
export class ControlPlaneInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlPlaneInputError';
  }
}

/**
 * The request body parsed as JSON and checked with `schema` (an empty body is `{}`); throws
 * ControlPlaneInputError naming what is wrong. Use strict object schemas, so unknown fields are refused.
 */
export function jsonBody<T>(request: { body: Buffer }, schema: z.ZodType<T>): T {
  let value: unknown = {};
  const text = request.body.toString('utf8');
  if (text.trim()) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ControlPlaneInputError(`the body is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ControlPlaneInputError(`the body does not fit: ${z.prettifyError(parsed.error).replace(/\n\s*/g, '; ')}`);
  return parsed.data;
}

/** The rest of the path after `prefix`, percent-decoded; throws ControlPlaneInputError on bad encoding. */
export function pathRest(path: string, prefix: string): string {
  const rest = path.slice(prefix.length).replace(/^\//, '');
  try {
    return decodeURIComponent(rest);
  } catch {
    throw new ControlPlaneInputError(`malformed percent-encoding in the path: ${path}`);
  }
}
