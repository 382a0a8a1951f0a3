import { IdempotencyKeySchema, nameBasedId, newId, UuidSchema } from './ids';

describe('nameBasedId', () => {
  it('gives the same valid UUID v5 for the same name', () => {
    const id = nameBasedId('stream-event-1');
    expect(id).toBe(nameBasedId('stream-event-1'));
    expect(UuidSchema.safeParse(id).success).toBe(true);
    expect(id[14]).toBe('5');
  });

  it('gives different ids for different names', () => {
    expect(nameBasedId('a')).not.toBe(nameBasedId('b'));
  });

  it('matches the RFC 9562 v5 algorithm (DNS namespace, "python.org")', () => {
    expect(nameBasedId('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });
});

describe('newId', () => {
  it('makes random UUIDs', () => {
    expect(UuidSchema.safeParse(newId()).success).toBe(true);
    expect(newId()).not.toBe(newId());
  });
});

describe('IdempotencyKeySchema', () => {
  it.each(['a', '3f0c2d9e-8a4b-4c1d-9e2f-0a1b2c3d4e5f', 'order:2025.03_01', 'po:1234.v2_x-y', 'k'.repeat(128)])('accepts %j', (key) => {
    expect(IdempotencyKeySchema.parse(key)).toBe(key);
  });

  it.each(['', 'k'.repeat(129), 'has space', 'slash/key', 'hash#key', 'ünïcode', undefined])('rejects %j', (key) => {
    expect(IdempotencyKeySchema.safeParse(key).success).toBe(false);
  });
});
