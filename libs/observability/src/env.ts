/**
 * @shop/observability/env: a service's environment as one typed declaration, shared by its stack
 * (which sets each variable by name) and its handlers (which read the values once, at cold start).
 * Also a secondary entry point with no runtime import but its errors, so that a stack can import a
 * service's env module at synth time without loading Powertools.
 */
import * as z from 'zod/mini';
import { requireEnv } from './config';
import { InvalidEnvironmentVariableError } from './errors';

/** Reads a variable's (non-empty) value: a function that throws a named error, or a zod schema of the string. */
export type EnvParser<T> = ((value: string, name: string) => T) | z.core.$ZodType<T, string>;

/** One environment variable of a service: its name, as the stack sets it, and how its value is read. */
export interface EnvVariable<T = string> {
  /** The variable's name, e.g. `TABLE_NAME`. */
  readonly name: string;
  /** Turns the raw value into what the handler needs. */
  readonly parse: (value: string) => T;
}

/** A service's environment: one {@link EnvVariable} per key the handlers read it by. */
export type EnvSpec = Readonly<Record<string, EnvVariable<unknown>>>;

/** The values of an {@link EnvSpec}, by key. */
export type EnvValues<S extends EnvSpec> = { readonly [K in keyof S]: S[K] extends EnvVariable<infer T> ? T : never };

const isSchema = <T>(parser: EnvParser<T>): parser is z.core.$ZodType<T, string> => typeof parser !== 'function';

/**
 * Declares an environment variable. Without a parser the value is the string as it is.
 * A zod schema that refuses the value fails with {@link InvalidEnvironmentVariableError}, its
 * issues' messages saying what was expected (`z.string().check(z.regex(/.../, 'a whole number'))`).
 */
export function envVar(name: string): EnvVariable<string>;
export function envVar<T>(name: string, parser: EnvParser<T>): EnvVariable<T>;
export function envVar<T>(name: string, parser?: EnvParser<T>): EnvVariable<T | string> {
  if (parser === undefined) return { name, parse: (value) => value };
  if (!isSchema(parser)) return { name, parse: (value) => parser(value, name) };
  return {
    name,
    parse: (value) => {
      const result = z.safeParse(parser, value);
      if (result.success) return result.data;
      throw new InvalidEnvironmentVariableError(name, result.error.issues.map((issue) => issue.message).join('; '), {
        cause: result.error,
      });
    },
  };
}

/** The variables of `spec` named by `keys`: what one function of the service reads. */
export const pickEnv = <S extends EnvSpec, K extends keyof S>(spec: S, ...keys: K[]): Pick<S, K> =>
  Object.fromEntries(keys.map((key) => [key, spec[key]])) as Pick<S, K>;

/**
 * Reads every variable of `spec`, in its order. Call it at module scope (cold start) so that a
 * missing or bad variable fails the init with a named error instead of the first request.
 * @throws MissingEnvironmentVariableError for the first variable that is unset or empty.
 * @throws InvalidEnvironmentVariableError (or the parser's own error) for a value its parser refuses.
 */
export const readEnv = <S extends EnvSpec>(spec: S, env: NodeJS.ProcessEnv = process.env): EnvValues<S> =>
  Object.fromEntries(Object.entries(spec).map(([key, variable]) => [key, variable.parse(requireEnv(variable.name, env))])) as EnvValues<S>;
