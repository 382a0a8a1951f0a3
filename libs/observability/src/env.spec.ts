import * as z from 'zod';
import { envVar, pickEnv, readEnv } from './env';
import { InvalidEnvironmentVariableError, MissingEnvironmentVariableError } from './errors';

const SPEC = {
  tableName: envVar('TABLE_NAME'),
  graceMs: envVar(
    'GRACE_SECONDS',
    z
      .string()
      .regex(/^[1-9]\d*$/, 'a positive whole number of seconds')
      .transform((seconds) => Number(seconds) * 1000),
  ),
  mode: envVar('MODE', (value, name) => {
    if (value === 'on' || value === 'off') return value;
    throw new Error(`${name} is on or off`);
  }),
};

describe('readEnv', () => {
  it('reads every variable by its key, parsed', () => {
    const env = readEnv(SPEC, { TABLE_NAME: 'orders', GRACE_SECONDS: '25', MODE: 'on' });
    expect(env).toEqual({ tableName: 'orders', graceMs: 25_000, mode: 'on' });
  });

  it.each([{}, { TABLE_NAME: '' }, { TABLE_NAME: '  ' }])('fails with a named error when a variable is missing or empty: %j', (env) => {
    expect(() => readEnv(SPEC, { GRACE_SECONDS: '1', MODE: 'on', ...env })).toThrow(new MissingEnvironmentVariableError('TABLE_NAME'));
  });

  it('names the first missing variable in the order of the spec', () => {
    expect(() => readEnv(SPEC, { MODE: 'on' })).toThrow('Environment variable TABLE_NAME is required but not set.');
  });

  it('fails with InvalidEnvironmentVariableError when a schema refuses the value, saying what was expected', () => {
    const read = () => readEnv(SPEC, { TABLE_NAME: 't', GRACE_SECONDS: '2.5', MODE: 'on' });
    expect(read).toThrow(InvalidEnvironmentVariableError);
    expect(read).toThrow('Environment variable GRACE_SECONDS must be a positive whole number of seconds.');
  });

  it("lets a parser function's own error through", () => {
    expect(() => readEnv(SPEC, { TABLE_NAME: 't', GRACE_SECONDS: '1', MODE: 'maybe' })).toThrow('MODE is on or off');
  });
});

describe('pickEnv', () => {
  it('keeps the variables a function reads, and reading them needs no other', () => {
    const spec = pickEnv(SPEC, 'tableName');
    expect(spec).toEqual({ tableName: SPEC.tableName });
    expect(readEnv(spec, { TABLE_NAME: 'orders' })).toEqual({ tableName: 'orders' });
  });
});

describe('envVar', () => {
  it('keeps the name the stack sets the variable by', () => {
    expect(SPEC.graceMs.name).toBe('GRACE_SECONDS');
    expect(envVar('TOPIC_ARN').parse('arn')).toBe('arn');
  });
});
