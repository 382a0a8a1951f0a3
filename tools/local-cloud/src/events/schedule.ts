import awsCron from 'aws-cron-parser';

/** A schedule expression EventBridge would refuse (PutRule answers `ValidationException`). */
export class ScheduleExpressionError extends Error {
  constructor(expression: string, reason: string) {
    super(`Parameter ScheduleExpression is not valid: ${expression} (${reason})`);
    this.name = 'ValidationException';
  }
}

/** When a scheduled rule fires. */
export interface Schedule {
  expression: string;
  /** The first firing strictly after `afterMs` (epoch ms); undefined when the schedule never fires again. */
  nextAfter(afterMs: number): number | undefined;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Parses an EventBridge schedule expression: `rate(<n> minute|minutes|hour|hours|day|days)` or
 * `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)` in UTC, with AWS's rules
 * (one of the two day fields is `?`, days of the week 1-7 = SUN-SAT, `L`, `W`, `#`). A rate
 * fires every period from `anchorMs` (the moment the rule was created), as EventBridge does.
 */
export function parseSchedule(expression: string, anchorMs: number): Schedule {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2].replace(/s$/, '');
    if (value < 1) throw new ScheduleExpressionError(expression, 'the rate must be a positive whole number');
    if ((value === 1) !== (rate[2] === unit)) throw new ScheduleExpressionError(expression, `use "${unit}" for 1 and "${unit}s" for more`);
    const periodMs = value * UNIT_MS[unit];
    return { expression, nextAfter: (afterMs) => anchorMs + (Math.floor(Math.max(0, afterMs - anchorMs) / periodMs) + 1) * periodMs };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron) throw new ScheduleExpressionError(expression, 'expected rate(...) or cron(...)');
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6)
    throw new ScheduleExpressionError(expression, 'cron takes six fields: minutes hours day-of-month month day-of-week year');
  if (!fields.every((field) => /^[0-9A-Za-z,\-*/?#]+$/.test(field))) throw new ScheduleExpressionError(expression, 'unexpected characters');
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?'))
    throw new ScheduleExpressionError(expression, 'exactly one of day-of-month and day-of-week must be ?');
  if (fields.some((field, index) => field.includes('?') && index !== 2 && index !== 4))
    throw new ScheduleExpressionError(expression, '? is only for the day fields');
  let parsed: ReturnType<typeof awsCron.parse>;
  try {
    parsed = awsCron.parse(fields.join(' '));
  } catch (error) {
    throw new ScheduleExpressionError(expression, (error as Error).message);
  }
  const values = Object.values(parsed).flat();
  if (values.some((value) => value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value)))) {
    throw new ScheduleExpressionError(expression, 'a field is not understood');
  }
  return {
    expression,
    nextAfter: (afterMs) => {
      // The parser answers the next minute after `from`: from the minute `afterMs` falls in.
      const next = awsCron.next(parsed, new Date(Math.floor(afterMs / 60_000) * 60_000));
      return next ? next.getTime() : undefined;
    },
  };
}
