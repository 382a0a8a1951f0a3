import { retrierBackoffSeconds, taskWorstCase, UnboundedDefinitionError, worstCase, type AslDefinition } from './saga-worst-case';

const task = (timeoutSeconds: number | undefined, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  ...(timeoutSeconds === undefined ? {} : { TimeoutSeconds: timeoutSeconds }),
  ...extra,
});

describe('retrierBackoffSeconds', () => {
  it('sums IntervalSeconds × BackoffRate^n over MaxAttempts, each wait capped at MaxDelaySeconds', () => {
    const retrier = { ErrorEquals: ['X'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 20 };
    expect(retrierBackoffSeconds(retrier)).toBe(1 + 2 + 4 + 8 + 16 + 20);
  });

  it('applies the ASL defaults: interval 1 s, rate 2, 3 attempts, no cap', () => {
    expect(retrierBackoffSeconds({ ErrorEquals: ['X'] })).toBe(1 + 2 + 4);
  });

  it('counts nothing for a retrier that never retries', () => {
    expect(retrierBackoffSeconds({ ErrorEquals: ['X'], MaxAttempts: 0 })).toBe(0);
  });
});

describe('taskWorstCase', () => {
  it('adds up the attempts of every retrier, each at the full timeout, plus their backoff', () => {
    const step = taskWorstCase(
      'T',
      task(20, {
        Retry: [
          { ErrorEquals: ['Business'], MaxAttempts: 0 },
          { ErrorEquals: ['Transient'], MaxAttempts: 3 },
          { ErrorEquals: ['States.ALL'], MaxAttempts: 2 },
        ],
      }),
    );
    expect(step).toEqual({ state: 'T', attempts: 6, timeoutSeconds: 20, backoffSeconds: 7 + 3, seconds: 6 * 20 + 10 });
  });

  it('refuses a Task without a timeout: it could wait forever', () => {
    expect(() => taskWorstCase('T', task(undefined))).toThrow(UnboundedDefinitionError);
  });
});

describe('worstCase', () => {
  it('takes the longest of Next, every Catch and every Choice branch', () => {
    const definition: AslDefinition = {
      StartAt: 'A',
      States: {
        A: task(10, { Next: 'Short', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Pick' }] }),
        Short: { Type: 'Succeed' },
        Pick: { Type: 'Choice', Choices: [{ Next: 'Long' }], Default: 'Shorter' },
        Long: task(100, { Next: 'Done' }),
        Shorter: task(50, { End: true }),
        Done: { Type: 'Fail' },
      },
    };
    const longest = worstCase(definition);
    expect(longest.path).toEqual(['A', 'Pick', 'Long', 'Done']);
    expect(longest.seconds).toBe(110);
    expect(longest.tasks.map((step) => step.state)).toEqual(['A', 'Long']);
  });

  it('refuses a loop, which no walk can bound', () => {
    const definition: AslDefinition = { StartAt: 'A', States: { A: task(1, { Next: 'B' }), B: task(1, { Next: 'A' }) } };
    expect(() => worstCase(definition)).toThrow('loops through A');
  });

  it('refuses a transition to a state that does not exist', () => {
    expect(() => worstCase({ StartAt: 'A', States: { A: task(1, { Next: 'Nowhere' }) } })).toThrow(UnboundedDefinitionError);
  });

  it('refuses states it does not walk (Wait, Map, Parallel)', () => {
    expect(() => worstCase({ StartAt: 'W', States: { W: { Type: 'Wait', End: true } } })).toThrow('Wait state W is not walked');
  });
});
