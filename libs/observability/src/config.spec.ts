import { requireEnv } from './config';
import { MissingEnvironmentVariableError, ObservabilityError } from './errors';

describe('requireEnv', () => {
  it('returns the value', () => {
    expect(requireEnv('TABLE_NAME', { TABLE_NAME: 'product-dev' })).toBe('product-dev');
  });

  it.each([{}, { TABLE_NAME: '' }, { TABLE_NAME: '  ' }])('fails with a named error for %j', (env) => {
    expect(() => requireEnv('TABLE_NAME', env)).toThrow(new MissingEnvironmentVariableError('TABLE_NAME'));
    expect(() => requireEnv('TABLE_NAME', env)).toThrow(ObservabilityError);
  });
});
