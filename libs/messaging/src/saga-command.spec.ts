import { ValidationError } from '@shop/domain';
import * as z from 'zod';
import { createSagaCommand } from './saga-command';

class RefusedError extends Error {
  constructor(readonly reason: string) {
    super(`Refused: ${reason}`);
    this.name = 'RefusedError';
  }
}
class OutageError extends Error {
  override name = 'OutageError';
}

const Schema = z.strictObject({ orderId: z.string().min(1), amount: z.int() });

const setup = (run: (input: z.output<typeof Schema>) => Promise<{ done: boolean }>) => {
  const metrics: string[] = [];
  const logger = { info: jest.fn(), warn: jest.fn() };
  const command = createSagaCommand(
    {
      payload: 'Charge',
      schema: Schema,
      run,
      report: (result, input) => ({
        ...(result.done && { metric: 'Charged' }),
        message: result.done ? 'Charged' : 'Nothing to charge',
        fields: { orderId: input.orderId },
      }),
      refused: (error, input) => {
        if (error instanceof RefusedError)
          return { metric: 'Refused', message: 'Refused', fields: { orderId: input.orderId, reason: error.reason } };
        if (error instanceof OutageError)
          return { level: 'warn', metric: 'Outage', message: 'Outage; retried', fields: { orderId: input.orderId } };
        return undefined;
      },
    },
    { logger, metrics: { addMetric: (name: string) => void metrics.push(name) } },
  );
  return { command, metrics, logger };
};

describe('createSagaCommand', () => {
  it('runs the work on the parsed payload, answers its result and reports it: metric and log line', async () => {
    const run = jest.fn(async () => ({ done: true }));
    const { command, metrics, logger } = setup(run);
    await expect(command({ orderId: 'o-1', amount: 5 })).resolves.toEqual({ done: true });
    expect(run).toHaveBeenCalledWith({ orderId: 'o-1', amount: 5 });
    expect(metrics).toEqual(['Charged']);
    expect(logger.info).toHaveBeenCalledWith('Charged', { orderId: 'o-1' });
  });

  it('counts no metric when the report names none (a repeated call)', async () => {
    const { command, metrics, logger } = setup(async () => ({ done: false }));
    await command({ orderId: 'o-1', amount: 5 });
    expect(metrics).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith('Nothing to charge', { orderId: 'o-1' });
  });

  it('refuses a payload that breaks the contract with a ValidationError naming the payload, before any work', async () => {
    const run = jest.fn(async () => ({ done: true }));
    const { command, metrics } = setup(run);
    const error = await command({ orderId: '', amount: 1.5 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe('The Charge payload is not valid.');
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['orderId', 'amount']);
    expect(run).not.toHaveBeenCalled();
    expect(metrics).toEqual([]);
  });

  it('reports an expected error at its level, then throws it as it is (its name reaches the saga)', async () => {
    const refused = new RefusedError('card declined');
    const { command, metrics, logger } = setup(async () => Promise.reject(refused));
    await expect(command({ orderId: 'o-1', amount: 5 })).rejects.toBe(refused);
    expect(metrics).toEqual(['Refused']);
    expect(logger.info).toHaveBeenCalledWith('Refused', { orderId: 'o-1', reason: 'card declined' });

    const outage = setup(async () => Promise.reject(new OutageError('down')));
    await expect(outage.command({ orderId: 'o-2', amount: 5 })).rejects.toBeInstanceOf(OutageError);
    expect(outage.metrics).toEqual(['Outage']);
    expect(outage.logger.warn).toHaveBeenCalledWith('Outage; retried', { orderId: 'o-2' });
    expect(outage.logger.info).not.toHaveBeenCalled();
  });

  it('throws any other error unreported', async () => {
    const boom = new Error('boom');
    const { command, metrics, logger } = setup(async () => Promise.reject(boom));
    await expect(command({ orderId: 'o-1', amount: 5 })).rejects.toBe(boom);
    expect(metrics).toEqual([]);
    expect(logger.info).not.toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
