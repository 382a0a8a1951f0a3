import { eventEnvelopeSchema } from '@shop/domain';
import * as z from 'zod';
import { describeBreakingChange } from './compatibility';
import { resolveMessages } from './messages';
import { buildSnapshot, compareSnapshots, parseSnapshot, serializeSnapshot } from './snapshot';
import { demoProducer, PING_V1_DATA } from './testing';

const check = (before: ReturnType<typeof demoProducer>, after: ReturnType<typeof demoProducer>): string[] =>
  compareSnapshots(buildSnapshot(before), buildSnapshot(after)).map(describeBreakingChange);

describe('buildSnapshot', () => {
  it('names each message by its envelope literals and round-trips through its file', () => {
    const snapshot = buildSnapshot(demoProducer(PING_V1_DATA));
    expect(Object.keys(snapshot.messages)).toEqual(['Ping v1', 'Pong v1']);
    expect(snapshot.messages['Ping v1']).toMatchObject({ channel: 'demoEvents', type: 'Ping', version: 1 });
    expect(parseSnapshot(serializeSnapshot(snapshot))).toEqual(snapshot);
  });

  it('refuses a schema that is not an envelope, and a type and version declared twice', () => {
    const producer = demoProducer(PING_V1_DATA);
    const events = producer.channels.demoEvents;
    expect(() =>
      resolveMessages({
        ...producer,
        channels: { demoEvents: { ...events, messages: [{ schema: z.object({ a: z.string() }), summary: 'x' }] } },
      }),
    ).toThrow('demo/demoEvents: a message schema is not an event envelope');
    expect(() =>
      resolveMessages({ ...producer, channels: { demoEvents: { ...events, messages: [...events.messages, ...events.messages] } } }),
    ).toThrow('demo: Ping v1 is declared twice.');
  });
});

describe('compareSnapshots', () => {
  it('passes additive changes: a new optional field, a new enum value, a new message', () => {
    const after = demoProducer(PING_V1_DATA.extend({ status: z.enum(['A', 'B', 'C']), seenAt: z.iso.datetime().optional() }));
    const withNewMessage = {
      ...after,
      channels: {
        ...after.channels,
        extra: { ...after.channels.demoEvents, messages: [{ schema: eventEnvelopeSchema('Pang', 1, z.object({})), summary: 'Pang v1.' }] },
      },
    };
    expect(check(demoProducer(PING_V1_DATA), withNewMessage)).toEqual([]);
  });

  it('fails a breaking change in place, naming the message, the field and the rule', () => {
    expect(check(demoProducer(PING_V1_DATA), demoProducer(PING_V1_DATA.extend({ status: z.enum(['A']) })))).toEqual([
      'Ping v1, field data.status: enum value removed ("B" is no longer accepted)',
    ]);
  });

  it('passes the same change as a version bump: v1 kept as it was and v2 listed beside it', () => {
    expect(check(demoProducer(PING_V1_DATA), demoProducer(PING_V1_DATA, PING_V1_DATA.extend({ status: z.enum(['A']) })))).toEqual([]);
  });

  it('passes v1 dropped once v2 is declared (the end of a migration)', () => {
    const v2Only = demoProducer(PING_V1_DATA, PING_V1_DATA.omit({ note: true }));
    const events = v2Only.channels.demoEvents;
    const dropped = { ...v2Only, channels: { ...v2Only.channels, demoEvents: { ...events, messages: events.messages.slice(1) } } };
    expect(check(demoProducer(PING_V1_DATA), dropped)).toEqual([]);
  });

  it('fails a message dropped with no later version', () => {
    const producer = demoProducer(PING_V1_DATA);
    const without = { ...producer, channels: { demoEvents: producer.channels.demoEvents } };
    expect(check(producer, without)).toEqual([
      'Pong v1, field (the message): message removed (Pong is no longer declared at v1 or any later version)',
    ]);
  });
});
