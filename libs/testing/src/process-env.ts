/**
 * Runs `fn` with the environment variable `name` unset, then restores it as it was (unset again
 * if it was unset): for tests that a handler fails at cold start, with a named error, when its
 * configuration is missing (`withoutEnv('TABLE_NAME', () => jest.isolateModules(() => ...))`).
 * @returns what `fn` returns.
 */
export const withoutEnv = <T>(name: string, fn: () => T, env: NodeJS.ProcessEnv = process.env): T => {
  const had = Object.prototype.hasOwnProperty.call(env, name);
  const saved = env[name];
  delete env[name];
  try {
    return fn();
  } finally {
    if (had) env[name] = saved;
    else delete env[name];
  }
};
