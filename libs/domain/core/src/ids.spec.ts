import { nameBasedId, newId, UuidSchema } from './ids';

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
    expect(nameBasedId('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });
});

describe('newId', () => {
  it('makes random UUIDs', () => {
    expect(UuidSchema.safeParse(newId()).success).toBe(true);
    expect(newId()).not.toBe(newId());
  });
});
