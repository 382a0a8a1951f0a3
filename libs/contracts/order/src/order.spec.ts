import { OrderLinesSchema, orderTotal, ShippingAddressSchema, totalMatchesLines, type OrderLine } from './order';

const mug: OrderLine = { sku: 'MUG-001', name: 'Mug', quantity: 2, unitPrice: { amount: 1299, currency: 'EUR' } };
const tea: OrderLine = { sku: 'TEA-001', name: 'Tea', quantity: 1, unitPrice: { amount: 450, currency: 'EUR' } };

describe('orderTotal', () => {
  it('sums unit price times quantity', () => {
    expect(orderTotal([mug, tea])).toEqual({ amount: 3048, currency: 'EUR' });
  });

  it('refuses mixed currencies and empty orders', () => {
    expect(() => orderTotal([mug, { ...tea, unitPrice: { amount: 450, currency: 'USD' } }])).toThrow(RangeError);
    expect(() => orderTotal([])).toThrow(RangeError);
  });
});

describe('totalMatchesLines', () => {
  it('is true only for the exact total in the lines currency', () => {
    expect(totalMatchesLines({ lines: [mug, tea], total: { amount: 3048, currency: 'EUR' } })).toBe(true);
    expect(totalMatchesLines({ lines: [mug, tea], total: { amount: 3047, currency: 'EUR' } })).toBe(false);
    expect(totalMatchesLines({ lines: [mug, tea], total: { amount: 3048, currency: 'USD' } })).toBe(false);
    expect(totalMatchesLines({ lines: [], total: { amount: 0, currency: 'EUR' } })).toBe(false);
  });
});

describe('OrderLinesSchema', () => {
  it('accepts distinct skus with quantities from 1 to 99', () => {
    expect(
      OrderLinesSchema.safeParse([
        { ...mug, quantity: 1 },
        { ...tea, quantity: 99 },
      ]).success,
    ).toBe(true);
  });

  it.each([
    ['no lines', []],
    ['a zero quantity', [{ ...mug, quantity: 0 }]],
    ['a quantity of 100', [{ ...mug, quantity: 100 }]],
    ['a fractional quantity', [{ ...mug, quantity: 1.5 }]],
    ['the same sku twice', [mug, mug]],
  ])('rejects %s', (_label, lines) => {
    expect(OrderLinesSchema.safeParse(lines).success).toBe(false);
  });
});

describe('ShippingAddressSchema', () => {
  const address = { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };

  it('accepts an address without line2 and strips unknown keys', () => {
    expect(ShippingAddressSchema.parse({ ...address, note: 'x' })).toEqual(address);
  });

  it('rejects a lower-case or three-letter country and an empty city', () => {
    expect(ShippingAddressSchema.safeParse({ ...address, country: 'de' }).success).toBe(false);
    expect(ShippingAddressSchema.safeParse({ ...address, country: 'DEU' }).success).toBe(false);
    expect(ShippingAddressSchema.safeParse({ ...address, city: ' ' }).success).toBe(false);
  });
});
