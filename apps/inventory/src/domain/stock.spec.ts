import { AdjustStockBodySchema, SetStockBodySchema } from './stock';

const fieldsOf = (input: unknown) => SetStockBodySchema.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));

describe('SetStockBodySchema', () => {
  it.each([0, 1, 1_000_000_000])('accepts %d available units', (available) => {
    expect(SetStockBodySchema.parse({ available })).toEqual({ available });
  });

  it.each([-1, 2.5, 1_000_000_001, '10', null])('rejects available %j', (available) => {
    expect(fieldsOf({ available })).toEqual(['available']);
  });

  it('requires available and rejects unknown fields (reserved is not settable)', () => {
    expect(fieldsOf({})).toEqual(['available']);
    expect(SetStockBodySchema.safeParse({ available: 1, reserved: 0 }).error?.issues.map((issue) => issue.code)).toEqual([
      'unrecognized_keys',
    ]);
  });
});

describe('AdjustStockBodySchema', () => {
  const issuesOf = (input: unknown) => AdjustStockBodySchema.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));

  it.each([1, -1, 1_000_000_000, -1_000_000_000])('accepts a delta of %d', (delta) => {
    expect(AdjustStockBodySchema.parse({ delta, reason: 'received' })).toEqual({ delta, reason: 'received' });
  });

  it('keeps the reason trimmed', () => {
    expect(AdjustStockBodySchema.parse({ delta: 2, reason: '  received PO-1  ' })).toEqual({ delta: 2, reason: 'received PO-1' });
  });

  it.each([0, 1.5, 1_000_000_001, -1_000_000_001, '3', null])('rejects a delta of %j', (delta) => {
    expect(issuesOf({ delta, reason: 'received' })).toEqual(['delta']);
  });

  it.each(['', '   ', 'x'.repeat(201), 'line\nbreak', 'bell\u0007', 42])('rejects the reason %j', (reason) => {
    expect(issuesOf({ delta: 1, reason })).toEqual(['reason']);
  });

  it('requires both fields and rejects unknown ones', () => {
    expect(issuesOf({})).toEqual(['delta', 'reason']);
    expect(AdjustStockBodySchema.safeParse({ delta: 1, reason: 'r', available: 3 }).error?.issues.map((issue) => issue.code)).toEqual([
      'unrecognized_keys',
    ]);
  });
});
