import { PaymentNotFoundError } from './errors';
import type { Payment } from './payment';
import type { PaymentRepository } from './ports';

/** What {@link getPayment} needs. */
export interface GetPaymentDeps {
  readonly payments: Pick<PaymentRepository, 'get'>;
}

/**
 * The payment of an order.
 * @throws PaymentNotFoundError when none was ever attempted.
 */
export const getPayment = async (deps: GetPaymentDeps, orderId: string): Promise<Payment> => {
  const payment = await deps.payments.get(orderId);
  if (!payment) throw new PaymentNotFoundError(orderId);
  return payment;
};
