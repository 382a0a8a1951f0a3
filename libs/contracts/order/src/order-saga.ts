import * as z from 'zod/mini';
import { CorrelationIdSchema } from '@shop/domain';
import { OrderSummaryShape, PaymentTokenSchema, ShippingAddressSchema, TOTAL_MISMATCH_MESSAGE, totalMatchesLines } from './order';

/**
 * Input of one order saga execution (Step Functions `StartExecution` input, named after the order id):
 * the order as placed plus the correlation id of the checkout, which every Task passes on to its
 * participant. Task results are kept beside it under {@link ORDER_SAGA_RESULT_PATHS}.
 */
export const OrderSagaInputSchema = z
  .object({
    ...OrderSummaryShape,
    paymentToken: PaymentTokenSchema,
    shippingAddress: ShippingAddressSchema,
    placedAt: z.iso.datetime(),
    correlationId: CorrelationIdSchema,
  })
  .check(z.refine(totalMatchesLines, { error: TOTAL_MISMATCH_MESSAGE, path: ['total'] }));

/** Input of one order saga execution. */
export type OrderSagaInput = z.infer<typeof OrderSagaInputSchema>;

/**
 * Where the saga keeps each step's result in its state (Task `ResultPath`), so the order data stays
 * intact: `$.reservation` (ReserveStockResult), `$.payment` (ChargePaymentResult), `$.error` (a Catch's error).
 */
export const ORDER_SAGA_RESULT_PATHS = {
  reservation: '$.reservation',
  payment: '$.payment',
  error: '$.error',
} as const;
