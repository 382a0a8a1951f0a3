import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from './json-schema';

/**
 * The breaking-change rules. A message schema must keep accepting every message its previous
 * version accepted (messages in flight, in dead-letter queues, replayed) and keep carrying every
 * field consumers read; a change that does not is breaking unless the message's version is bumped.
 */
export const BREAKING_RULES = {
  fieldRemoved: 'field removed or renamed',
  typeNarrowed: 'type narrowed',
  newRequiredField: 'new required field',
  enumValueRemoved: 'enum value removed',
  constraintTightened: 'constraint tightened',
  messageRemoved: 'message removed',
} as const;

/** One of {@link BREAKING_RULES}' names. */
export type BreakingRule = (typeof BREAKING_RULES)[keyof typeof BREAKING_RULES];

/** A breaking change: the message (`OrderConfirmed v1`), the field's path in the envelope, the rule and what changed. */
export interface BreakingChange {
  readonly message: string;
  readonly field: string;
  readonly rule: BreakingRule;
  readonly detail: string;
}

/** One line naming the message, the field and the rule, e.g. `OrderConfirmed v1, field data.placedAt: new required field (...)`. */
export const describeBreakingChange = (change: BreakingChange): string =>
  `${change.message}, field ${change.field}: ${change.rule} (${change.detail})`;

type Kind = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'object' | 'array' | 'any';

/** A schema split into one alternative per JSON type (`anyOf`/`oneOf` and type arrays flattened). */
const variantsOf = (schema: JsonSchema): JsonSchema[] => {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.flatMap(variantsOf);
  if (Array.isArray(schema.type)) return schema.type.map((type: string) => ({ ...schema, type }));
  return [schema];
};

const kindOfValue = (value: unknown): Kind => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  const kind = typeof value;
  return kind === 'boolean' || kind === 'string' || kind === 'object' ? kind : 'any';
};

const KINDS: readonly Kind[] = ['null', 'boolean', 'integer', 'number', 'string', 'object', 'array'];

const kindOf = (variant: JsonSchema): Kind => {
  const type = variant.type;
  if (typeof type === 'string') return KINDS.find((kind) => kind === type) ?? 'any';
  if (variant.const !== undefined) return kindOfValue(variant.const);
  if (variant.enum && variant.enum.length > 0) return kindOfValue(variant.enum[0]);
  if (variant.properties) return 'object';
  if (variant.items) return 'array';
  return 'any';
};

/** True when a value of kind `accepted` is also accepted by kind `by` (an integer is a number). */
const covers = (by: Kind, accepted: Kind): boolean => by === 'any' || by === accepted || (by === 'number' && accepted === 'integer');

const valuesOf = (variant: JsonSchema): readonly unknown[] | undefined =>
  variant.enum ?? (variant.const === undefined ? undefined : [variant.const]);

const show = (value: unknown): string => JSON.stringify(value);

/** Bounds where a larger new value is tighter, and those where a smaller one is. */
const LOWER_BOUNDS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems'] as const;
const UPPER_BOUNDS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems'] as const;
const EXACT_CONSTRAINTS = ['format', 'pattern'] as const;

interface Context {
  readonly message: string;
  readonly changes: BreakingChange[];
}

const report = (context: Context, path: string, rule: BreakingRule, detail: string): void => {
  context.changes.push({ message: context.message, field: path === '' ? '(the message)' : path, rule, detail });
};

const compareConstraints = (context: Context, path: string, before: JsonSchema, after: JsonSchema): void => {
  for (const keyword of LOWER_BOUNDS) {
    const was = before[keyword];
    const now = after[keyword];
    if (now !== undefined && (was === undefined || now > was)) {
      report(context, path, BREAKING_RULES.constraintTightened, `${keyword} ${was ?? 'none'} → ${now}`);
    }
  }
  for (const keyword of UPPER_BOUNDS) {
    const was = before[keyword];
    const now = after[keyword];
    if (now !== undefined && (was === undefined || now < was)) {
      report(context, path, BREAKING_RULES.constraintTightened, `${keyword} ${was ?? 'none'} → ${now}`);
    }
  }
  for (const keyword of EXACT_CONSTRAINTS) {
    const was = before[keyword];
    const now = after[keyword];
    if (now !== undefined && now !== was) {
      report(context, path, BREAKING_RULES.constraintTightened, `${keyword} ${was === undefined ? 'none' : show(was)} → ${show(now)}`);
    }
  }
};

