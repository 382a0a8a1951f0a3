import * as z from 'zod';
import { AnyEventEnvelopeSchema, createEnvelope, eventEnvelopeSchema } from './envelope';

const PingSchema = eventEnvelopeSchema('Ping', 2, z.object({ n: z.int() }));

describe('event envelope', () => {
  it('wraps a payload with the given id and time', () => {
    const event = createEnvelope({
      type: 'Ping',
      version: 2,
      source: 'test',
      correlationId: 'corr-1',
      data: { n: 1 },
      id: '3f1b7a52-3c1e-4c7e-9a55-0f7a4a6a1e11',
      time: '2025-01-02T00:00:01.000Z',
    });
    expect(event).toEqual({
      id: '3f1b7a52-3c1e-4c7e-9a55-0f7a4a6a1e11',
      type: 'Ping',
      version: 2,
      source: 'test',
      time: '2025-01-02T00:00:01.000Z',
      correlationId: 'corr-1',
      data: { n: 1 },
    });
    expect(PingSchema.parse(event)).toEqual(event);
  });

  it('defaults the id to a UUID and the time to now', () => {
    const event = createEnvelope({ type: 'Ping', version: 2, source: 'test', correlationId: 'corr-1', data: { n: 1 } });
    expect(AnyEventEnvelopeSchema.safeParse(event).success).toBe(true);
    expect(Date.now() - Date.parse(event.time)).toBeLessThan(5_000);
  });

  it('rejects another type, another version or a bad payload', () => {
    const event = createEnvelope({ type: 'Ping', version: 2, source: 'test', correlationId: 'corr-1', data: { n: 1 } });
    expect(PingSchema.safeParse({ ...event, type: 'Pong' }).success).toBe(false);
    expect(PingSchema.safeParse({ ...event, version: 1 }).success).toBe(false);
    expect(PingSchema.safeParse({ ...event, data: { n: 'one' } }).success).toBe(false);
  });
});
