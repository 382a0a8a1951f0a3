import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFunctionLog, parseFunctionLog } from './function-log';

/**
 * Lines the shop's functions wrote in a real run of the local cloud (`--function-logs json`: a
 * product created, stocked, read, put in a basket and checked out, the payment declined, the order
 * cancelled; then a read under an injected DynamoDB outage): `<function label>\t<line>`.
 */
const recorded = readFileSync(join(__dirname, '__fixtures__/recorded-function-output.tsv'), 'utf8')
  .trim()
  .split('\n')
  .map((row) => {
    const [label, line] = row.split('\t');
    return { label, line };
  });
const line = (message: string) => {
  const found = recorded.find((row) => row.line.includes(`"message":"${message}"`));
  if (!found) throw new Error(`no recorded line says ${message}`);
  return found.line;
};
const readable = { raw: false, metrics: false };

describe('function output, made readable', () => {
  it('has Powertools log lines and EMF metric lines to work on', () => {
    const kinds = recorded.map(({ line: text }) => parseFunctionLog(text).kind);
    expect(kinds.filter((kind) => kind === 'log').length).toBeGreaterThanOrEqual(10);
    expect(kinds.filter((kind) => kind === 'metrics').length).toBeGreaterThanOrEqual(10);
    expect(kinds).not.toContain('text');
  });

  it('prints a log line as level, message, the keys the function added and the correlation id, without the Lambda context keys', () => {
    expect(formatFunctionLog(line('Order placed'), readable)).toBe(
      'INFO  Order placed orderId=53f86d74-8113-4195-aaba-8dc0a24dd8ab status=PENDING saga=started cid=rec-4',
    );
    expect(formatFunctionLog(line('Price read model updated'), readable)).toBe(
      'INFO  Price read model updated eventId=12c2b1b1-eafc-590c-84f1-6123b5544c9a sku=MUG-REC change=created productVersion=1 cid=rec-1',
    );
    expect(formatFunctionLog(line('Stock reserved'), readable)).toBe(
      'INFO  Stock reserved orderId=53f86d74-8113-4195-aaba-8dc0a24dd8ab lines=[{"sku":"MUG-REC","quantity":2}] cid=rec-4',
    );
    for (const { line: text } of recorded.filter((row) => parseFunctionLog(row.line).kind === 'log')) {
      const shown = formatFunctionLog(text, readable) ?? '';
      expect(shown).toMatch(/^(INFO|WARN|ERROR|DEBUG) {0,2}\S/);
      expect(shown).toMatch(/ cid=rec-\d$/);
      expect(shown).not.toMatch(/function_arn|xray_trace_id|cold_start|sampling_rate/);
      expect(shown.length).toBeLessThan(400);
    }
  });

  it('prints an error as its name, message and where it was thrown, and quotes a value with spaces cut to 80 characters', () => {
    expect(formatFunctionLog(line('Request failed unexpectedly'), readable)).toBe(
      'ERROR Request failed unexpectedly error=InternalServerError: Internal server error @ @aws-sdk/core/dist-cjs/submodules/protocols/index.js:263 cid=rec-7',
    );
    expect(formatFunctionLog(line('Payment declined'), readable)).toBe(
      'INFO  Payment declined orderId=53f86d74-8113-4195-aaba-8dc0a24dd8ab reason="The payment of order 53f86d74-8113-4195-aaba-8dc0a24dd8ab was declined (unknown…" cid=rec-4',
    );
  });

  it('folds EMF metric lines away unless asked for, then shows them as one short line', () => {
    const metric = recorded.find(({ line: text }) => text.includes('"PriceModelUpdated"'))?.line ?? '';
    expect(parseFunctionLog(metric)).toEqual({
      kind: 'metrics',
      metrics: [
        { name: 'PriceModelUpdated', value: 1, unit: 'Count' },
        { name: 'MessagesProcessed', value: 1, unit: 'Count' },
      ],
    });
    expect(formatFunctionLog(metric, readable)).toBeUndefined();
    expect(formatFunctionLog(metric, { raw: false, metrics: true })).toBe('METRIC PriceModelUpdated=1 Count, MessagesProcessed=1 Count');
  });

  it('prints every line as it came in json mode, metric lines included', () => {
    for (const { line: text } of recorded) expect(formatFunctionLog(text, { raw: true, metrics: false })).toBe(text);
  });

  it('prints what is not a Powertools line as it is, and nothing for a blank line', () => {
    const other = [
      '2026-12-02T15:46:38.691Z\t7e0191ca\tINFO\tconsole.log from a handler',
      '{"not":"a log line"}',
      '{cut off',
      '[1, 2]',
      'plain text',
    ];
    for (const text of other) expect(formatFunctionLog(text, readable)).toBe(text);
    expect(formatFunctionLog('   ', readable)).toBeUndefined();
  });

  it('says how many keys it left out past six', () => {
    const busy = JSON.stringify({ level: 'WARN', message: 'busy', a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, correlation_id: 'c1' });
    expect(formatFunctionLog(busy, readable)).toBe('WARN  busy a=1 b=2 c=3 d=4 e=5 f=6 (+2 more) cid=c1');
  });
});
