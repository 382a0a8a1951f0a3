import { OrderIdSchema } from '@shop/order-contracts';
import * as z from 'zod/mini';

import { EXECUTION_STATUS_CHANGE, STEP_FUNCTIONS_SOURCE } from './reconciler-contract';

/**
 * The envelope of every EventBridge event (AWS's documented shape, as Powertools' `EventBridgeSchema`
 * has it). Written out here because importing Powertools' schema pulls zod's whole `z` namespace
 * into the bundle (300 KB more than this function's budget allows).
 */
const EventBridgeEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});

/**
 * An execution status change of the order saga, as EventBridge delivers it (AWS's shape: dates in
 * epoch milliseconds, `stopDate` null while running). The execution is named after its order.
 */
export const SagaStatusChangeSchema = z.extend(EventBridgeEnvelopeSchema, {
  source: z.literal(STEP_FUNCTIONS_SOURCE),
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
  detail: z.object({
    executionArn: z.string().check(z.minLength(1)),
    stateMachineArn: z.string().check(z.minLength(1)),
    name: OrderIdSchema,
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
    stopDate: z.nullish(z.number()),
  }),
});

/** A parsed saga status change. */
export type SagaStatusChange = z.infer<typeof SagaStatusChangeSchema>;
