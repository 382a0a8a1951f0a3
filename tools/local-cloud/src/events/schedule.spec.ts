import { parseSchedule, ScheduleExpressionError } from './schedule';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The next `count` firings after `from`. */
function firings(expression: string, from: string, count: number, anchor = from): (string | undefined)[] {
  const schedule = parseSchedule(expression, at(anchor));
  const out: (string | undefined)[] = [];
  let cursor: number | undefined = at(from);
  for (let index = 0; index < count && cursor !== undefined; index++) {
    cursor = schedule.nextAfter(cursor);
    out.push(iso(cursor));
  }
  return out;
}

describe('parseSchedule', () => {
  it.each([
    ['rate(1 minute)', ['2025-03-01T10:08:30.000Z', '2025-03-01T10:09:30.000Z']],
    ['rate(5 minutes)', ['2025-03-01T10:12:30.000Z', '2025-03-01T10:17:30.000Z']],
    ['rate(2 hours)', ['2025-03-01T12:07:30.000Z', '2025-03-01T14:07:30.000Z']],
    ['rate(1 day)', ['2025-03-02T10:07:30.000Z', '2025-03-03T10:07:30.000Z']],
  ])('%s fires every period from the moment the rule was created', (expression, expected) => {
    expect(firings(expression, '2025-03-01T10:07:30Z', 2)).toEqual(expected);
  });

  it('keeps a rate on its grid when asked from between two firings', () => {
    expect(iso(parseSchedule('rate(5 minutes)', at('2025-03-01T10:00:00Z')).nextAfter(at('2025-03-01T10:11:00Z')))).toBe(
      '2025-03-01T10:15:00.000Z',
    );
  });

  it.each([
    // The examples of the EventBridge user guide (schedule expressions for rules).
    ['cron(0 10 * * ? *)', 'every day at 10:00 UTC', ['2025-03-02T10:00:00.000Z', '2025-03-03T10:00:00.000Z']],
    ['cron(15 12 * * ? *)', 'every day at 12:15', ['2025-03-01T12:15:00.000Z', '2025-03-02T12:15:00.000Z']],
    [
      'cron(0 18 ? * MON-FRI *)',
      'weekdays at 18:00 (1 March 2025 is a Saturday)',
      ['2025-03-03T18:00:00.000Z', '2025-03-04T18:00:00.000Z'],
    ],
    ['cron(0 8 1 * ? *)', 'the first of every month at 8:00', ['2025-04-01T08:00:00.000Z', '2025-05-01T08:00:00.000Z']],
    ['cron(0/15 * * * ? *)', 'every 15 minutes', ['2025-03-01T10:15:00.000Z', '2025-03-01T10:30:00.000Z']],
    ['cron(0/10 * ? * MON-FRI *)', 'every 10 minutes on weekdays', ['2025-03-03T00:00:00.000Z', '2025-03-03T00:10:00.000Z']],
    [
      'cron(0/5 8-17 ? * MON-FRI *)',
      'every 5 minutes between 8:00 and 17:55 on weekdays',
      ['2025-03-03T08:00:00.000Z', '2025-03-03T08:05:00.000Z'],
    ],
    [
      'cron(0 9 ? * 2#1 *)',
      'the first Monday of each month at 9:00 (days of the week start at 1 = SUN)',
      ['2025-03-03T09:00:00.000Z', '2025-04-07T09:00:00.000Z'],
    ],
    ['cron(0 10 L * ? *)', 'the last day of the month', ['2025-03-31T10:00:00.000Z', '2025-04-30T10:00:00.000Z']],
    [
      'cron(0 9 15W * ? *)',
      'the weekday nearest the 15th (15 March 2025 is a Saturday)',
      ['2025-03-14T09:00:00.000Z', '2025-04-15T09:00:00.000Z'],
    ],
    ['cron(* * * * ? *)', 'every minute, on the minute', ['2025-03-01T10:08:00.000Z', '2025-03-01T10:09:00.000Z']],
  ])('%s: %s', (expression, _what, expected) => {
    expect(firings(expression, '2025-03-01T10:07:30Z', 2)).toEqual(expected);
  });

  it('answers undefined once a cron schedule has no future firing', () => {
    expect(firings('cron(0 0 1 1 ? 2024)', '2025-03-01T10:07:30Z', 1)).toEqual([undefined]);
  });

  it.each([
    'rate(0 minutes)',
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(5 seconds)',
    'every 5 minutes',
    'cron(0 12 * * * *)',
    'cron(0 12 ? * ? *)',
    'cron(0 12 * *)',
    'cron(61 * * * ? *)',
    'cron(0 12 ? * MON-FRI * extra)',
    'cron(0 ? * * ? *)',
    'cron(a b c d ? f)',
  ])('refuses %s', (expression) => {
    expect(() => parseSchedule(expression, 0)).toThrow(ScheduleExpressionError);
  });
});
