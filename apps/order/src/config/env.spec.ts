import { envVar, readEnv } from '@shop/observability';
import { wholeSecondsAsMs } from './env';

describe('wholeSecondsAsMs', () => {
  it('reads whole seconds as milliseconds and refuses anything else', () => {
    const spec = { x: envVar('X', wholeSecondsAsMs) };
    expect(readEnv(spec, { X: '25' }).x).toBe(25_000);
    for (const value of ['0', '-5', '2.5', '25s', ' ']) expect(() => readEnv(spec, { X: value })).toThrow(/X/);
  });
});
