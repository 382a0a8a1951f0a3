import { PaymentNotFoundError } from './errors';
import { getPayment } from './get-payment.use-case';
import { InMemoryPaymentRepository } from './testing/in-memory-payments';
import { capturedPayment, ORDER_1, ORDER_2 } from './testing/payment-fixtures';

describe('getPayment', () => {
  it('returns the payment of the order', async () => {
    const payments = new InMemoryPaymentRepository([capturedPayment()]);
    await expect(getPayment({ payments }, ORDER_1)).resolves.toEqual(capturedPayment());
  });

  it('throws PaymentNotFoundError for an order without payment', async () => {
    await expect(getPayment({ payments: new InMemoryPaymentRepository() }, ORDER_2)).rejects.toEqual(new PaymentNotFoundError(ORDER_2));
  });
});
