import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { OrderIdSchema } from '@shop/order-contracts';
import * as z from 'zod';

import { EXECUTION_STATUS_CHANGE, STEP_FUNCTIONS_SOURCE } from './reconciler-contract';

/**
 * An execution status change of the order saga, as EventBridge delivers it (AWS's shape: dates in
 * epoch milliseconds, `stopDate` null while running). The execution is named after its order.
 */
export const SagaStatusChangeSchema = EventBridgeSchema.extend({
  source: z.literal(STEP_FUNCTIONS_SOURCE),
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
  detail: z.object({
    executionArn: z.string().min(1),
    stateMachineArn: z.string().min(1),
    name: OrderIdSchema,
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
    stopDate: z.number().nullish(),
  }),
});

/** A parsed saga status change. */
export type SagaStatusChange = z.infer<typeof SagaStatusChangeSchema>;
