import { withoutEnv } from './process-env';

describe('withoutEnv', () => {
  it('unsets the variable while fn runs and restores it afterwards', () => {
    const env: NodeJS.ProcessEnv = { TABLE_NAME: 'orders' };
    const seen = withoutEnv('TABLE_NAME', () => ({ ...env }), env);
    expect(seen).toEqual({});
    expect(env).toEqual({ TABLE_NAME: 'orders' });
  });

  it('restores the variable even when fn throws, and leaves an unset variable unset', () => {
    const env: NodeJS.ProcessEnv = { TABLE_NAME: 'orders' };
    expect(() =>
      withoutEnv(
        'TABLE_NAME',
        () => {
          throw new Error('cold start failed');
        },
        env,
      ),
    ).toThrow('cold start failed');
    expect(env).toEqual({ TABLE_NAME: 'orders' });
    withoutEnv('TOPIC_ARN', () => undefined, env);
    expect(env).toEqual({ TABLE_NAME: 'orders' });
  });
});
