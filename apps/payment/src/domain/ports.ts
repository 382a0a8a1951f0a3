import type { Money } from '@shop/domain';
import type { ChargeAttempt, Payment, PaymentState, PaymentTransition } from './payment';

/** Who asked for a write: stored on the payment, so a change can be traced to its saga execution. */
export interface WriteContext {
  /** Correlation id of the request or saga execution doing the write. */
  readonly correlationId: string;
}

/**
 * Payments per order, implemented by `adapters/payment.repository.ts` (DynamoDB). Every write is
 * conditional on the status it moves from, so concurrent or repeated calls never apply a step twice.
 */
export interface PaymentRepository {
  /** The payment of this order, or `undefined`. */
  get(orderId: string): Promise<Payment | undefined>;

  /**
   * Counts one more authorization attempt, in one conditional write with no read before it: creates
   * the payment `PENDING` (attempts 1) when the order has none, or adds one to the attempts of a
   * `PENDING` payment of the same amount. Anything else is left as it is, and returned as stored
   * (the write's condition failed), so the caller decides from it without reading the payment.
   */
  recordAttempt(attempt: ChargeAttempt, context: WriteContext): Promise<AttemptOutcome>;

  /**
   * Moves the payment from status `from` to `transition.status`, recording the transition's data.
   * @returns the payment after the move, or `undefined` when it was not in `from` (nothing written).
   */
  transition(orderId: string, from: PaymentState, transition: PaymentTransition, context: WriteContext): Promise<Payment | undefined>;
}

/** What {@link PaymentRepository.recordAttempt} did, with the order's payment as stored after it. */
export type AttemptOutcome =
  /** Counted: the payment is `PENDING` with the attempt's amount; the provider is to be asked. */
  | { readonly recorded: true; readonly payment: Payment }
  /** Nothing written: the payment is past `PENDING` or of another amount. */
  | { readonly recorded: false; readonly payment: Payment };

/** The provider's answer to an authorization. */
export type Authorization =
  { readonly outcome: 'approved'; readonly authorizationId: string } | { readonly outcome: 'declined'; readonly reason: string };

/**
 * The payment provider (simulated inside the service: `adapters/simulated-payment-provider.ts`).
 * Every call is idempotent per order at the provider, as real providers' idempotency keys make it.
 * Each method throws `PaymentProviderUnavailableError` (from `@shop/payment-contracts`) on a
 * transient failure, with nothing done.
 */
export interface PaymentProvider {
  /** Asks the provider to reserve `amount` on the token's means of payment. */
  authorize(request: { readonly orderId: string; readonly paymentToken: string; readonly amount: Money }): Promise<Authorization>;
  /** Takes the authorized money. */
  capture(request: { readonly orderId: string; readonly authorizationId: string; readonly amount: Money }): Promise<{ captureId: string }>;
  /** Gives captured money back. */
  refund(request: { readonly orderId: string; readonly captureId: string; readonly amount: Money }): Promise<{ refundId: string }>;
  /** Releases an authorization that was never captured. */
  voidAuthorization(request: { readonly orderId: string; readonly authorizationId: string }): Promise<void>;
}

/** The time source, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
