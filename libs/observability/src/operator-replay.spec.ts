import { createOperatorReplay, type OperatorReplay } from './operator-replay';

interface Input {
  readonly cursor?: string;
  readonly correlationId?: string;
}
interface Event {
  readonly type: string;
  readonly id: string;
  readonly sku: string;
}

const context = { getRemainingTimeInMillis: () => 42_000 };

const setup = (nextCursor?: string, send?: (event: Event) => Promise<void>) => {
  const logger = { info: jest.fn(), debug: jest.fn() };
  const metrics = { addMetric: jest.fn() };
  const sent: Event[] = [];
  const runs: { correlationId: string; remainingTimeMs: number }[] = [];
  const replay: OperatorReplay<Input, Event, { readonly skipped: number }, { readonly skipped: number }> = {
    parse: (event) => event as Input,
    starting: ['Replaying', (input) => ({ cursor: input.cursor })],
    eventFields: (event) => ({ sku: event.sku }),
    run: async (_input, { publish, correlationId, remainingTimeMs }) => {
      runs.push({ correlationId, remainingTimeMs: remainingTimeMs() });
      await publish({ type: 'ThingChanged', id: 'event-1', sku: 'SKU-1' });
      return {
        published: 1,
        skipped: 2,
        stoppedBy: nextCursor === undefined ? 'done' : 'time',
        ...(nextCursor !== undefined && { nextCursor }),
      };
    },
    finished: ['Replayed to the end', 'Replayed part: re-invoke with the cursor'],
    details: ({ skipped }) => ({ log: { skipped }, output: { skipped } }),
  };
  const handler = createOperatorReplay(replay, send ?? (async (event) => void sent.push(event)), { logger, metrics });
  return { logger, metrics, sent, runs, handler };
};

describe('createOperatorReplay', () => {
  it('runs the replay with an observed publish and answers with the run and its correlation id', async () => {
    const { logger, metrics, sent, runs, handler } = setup();

    const output = await handler({ cursor: 'c1', correlationId: 'replay-1' }, context);

    expect(output).toEqual({ published: 1, skipped: 2, correlationId: 'replay-1' });
    expect(runs).toEqual([{ correlationId: 'replay-1', remainingTimeMs: 42_000 }]);
    expect(sent).toEqual([{ type: 'ThingChanged', id: 'event-1', sku: 'SKU-1' }]);
    expect(metrics.addMetric).toHaveBeenCalledWith('ThingChangedRepublished', 'Count', 1);
    expect(logger.debug).toHaveBeenCalledWith('Republished ThingChanged', { eventId: 'event-1', sku: 'SKU-1' });
    expect(logger.info).toHaveBeenNthCalledWith(1, 'Replaying', { cursor: 'c1' });
    expect(logger.info).toHaveBeenNthCalledWith(2, 'Replayed to the end', {
      published: 1,
      stoppedBy: 'done',
      nextCursor: undefined,
      skipped: 2,
    });
  });

  it('answers the cursor to resume with and logs that the run is partial', async () => {
    const { logger, handler } = setup('next');

    const output = await handler({}, context);

    expect(output).toEqual({ published: 1, nextCursor: 'next', skipped: 2, correlationId: expect.any(String) });
    expect(logger.info).toHaveBeenLastCalledWith('Replayed part: re-invoke with the cursor', {
      published: 1,
      stoppedBy: 'time',
      nextCursor: 'next',
      skipped: 2,
    });
  });

  it('counts and logs nothing for an event whose publish failed', async () => {
    const { logger, metrics, handler } = setup(undefined, async () => {
      throw new Error('SNS down');
    });

    await expect(handler({}, context)).rejects.toThrow('SNS down');
    expect(metrics.addMetric).not.toHaveBeenCalled();
    expect(logger.debug).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledTimes(1);
  });
});
