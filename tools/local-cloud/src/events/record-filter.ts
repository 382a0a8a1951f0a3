import { compileEventPattern, EventPatternError, type EventMatcher } from './event-pattern';

/** Lambda's default quota of filters per event source mapping (the patterns are ORed). */
export const MAX_FILTERS_PER_MAPPING = 5;

/** Which record shape a mapping delivers: it decides how the record's data field is matched. */
export type RecordSource = 'sqs' | 'dynamodb-stream' | 'kinesis';

/** Tells whether a record (as Lambda puts it in the event) passes a mapping's `FilterCriteria`. */
export type RecordFilter = (record: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The data field of each record shape: a JSON text (SQS `body`) or base64 JSON (Kinesis `data`). */
const DATA_FIELD: Record<RecordSource, { path: string[]; base64: boolean } | undefined> = {
  sqs: { path: ['body'], base64: false },
  kinesis: { path: ['kinesis', 'data'], base64: true },
  'dynamodb-stream': undefined,
};

/**
 * Compiles a mapping's `FilterCriteria.Filters[].Pattern` texts into one filter, with Lambda's
 * semantics: the same pattern language as EventBridge (one matcher, {@link compileEventPattern}),
 * the patterns ORed, a record matching none dropped. DynamoDB stream records are matched as they
 * are (typed attributes: `{"dynamodb": {"NewImage": {"status": {"S": ["paid"]}}}}`). For SQS `body`
 * (and Kinesis `data`, base64): a pattern that filters on the body's properties (an object) sees
 * the body parsed as JSON, and drops the record when the body is not a JSON object; a pattern with
 * values for `body` (a list) matches the body as a string. Returns undefined for no patterns;
 * an invalid pattern throws {@link EventPatternError}, as CreateEventSourceMapping refuses it.
 */
export function compileRecordFilter(patterns: readonly string[], source: RecordSource): RecordFilter | undefined {
  if (patterns.length === 0) return undefined;
  const field = DATA_FIELD[source];
  const filters = patterns.map((text, index) => {
    let pattern: unknown;
    try {
      pattern = JSON.parse(text);
    } catch (error) {
      throw new EventPatternError(`filter ${index + 1} is not JSON: ${(error as Error).message}`);
    }
    const matcher = compileEventPattern(pattern);
    if (!field) return matcher;
    return dataAwareMatcher(matcher, isObject(valueAt(pattern, field.path)), field);
  });
  return (record) => filters.some((filter) => filter(record));
}

function dataAwareMatcher(matcher: EventMatcher, matchesProperties: boolean, field: { path: string[]; base64: boolean }): RecordFilter {
  return (record) => {
    const raw = valueAt(record, field.path);
    if (typeof raw !== 'string') return matcher(record);
    const text = field.base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (!matchesProperties) return matcher(withValueAt(record, field.path, text));
    const parsed = parseJsonObject(text);
    return parsed !== undefined && matcher(withValueAt(record, field.path, parsed));
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function valueAt(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
}

/** A copy of `record` with the value at `path` replaced (the records the function gets stay as they are). */
function withValueAt(record: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path;
  const object = isObject(record) ? record : {};
  return { ...object, [key]: withValueAt(object[key], rest, value) };
}
