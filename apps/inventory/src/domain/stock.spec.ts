import { SetStockBodySchema } from './stock';

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
