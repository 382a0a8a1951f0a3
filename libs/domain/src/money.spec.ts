import { CurrencyMismatchError } from './errors';
import { addMoney, money, MoneySchema, multiplyMoney } from './money';

describe('MoneySchema', () => {
  it('accepts integer minor units in an allowed currency', () => {
    expect(MoneySchema.parse({ amount: 1299, currency: 'EUR' })).toEqual({ amount: 1299, currency: 'EUR' });
  });

  it('accepts zero', () => {
    expect(MoneySchema.safeParse({ amount: 0, currency: 'USD' }).success).toBe(true);
  });

  it.each([
    ['a negative amount', { amount: -1, currency: 'EUR' }, ['amount']],
    ['a fractional amount', { amount: 12.5, currency: 'EUR' }, ['amount']],
    ['an amount given as a string', { amount: '12', currency: 'EUR' }, ['amount']],
    ['an unknown currency', { amount: 1, currency: 'XXX' }, ['currency']],
    ['a lower-case currency', { amount: 1, currency: 'eur' }, ['currency']],
  ])('rejects %s', (_label, input, paths) => {
    const result = MoneySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(paths);
  });

  it('rejects unknown fields', () => {
    expect(MoneySchema.safeParse({ amount: 1, currency: 'EUR', cents: true }).success).toBe(false);
  });
});

describe('money arithmetic', () => {
  it('adds amounts of the same currency', () => {
    expect(addMoney(money(150, 'EUR'), money(250, 'EUR'))).toEqual({ amount: 400, currency: 'EUR' });
  });

  it('refuses to add different currencies', () => {
    expect(() => addMoney(money(1, 'EUR'), money(1, 'USD'))).toThrow(CurrencyMismatchError);
  });

  it('multiplies by a quantity', () => {
    expect(multiplyMoney(money(299, 'GBP'), 3)).toEqual({ amount: 897, currency: 'GBP' });
  });

  it('refuses a fractional quantity', () => {
    expect(() => multiplyMoney(money(299, 'GBP'), 1.5)).toThrow(RangeError);
  });
});
