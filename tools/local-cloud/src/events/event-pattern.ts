import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** An event pattern EventBridge would refuse (PutRule answers `InvalidEventPatternException`). */
export class EventPatternError extends Error {
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'InvalidEventPatternException';
  }
}

/** Tells whether an event (a parsed JSON object) matches a compiled pattern. */
export type EventMatcher = (event: unknown) => boolean;

type ValueTest = (value: unknown) => boolean;
/** A leaf test; `exists` tests look at presence rather than at a value. */
type LeafTest = { kind: 'value'; test: ValueTest } | { kind: 'exists'; present: boolean };
type FieldTest = (parent: Record<string, unknown>) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isLeaf = (value: unknown) => !isObject(value) && !Array.isArray(value);

/**
 * Compiles an EventBridge event pattern (an object, or its JSON text) into a matcher, with the
 * whole documented language: exact values (strings, numbers compared as numbers, booleans, null),
 * `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but` (a value, a list, or a
 * prefix/suffix/equals-ignore-case/wildcard), `numeric` ranges, `cidr`, `exists`, and `$or`.
 * A list in the pattern matches if any of its entries does; an array in the event matches if any
 * of its elements does (for nested patterns too). Invalid patterns throw {@link EventPatternError}.
 */
export function compileEventPattern(pattern: unknown): EventMatcher {
  let parsed = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw new EventPatternError(`not JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(parsed) || Object.keys(parsed).length === 0) throw new EventPatternError('the pattern must be a non-empty JSON object');
  const test = compileObject(parsed, '');
  return (event) => isObject(event) && test(event);
}

function compileObject(pattern: Record<string, unknown>, path: string): FieldTest {
  const tests: FieldTest[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const where = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject))
        throw new EventPatternError(`${where} must be an array of at least two objects`);
      const alternatives = value.map((alternative, index) => compileObject(alternative as Record<string, unknown>, `${where}[${index}]`));
      tests.push((parent) => alternatives.some((alternative) => alternative(parent)));
    } else if (isObject(value)) {
      const nested = compileObject(value, where);
      tests.push((parent) => {
        const field = parent[key];
        if (isObject(field)) return nested(field);
        // A nested pattern over an array of objects matches if one of the objects does.
        if (Array.isArray(field) && field.some(isObject)) return field.some((element) => isObject(element) && nested(element));
        // No object there: every path under it is absent (only `exists: false` can match), as EventBridge
        // matches flattened paths.
        return nested({});
      });
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new EventPatternError(`${where} must not be an empty array`);
      const leaves = value.map((matcher) => compileLeaf(matcher, where));
      tests.push((parent) => leaves.some((leaf) => matchLeaf(leaf, parent, key)));
    } else {
      throw new EventPatternError(`${where} must be an object or an array, not ${JSON.stringify(value)}`);
    }
  }
  return (parent) => tests.every((test) => test(parent));
}

function matchLeaf(leaf: LeafTest, parent: Record<string, unknown>, key: string): boolean {
  const present = Object.prototype.hasOwnProperty.call(parent, key);
  const field = parent[key];
  if (leaf.kind === 'exists') {
    // exists only looks at leaves: an object is not one, an empty array holds none.
    const holdsLeaf = present && (Array.isArray(field) ? field.some(isLeaf) : isLeaf(field));
    return leaf.present === holdsLeaf;
  }
  if (!present) return false;
  if (Array.isArray(field)) return field.some((element) => isLeaf(element) && leaf.test(element));
  return isLeaf(field) && leaf.test(field);
}

function compileLeaf(matcher: unknown, where: string): LeafTest {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean')
    return { kind: 'value', test: (value) => value === matcher };
  if (typeof matcher === 'number') return { kind: 'value', test: (value) => typeof value === 'number' && value === matcher };
  if (!isObject(matcher)) throw new EventPatternError(`${where}: ${JSON.stringify(matcher)} is not a value or a filter`);
  const keys = Object.keys(matcher);
  if (keys.length !== 1) throw new EventPatternError(`${where}: a filter has exactly one operator, got ${JSON.stringify(matcher)}`);
  const [operator] = keys;
  const operand = matcher[operator];
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new EventPatternError(`${where}: exists takes true or false`);
      return { kind: 'exists', present: operand };
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return { kind: 'value', test: stringTest(operator, operand, where) };
    case 'numeric':
      return { kind: 'value', test: numericTest(operand, where) };
    case 'cidr':
      return { kind: 'value', test: cidrTest(operand, where) };
    case 'anything-but':
      return { kind: 'value', test: anythingButTest(operand, where) };
    default:
      throw new EventPatternError(`${where}: unknown operator ${operator}`);
  }
}

/** prefix, suffix (each also with `{ "equals-ignore-case": ... }`), equals-ignore-case, wildcard: strings only. */
function stringTest(operator: string, operand: unknown, where: string): ValueTest {
  let ignoreCase = false;
  let text = operand;
  if ((operator === 'prefix' || operator === 'suffix') && isObject(operand)) {
    const inner = Object.keys(operand);
    if (inner.length !== 1 || inner[0] !== 'equals-ignore-case')
      throw new EventPatternError(`${where}: ${operator} takes a string or {"equals-ignore-case": string}`);
    ignoreCase = true;
    text = operand['equals-ignore-case'];
  }
  if (typeof text !== 'string') throw new EventPatternError(`${where}: ${operator} takes a string`);
  const fold = (value: string) => (ignoreCase ? value.toLowerCase() : value);
  const wanted = fold(text);
  switch (operator) {
    case 'prefix':
      return (value) => typeof value === 'string' && fold(value).startsWith(wanted);
    case 'suffix':
      return (value) => typeof value === 'string' && fold(value).endsWith(wanted);
    case 'equals-ignore-case':
      return (value) => typeof value === 'string' && value.toLowerCase() === text.toLowerCase();
    default: {
      const expression = wildcardRegExp(text, where);
      return (value) => typeof value === 'string' && expression.test(value);
    }
  }
}

/** `*` is any run of characters; `\*` a literal star, `\\` a literal backslash; `**` is refused, as EventBridge does. */
function wildcardRegExp(pattern: string, where: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') {
      const next = pattern[index + 1];
      if (next !== '*' && next !== '\\') throw new EventPatternError(`${where}: wildcard escapes only * and \\`);
      source += `\\${next}`;
      index++;
    } else if (char === '*') {
      if (pattern[index + 1] === '*') throw new EventPatternError(`${where}: consecutive wildcard characters are not allowed`);
      source += '[\\s\\S]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

const NUMERIC_OPERATORS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numericTest(operand: unknown, where: string): ValueTest {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new EventPatternError(`${where}: numeric takes [op, number] or [op, number, op, number]`);
  }
  const comparisons: ((value: number) => boolean)[] = [];
  for (let index = 0; index < operand.length; index += 2) {
    const operator = NUMERIC_OPERATORS[String(operand[index])];
    const bound = operand[index + 1];
    if (!operator || typeof bound !== 'number') throw new EventPatternError(`${where}: ${JSON.stringify(operand)} is not a numeric range`);
    comparisons.push((value) => operator(value, bound));
  }
  return (value) => typeof value === 'number' && comparisons.every((comparison) => comparison(value));
}

function cidrTest(operand: unknown, where: string): ValueTest {
  const match = typeof operand === 'string' ? /^(.+)\/(\d{1,3})$/.exec(operand) : null;
  const family = match && isIPv4(match[1]) ? 'ipv4' : match && isIPv6(match[1]) ? 'ipv6' : undefined;
  if (!match || !family || Number(match[2]) > (family === 'ipv4' ? 32 : 128))
    throw new EventPatternError(`${where}: ${JSON.stringify(operand)} is not a CIDR block`);
  const block = new BlockList();
  block.addSubnet(match[1], Number(match[2]), family);
  return (value) =>
    typeof value === 'string' && ((isIPv4(value) && block.check(value, 'ipv4')) || (isIPv6(value) && block.check(value, 'ipv6')));
}

function anythingButTest(operand: unknown, where: string): ValueTest {
  if (typeof operand === 'string' || typeof operand === 'number') return (value) => value !== operand;
  if (Array.isArray(operand)) {
    if (operand.length === 0 || !operand.every((entry) => typeof entry === 'string' || typeof entry === 'number')) {
      throw new EventPatternError(`${where}: anything-but takes a list of strings or numbers`);
    }
    return (value) => !operand.includes(value as string | number);
  }
  if (isObject(operand) && Object.keys(operand).length === 1) {
    const [operator] = Object.keys(operand);
    const inner = operand[operator];
    if (operator === 'prefix' || operator === 'suffix') {
      const test = stringTest(operator, inner, where);
      return (value) => typeof value === 'string' && !test(value);
    }
    if (operator === 'equals-ignore-case' || operator === 'wildcard') {
      const entries = Array.isArray(inner) ? inner : [inner];
      if (entries.length === 0) throw new EventPatternError(`${where}: anything-but ${operator} needs a value`);
      const tests = entries.map((entry) => stringTest(operator, entry, where));
      return (value) => typeof value === 'string' && !tests.some((test) => test(value));
    }
  }
  throw new EventPatternError(`${where}: ${JSON.stringify(operand)} is not an anything-but filter`);
}
