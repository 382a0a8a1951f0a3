import type { Money } from '@shop/domain';
import { PaymentProviderUnavailableError } from '../errors';
import { sameMoney, transitionTime, type ChargeAttempt, type Payment, type PaymentState, type PaymentTransition } from '../payment';
import type { AttemptOutcome, Authorization, PaymentProvider, PaymentRepository, WriteContext } from '../ports';

/**
 * In-memory {@link PaymentRepository} for unit tests: the DynamoDB adapter's contract (attempts
 * counted only while there is no payment or a PENDING one of the same amount, the stored payment
 * returned when that condition fails, transitions conditional on the current status) without a
 * database. Records each call, one DynamoDB round trip each, in {@link calls}. Test code only.
 */
export class InMemoryPaymentRepository implements PaymentRepository {
  readonly items = new Map<string, Payment>();
  /** Correlation id of the last write of each order's payment. */
  readonly writtenBy = new Map<string, string>();
  /** The calls made, in order: `get`, `recordAttempt` or `transition <from>-><to>`. */
  readonly calls: string[] = [];

  constructor(seed: readonly Payment[] = []) {
    for (const payment of seed) this.items.set(payment.orderId, payment);
  }

  async get(orderId: string): Promise<Payment | undefined> {
    this.calls.push('get');
    return this.items.get(orderId);
  }

  async recordAttempt(attempt: ChargeAttempt, context: WriteContext): Promise<AttemptOutcome> {
    this.calls.push('recordAttempt');
    const stored = this.items.get(attempt.orderId);
    if (stored && (stored.status !== 'PENDING' || !sameMoney(stored.amount, attempt.amount))) return { recorded: false, payment: stored };
    const { at, ...identity } = attempt;
    const payment: Payment = stored
      ? { ...stored, attempts: stored.attempts + 1, updatedAt: at }
      : { ...identity, status: 'PENDING', attempts: 1, createdAt: at, updatedAt: at };
    this.items.set(attempt.orderId, payment);
    this.writtenBy.set(attempt.orderId, context.correlationId);
    return { recorded: true, payment };
  }

  async transition(
    orderId: string,
    from: PaymentState,
    transition: PaymentTransition,
    context: WriteContext,
  ): Promise<Payment | undefined> {
    this.calls.push(`transition ${from}->${transition.status}`);
    const stored = this.items.get(orderId);
    if (stored?.status !== from) return undefined;
    const payment: Payment = { ...stored, ...transition, updatedAt: transitionTime(transition) };
    this.items.set(orderId, payment);
    this.writtenBy.set(orderId, context.correlationId);
    return payment;
  }
}

/**
 * A scripted {@link PaymentProvider} for unit tests: approves, declines, or fails transiently a
 * given number of times, and records every call. Test code only.
 */
export class FakePaymentProvider implements PaymentProvider {
  readonly calls: string[] = [];
  private failuresLeft: number;

  constructor(
    private readonly answer: 'approve' | 'decline' = 'approve',
    transientFailures = 0,
  ) {
    this.failuresLeft = transientFailures;
  }

  async authorize(request: { orderId: string; paymentToken: string; amount: Money }): Promise<Authorization> {
    this.calls.push(`authorize ${request.orderId} ${request.paymentToken} ${request.amount.amount}`);
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new PaymentProviderUnavailableError('The provider timed out.');
    }
    return this.answer === 'approve'
      ? { outcome: 'approved', authorizationId: `auth-${request.orderId}` }
      : { outcome: 'declined', reason: 'card_declined' };
  }

  async capture(request: { orderId: string; authorizationId: string }): Promise<{ captureId: string }> {
    this.calls.push(`capture ${request.authorizationId}`);
    return { captureId: `cap-${request.orderId}` };
  }

  async refund(request: { orderId: string; captureId: string }): Promise<{ refundId: string }> {
    this.calls.push(`refund ${request.captureId}`);
    return { refundId: `ref-${request.orderId}` };
  }

  async voidAuthorization(request: { authorizationId: string }): Promise<void> {
    this.calls.push(`void ${request.authorizationId}`);
  }
}

/** A fixed clock for tests. */
export const fixedClock = (iso: string) => ({ now: () => new Date(iso) });
