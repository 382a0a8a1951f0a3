import { eventEnvelopeSchema } from '@shop/domain';
import * as z from 'zod';
import { BREAKING_RULES, compareMessageSchemas, describeBreakingChange } from './compatibility';
import { toJsonSchema } from './json-schema';

/** The breaking changes from payload `before` to payload `after`, both wrapped in the `Ping v1` envelope. */
const changes = (before: z.core.$ZodType, after: z.core.$ZodType) =>
  compareMessageSchemas(
    'Ping v1',
    toJsonSchema(eventEnvelopeSchema('Ping', 1, before)),
    toJsonSchema(eventEnvelopeSchema('Ping', 1, after)),
  );

const lines = (before: z.core.$ZodType, after: z.core.$ZodType) => changes(before, after).map(describeBreakingChange);

describe('compareMessageSchemas: breaking changes', () => {
  it('a removed field: names the event, the field and the rule', () => {
    expect(lines(z.object({ a: z.string(), b: z.string() }), z.object({ a: z.string() }))).toEqual([
      'Ping v1, field data.b: field removed or renamed (no longer in the schema)',
    ]);
  });

  it('a removed optional field too: consumers may read it', () => {
    expect(changes(z.object({ a: z.string(), note: z.string().optional() }), z.object({ a: z.string() }))).toEqual([
      expect.objectContaining({ field: 'data.note', rule: BREAKING_RULES.fieldRemoved }),
    ]);
  });

  it('a renamed field: removed, with the new name it probably has, and required', () => {
    expect(lines(z.object({ sku: z.string() }), z.object({ productSku: z.string() }))).toEqual([
      'Ping v1, field data.sku: field removed or renamed (renamed to productSku?)',
      'Ping v1, field data.productSku: new required field (added as required: earlier messages lack it)',
    ]);
  });

  it('a field removed deep inside an array of objects', () => {
    const before = z.object({ lines: z.array(z.object({ sku: z.string(), quantity: z.int() })) });
    const after = z.object({ lines: z.array(z.object({ sku: z.string() })) });
    expect(lines(before, after)).toEqual(['Ping v1, field data.lines[].quantity: field removed or renamed (no longer in the schema)']);
  });

  it('string → number: type narrowed', () => {
    expect(lines(z.object({ a: z.string() }), z.object({ a: z.number() }))).toEqual([
      'Ping v1, field data.a: type narrowed (string → number)',
    ]);
  });

  it('number → int: type narrowed', () => {
    expect(lines(z.object({ amount: z.number() }), z.object({ amount: z.int() }))).toEqual([
      'Ping v1, field data.amount: type narrowed (number → integer (no fractions any more))',
    ]);
  });

  it('string → enum: type narrowed', () => {
    expect(lines(z.object({ status: z.string() }), z.object({ status: z.enum(['A', 'B']) }))).toEqual([
      'Ping v1, field data.status: type narrowed (string → enum "A", "B")',
    ]);
  });

  it('nullable → not nullable: type narrowed', () => {
    expect(lines(z.object({ note: z.string().nullable() }), z.object({ note: z.string() }))).toEqual([
      'Ping v1, field data.note: type narrowed (nullable → not nullable)',
    ]);
  });

  it('a new required field', () => {
    expect(lines(z.object({ a: z.string() }), z.object({ a: z.string(), b: z.string() }))).toEqual([
      'Ping v1, field data.b: new required field (added as required: earlier messages lack it)',
    ]);
  });

  it('an optional field made required: a new required field', () => {
    expect(lines(z.object({ a: z.string().optional() }), z.object({ a: z.string() }))).toEqual([
      'Ping v1, field data.a: new required field (was optional, now required: earlier messages may lack it)',
    ]);
  });

  it('an enum value removed', () => {
    expect(
      lines(z.object({ change: z.enum(['created', 'updated', 'deleted']) }), z.object({ change: z.enum(['created', 'updated']) })),
    ).toEqual(['Ping v1, field data.change: enum value removed ("deleted" is no longer accepted)']);
  });

  it('a literal changed: its old value removed', () => {
    expect(lines(z.object({ status: z.literal('CREATED') }), z.object({ status: z.literal('NEW') }))).toEqual([
      'Ping v1, field data.status: enum value removed ("CREATED" is no longer accepted)',
    ]);
  });

  it('a bound or a pattern tightened', () => {
    expect(
      lines(
        z.object({ a: z.string().max(200), b: z.int().min(0), c: z.string() }),
        z.object({ a: z.string().max(100), b: z.int().min(1), c: z.string().regex(/^x/) }),
      ),
    ).toEqual([
      'Ping v1, field data.a: constraint tightened (maxLength 200 → 100)',
      'Ping v1, field data.b: constraint tightened (minimum 0 → 1)',
      'Ping v1, field data.c: constraint tightened (pattern none → "^x")',
    ]);
  });

  it('an object made strict: unknown fields refused', () => {
    expect(lines(z.object({ a: z.string() }), z.strictObject({ a: z.string() }))).toEqual([
      'Ping v1, field data: constraint tightened (unknown fields were accepted, now refused (a strict object))',
    ]);
  });

  it('the whole payload changed type', () => {
    expect(lines(z.object({ a: z.string() }), z.array(z.string()))).toEqual(['Ping v1, field data: type narrowed (object → array)']);
  });
});

describe('compareMessageSchemas: additive changes pass', () => {
  it('a new optional field', () => {
    expect(changes(z.object({ a: z.string() }), z.object({ a: z.string(), placedAt: z.iso.datetime().optional() }))).toEqual([]);
  });

  it('a new enum value', () => {
    expect(
      changes(z.object({ change: z.enum(['created', 'updated']) }), z.object({ change: z.enum(['created', 'updated', 'restored']) })),
    ).toEqual([]);
  });

  it('a type widened: int → number, enum → string, not nullable → nullable, a required field made optional', () => {
    const before = z.object({ amount: z.int(), status: z.enum(['A']), note: z.string(), extra: z.string() });
    const after = z.object({ amount: z.number(), status: z.string(), note: z.string().nullable(), extra: z.string().optional() });
    expect(changes(before, after)).toEqual([]);
  });

  it('a bound loosened', () => {
    expect(changes(z.object({ a: z.string().min(2).max(100) }), z.object({ a: z.string().min(1).max(200) }))).toEqual([]);
  });

  it('no change at all, on a real contract', () => {
    const schema = z.object({ lines: z.array(z.object({ sku: z.string(), quantity: z.int().min(1) })).min(1), total: z.number() });
    expect(changes(schema, schema)).toEqual([]);
  });
});

describe('compareMessageSchemas: the envelope', () => {
  it('a changed envelope literal is a removed enum value (a version must be bumped as a new message, not in place)', () => {
    const before = toJsonSchema(eventEnvelopeSchema('Ping', 1, z.object({})));
    const after = toJsonSchema(eventEnvelopeSchema('Ping', 2, z.object({})));
    expect(compareMessageSchemas('Ping v1', before, after).map(describeBreakingChange)).toEqual([
      'Ping v1, field version: enum value removed (1 is no longer accepted)',
    ]);
  });
});
