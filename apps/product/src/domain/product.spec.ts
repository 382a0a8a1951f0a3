import { CreateProductInputSchema, ListProductsQuerySchema, UpdateProductInputSchema } from './product';
import { mugInput } from './testing/product-fixtures';

const fieldsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.'));

describe('CreateProductInputSchema', () => {
  it('accepts a valid product', () => {
    expect(CreateProductInputSchema.parse(mugInput())).toEqual(mugInput());
  });

  it('reports every bad field at once', () => {
    const result = CreateProductInputSchema.safeParse({
      sku: 'bad sku',
      name: 'x'.repeat(121),
      description: 'd'.repeat(2001),
      category: 'Mugs',
      price: { amount: -5, currency: 'XXX' },
    });
    expect(fieldsOf(result)).toEqual(['sku', 'name', 'description', 'category', 'price.amount', 'price.currency']);
  });

  it('reports missing fields', () => {
    expect(fieldsOf(CreateProductInputSchema.safeParse({ sku: 'MUG-001' }))).toEqual(['name', 'description', 'category', 'price']);
  });
});

describe('UpdateProductInputSchema', () => {
  it('rejects sku and version: they are not editable', () => {
    const { sku, ...editable } = mugInput();
    const result = UpdateProductInputSchema.safeParse({ ...editable, sku, version: 2 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.code)).toEqual(['unrecognized_keys']);
  });
});

describe('ListProductsQuerySchema', () => {
  it('defaults the limit to 20', () => {
    expect(ListProductsQuerySchema.parse({ category: 'mugs' })).toEqual({ category: 'mugs', limit: 20 });
  });

  it('parses the limit from the query string', () => {
    expect(ListProductsQuerySchema.parse({ category: 'mugs', limit: '100', cursor: 'abc' })).toEqual({
      category: 'mugs',
      limit: 100,
      cursor: 'abc',
    });
  });

  it.each(['0', '101', '2.5', 'ten'])('rejects limit %j', (limit) => {
    expect(fieldsOf(ListProductsQuerySchema.safeParse({ category: 'mugs', limit }))).toEqual(['limit']);
  });

  it('requires the category', () => {
    expect(fieldsOf(ListProductsQuerySchema.safeParse({}))).toEqual(['category']);
  });
});
