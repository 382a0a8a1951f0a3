import { MissingEnvironmentVariableError } from './errors';

/**
 * Reads a required environment variable. Call it at module scope (cold start) so a missing
 * variable fails the init with a named error instead of the first request.
 * @throws MissingEnvironmentVariableError when the variable is unset or empty.
 */
export const requireEnv = (name: string, env: NodeJS.ProcessEnv = process.env): string => {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingEnvironmentVariableError(name);
  return value;
};
