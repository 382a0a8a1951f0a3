import { pooledRandomBytes, randomHex } from './random';

describe('pooled random ids', () => {
  it('gives the requested length and does not repeat', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => randomHex(12)));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(pooledRandomBytes(6)).toHaveLength(6);
    expect(pooledRandomBytes(5000)).toHaveLength(5000);
  });
});