const compareObjects = (context: Context, path: string, before: JsonSchema, after: JsonSchema): void => {
  if (after.additionalProperties === false && before.additionalProperties !== false) {
    report(context, path, BREAKING_RULES.constraintTightened, 'unknown fields were accepted, now refused (a strict object)');
  }
  const was = before.properties ?? {};
  const now = after.properties ?? {};
  const added = Object.keys(now).filter((name) => !(name in was));
  for (const [name, schema] of Object.entries(was)) {
    const field = path === '' ? name : `${path}.${name}`;
    const next = now[name];
    if (next === undefined) {
      const renamed = added.filter((candidate) => isDeepStrictEqual(now[candidate], schema));
      const hint = renamed.length > 0 ? `renamed to ${renamed.join(' or ')}?` : 'no longer in the schema';
      report(context, field, BREAKING_RULES.fieldRemoved, hint);
    } else {
      compareSchemas(context, field, schema, next);
    }
  }
  const required = new Set(before.required ?? []);
  for (const name of after.required ?? []) {
    if (required.has(name)) continue;
    const field = path === '' ? name : `${path}.${name}`;
    report(
      context,
      field,
      BREAKING_RULES.newRequiredField,
      name in was ? 'was optional, now required: earlier messages may lack it' : 'added as required: earlier messages lack it',
    );
  }
};

const compareVariants = (context: Context, path: string, before: JsonSchema, after: JsonSchema, kind: Kind): void => {
  const wasValues = valuesOf(before);
  const nowValues = valuesOf(after);
  if (nowValues !== undefined) {
    if (wasValues === undefined) {
      report(context, path, BREAKING_RULES.typeNarrowed, `${kind} → enum ${nowValues.map(show).join(', ')}`);
    } else {
      for (const value of wasValues) {
        if (!nowValues.some((candidate) => isDeepStrictEqual(candidate, value))) {
          report(context, path, BREAKING_RULES.enumValueRemoved, `${show(value)} is no longer accepted`);
        }
      }
    }
  }
  compareConstraints(context, path, before, after);
  if (kind === 'object' || before.properties || after.properties) compareObjects(context, path, before, after);
  if (before.items && after.items) compareSchemas(context, `${path === '' ? '(the message)' : path}[]`, before.items, after.items);
};

/** Compares one schema with its previous version at `path`, reporting what the new one no longer accepts. */
const compareSchemas = (context: Context, path: string, before: JsonSchema, after: JsonSchema): void => {
  const nowVariants = variantsOf(after).map((variant) => ({ variant, kind: kindOf(variant) }));
  const nowKinds = [...new Set(nowVariants.map(({ kind }) => kind))];
  for (const variant of variantsOf(before)) {
    const kind = kindOf(variant);
    const match = nowVariants.find((candidate) => candidate.kind === kind) ?? nowVariants.find((candidate) => covers(candidate.kind, kind));
    if (match === undefined) {
      const detail =
        kind === 'null'
          ? 'nullable → not nullable'
          : `${kind} → ${nowKinds.join(' | ')}${kind === 'number' && nowKinds.includes('integer') ? ' (no fractions any more)' : ''}`;
      report(context, path, BREAKING_RULES.typeNarrowed, detail);
      continue;
    }
    if (match.kind === 'any') continue;
    compareVariants(context, path, variant, match.variant, kind);
  }
};

/**
 * The breaking changes between a message's previous schema (`before`) and its current one
 * (`after`), both for the same type and version; empty when every change is additive.
 * @param message the message's name in findings, e.g. `OrderConfirmed v1`.
 */
export const compareMessageSchemas = (message: string, before: JsonSchema, after: JsonSchema): BreakingChange[] => {
  const context: Context = { message, changes: [] };
  compareSchemas(context, '', before, after);
  return context.changes;
};
