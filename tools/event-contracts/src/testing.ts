import { eventEnvelopeSchema, type ProducerContracts } from '@shop/domain';
import * as z from 'zod';

/** `Ping` v1's payload, the crafted producer's first message. */
export const PING_V1_DATA = z.object({ id: z.string(), status: z.enum(['A', 'B']), note: z.string().optional() });

/**
 * A crafted producer `demo` with one topic carrying the given `Ping` payloads (one message per
 * version, v1 first) and one command queue carrying `Pong` v1.
 */
export const demoProducer = (...pings: readonly z.core.$ZodType[]): ProducerContracts => ({
  service: 'demo',
  description: 'A crafted producer for the tests.',
  channels: {
    demoEvents: {
      kind: 'sns-topic',
      address: '/shop/{stage}/demo/topic-arn',
      description: 'The demo topic.',
      action: 'send',
      messages: pings.map((data, index) => ({
        schema: eventEnvelopeSchema('Ping', index + 1, data),
        summary: `Ping v${index + 1}.`,
        attributes: { status: 'The payload `data.status`.' },
      })),
    },
    demoIntake: {
      kind: 'sqs-queue',
      address: '/shop/{stage}/demo/intake-queue-url',
      description: 'The demo intake queue.',
      action: 'receive',
      messages: [{ schema: eventEnvelopeSchema('Pong', 1, z.object({ id: z.string() })), summary: 'Pong v1.' }],
    },
  },
});
