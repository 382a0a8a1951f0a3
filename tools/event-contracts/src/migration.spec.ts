import { createEnvelope, eventEnvelopeSchema } from '@shop/domain';
import * as z from 'zod';

// How a consumer serves two versions of an event during a migration (libs/contracts/README.md,
// "Changing an event"): the versions as one option of its discriminated union on `type`.
const PingV1 = eventEnvelopeSchema('Ping', 1, z.object({ note: z.string() }));
const PingV2 = eventEnvelopeSchema('Ping', 2, z.object({ notes: z.array(z.string()) }));
const Pong = eventEnvelopeSchema('Pong', 1, z.object({}));

const envelope = (type: string, version: number, data: unknown) =>
  createEnvelope({ type, version, source: 'test', correlationId: 'c-1', data });

describe('serving v1 and v2 of an event', () => {
  const consumerSchema = z.discriminatedUnion('type', [z.discriminatedUnion('version', [PingV1, PingV2]), Pong]);

  it('parses v1 and v2 (each with its own payload) and the other types of the queue', () => {
    expect(consumerSchema.safeParse(envelope('Ping', 1, { note: 'a' })).success).toBe(true);
    expect(consumerSchema.safeParse(envelope('Ping', 2, { notes: ['a'] })).success).toBe(true);
    expect(consumerSchema.safeParse(envelope('Pong', 1, {})).success).toBe(true);
  });

  it('rejects a version it does not know, and a payload of the other version', () => {
    expect(consumerSchema.safeParse(envelope('Ping', 3, { notes: [] })).success).toBe(false);
    expect(consumerSchema.safeParse(envelope('Ping', 2, { note: 'a' })).success).toBe(false);
  });

  it('a plain union of the versions is refused inside a discriminated union on type', () => {
    // @ts-expect-error zod refuses it in its types too: a plain union is no discriminable option.
    const plain = z.discriminatedUnion('type', [z.union([PingV1, PingV2]), Pong]);
    expect(() => plain.parse(envelope('Pong', 1, {}))).toThrow('Invalid discriminated union option');
  });
});
