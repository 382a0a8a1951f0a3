import type { EventTargetDef } from '../assembly/model';

/** What a rule hands its target, as EventBridge shapes it: the event, a constant, a part of the event, or a template. */
export interface TargetInputContext {
  ruleArn: string;
  ruleName: string;
  /** When the event was accepted (epoch ms): `<aws.events.event.ingestion-time>`. */
  ingestionTime: number;
}

/**
 * The text a target receives for one event: `Input` (constant JSON text), `InputPath` (a part of
 * the event), `InputTransformer` (InputPathsMap + InputTemplate, with the reserved variables
 * `aws.events.rule-arn`, `aws.events.rule-name`, `aws.events.event.ingestion-time`,
 * `aws.events.event` and `aws.events.event.json`), else the whole event as JSON.
 */
export function targetInput(
  target: Pick<EventTargetDef, 'input' | 'inputPath' | 'inputTransformer'>,
  event: Record<string, unknown>,
  context: TargetInputContext,
): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(jsonPath(event, target.inputPath) ?? null);
  if (!target.inputTransformer) return JSON.stringify(event);
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(target.inputTransformer.inputPathsMap)) values.set(name, jsonPath(event, path));
  values.set('aws.events.rule-arn', context.ruleArn);
  values.set('aws.events.rule-name', context.ruleName);
  values.set('aws.events.event.ingestion-time', new Date(context.ingestionTime).toISOString());
  values.set('aws.events.event', event);
  values.set('aws.events.event.json', event);
  return fillTemplate(target.inputTransformer.inputTemplate, values);
}

/**
 * Replaces `<name>` placeholders. Inside a JSON string literal a value goes in as string content
 * (escaped); elsewhere in a JSON template as JSON; in a plain-text template as text. A path the
 * event lacks gives `null` in JSON and nothing in text.
 */
function fillTemplate(template: string, values: Map<string, unknown>): string {
  const json = /^\s*[[{"]/.test(template);
  let out = '';
  let inString = false;
  for (let index = 0; index < template.length; index++) {
    const char = template[index];
    if (char === '\\' && inString) {
      out += char + (template[index + 1] ?? '');
      index++;
      continue;
    }
    if (char === '"') inString = !inString;
    if (char === '<') {
      const end = template.indexOf('>', index);
      const name = end > index ? template.slice(index + 1, end) : '';
      if (values.has(name)) {
        const value = values.get(name);
        if (!json) out += value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
        else if (inString)
          out += value === undefined ? '' : JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value)).slice(1, -1);
        else out += value === undefined ? 'null' : JSON.stringify(value);
        index = end;
        continue;
      }
    }
    out += char;
  }
  return out;
}

/** The JSONPath subset EventBridge takes: `$`, `.name` (hyphens allowed), `['name']`, `[index]`. */
export function jsonPath(document: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  const segments = path.slice(1).match(/\.[^.[\]]+|\[\d+\]|\['[^']*'\]|\["[^"]*"\]/g) ?? [];
  if (segments.join('') !== path.slice(1)) return undefined;
  let current: unknown = document;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = segment.startsWith('.')
      ? segment.slice(1)
      : /^\[\d+\]$/.test(segment)
        ? Number(segment.slice(1, -1))
        : segment.slice(2, -2);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
