import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** Reserves `size` bytes of the pool (refilled when used up) and returns where they start. */
const take = (size: number): number => {
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += size;
  return start;
};

/**
 * `size` cryptographically random bytes, drawn from a pool refilled 4 KB at a time: the ids made
 * on every request (API Gateway ids, trace ids) then cost no `randomBytes` call each, the way
 * `crypto.randomUUID()` pools its entropy. The buffer returned is a copy.
 */
export const pooledRandomBytes = (size: number): Buffer => {
  if (size > POOL_SIZE) return randomFillSync(Buffer.alloc(size));
  const start = take(size);
  return Buffer.from(pool.subarray(start, start + size));
};

/** `size` random bytes as lowercase hex (trace ids, log stream names). */
export const randomHex = (size: number): string => {
  if (size > POOL_SIZE) return pooledRandomBytes(size).toString('hex');
  const start = take(size);
  return pool.toString('hex', start, start + size);
};
