/**
 * A function's own output, made readable: a Powertools JSON line becomes one line of level,
 * message, the few keys that say something and the correlation id; an EMF metric line (`_aws`)
 * is folded away unless asked for; anything else is printed as it came.
 */

/** What a function printed, read. */
export type FunctionLogLine =
  | {
      kind: 'log';
      level: string;
      message: string;
      correlationId?: string;
      /** Keys the function added (the Powertools context keys left out). */
      fields: Record<string, unknown>;
    }
  | { kind: 'metrics'; metrics: { name: string; value: unknown; unit?: string }[] }
  | { kind: 'text'; text: string };

/** How a function's output is shown: readable lines (with or without the metric lines), or the raw lines. */
export interface FunctionLogFormat {
  /** `json`: every line as the function wrote it. */
  raw: boolean;
  /** Show EMF metric lines (one compact line each) instead of folding them away. */
  metrics: boolean;
}

/** Keys every Powertools line carries (or the Lambda context adds): known from the `λ` line, left out. */
const CONTEXT_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'correlation_id',
  'correlationId',
  'environment',
  'stage',
]);

/** At most this many added keys on a line, each value cut to {@link MAX_VALUE_CHARS} (an error to {@link MAX_ERROR_CHARS}). */
const MAX_FIELDS = 6;
const MAX_VALUE_CHARS = 80;
const MAX_ERROR_CHARS = 200;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one line of a function's output. */
export function parseFunctionLog(line: string): FunctionLogLine {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { kind: 'text', text: line };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { kind: 'text', text: line };
  }
  if (!isRecord(parsed)) return { kind: 'text', text: line };
  if (isRecord(parsed._aws)) return { kind: 'metrics', metrics: metricsOf(parsed) };
  if (typeof parsed.level !== 'string' || !('message' in parsed)) return { kind: 'text', text: line };
  const correlationId = parsed.correlation_id ?? parsed.correlationId;
  return {
    kind: 'log',
    level: parsed.level.toUpperCase(),
    message: typeof parsed.message === 'string' ? parsed.message : JSON.stringify(parsed.message),
    correlationId: typeof correlationId === 'string' ? correlationId : undefined,
    fields: Object.fromEntries(Object.entries(parsed).filter(([key]) => !CONTEXT_KEYS.has(key))),
  };
}

/** The metrics of an EMF line: the names its `CloudWatchMetrics` directives declare, with their values. */
function metricsOf(record: Record<string, unknown>): { name: string; value: unknown; unit?: string }[] {
  const aws = record._aws as { CloudWatchMetrics?: { Metrics?: { Name?: string; Unit?: string }[] }[] };
  return (aws.CloudWatchMetrics ?? []).flatMap((directive) =>
    (directive.Metrics ?? [])
      .filter((metric): metric is { Name: string; Unit?: string } => typeof metric.Name === 'string')
      .map((metric) => ({ name: metric.Name, value: record[metric.Name], unit: metric.Unit })),
  );
}

/** A stack frame's file, without the folders up to the package (`@aws-sdk/core/dist-cjs/...:263`). */
const shortLocation = (location: string) => location.replace(/^.*\/node_modules\//, '');

/** `key=value`, the value as it reads best: strings bare (quoted when they hold a space), errors as `Name: message @ where`, the rest JSON. */
function formatField(key: string, value: unknown): string {
  let text: string;
  let limit = MAX_VALUE_CHARS;
  if (isRecord(value) && typeof value.message === 'string' && (typeof value.name === 'string' || typeof value.stack === 'string')) {
    limit = MAX_ERROR_CHARS;
    text = `${typeof value.name === 'string' ? `${value.name}: ` : ''}${value.message}${typeof value.location === 'string' ? ` @ ${shortLocation(value.location)}` : ''}`;
  } else if (typeof value === 'string') {
    text = value;
  } else {
    text = JSON.stringify(value) ?? String(value);
  }
  if (text.length > limit) text = `${text.slice(0, limit - 1)}…`;
  return `${key}=${/\s/.test(text) && typeof value === 'string' ? JSON.stringify(text) : text}`;
}

/**
 * The line to print for one line of a function's output, or `undefined` to print nothing (a
 * metric line folded away, a blank line). Readable: `INFO  message key=value … cid=<id>`.
 */
export function formatFunctionLog(line: string, format: FunctionLogFormat): string | undefined {
  if (!line.trim()) return undefined;
  if (format.raw) return line;
  const parsed = parseFunctionLog(line);
  if (parsed.kind === 'text') return parsed.text;
  if (parsed.kind === 'metrics') {
    if (!format.metrics) return undefined;
    return `METRIC ${parsed.metrics.map(({ name, value, unit }) => `${name}=${JSON.stringify(value)}${unit ? ` ${unit}` : ''}`).join(', ')}`;
  }
  const fields = Object.entries(parsed.fields);
  const shown = fields.slice(0, MAX_FIELDS).map(([key, value]) => formatField(key, value));
  if (fields.length > MAX_FIELDS) shown.push(`(+${fields.length - MAX_FIELDS} more)`);
  return [parsed.level.padEnd(5), parsed.message, ...shown, ...(parsed.correlationId ? [`cid=${parsed.correlationId}`] : [])].join(' ');
}
