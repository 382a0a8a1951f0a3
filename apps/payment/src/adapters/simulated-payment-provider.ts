import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Money } from '@shop/domain';
import { compositeKey, type DocumentClient } from '@shop/dynamodb';
import { PaymentProviderUnavailableError } from '../domain/errors';
import type { Authorization, Clock, PaymentProvider } from '../domain/ports';
import type { FailureTokens } from './failure-tokens';

/** Decline reason of a failure token where failure tokens are disabled. */
export const TEST_TOKEN_REFUSED = 'test_token_refused';

/** Test tokens the simulated provider understands. */
export const TEST_TOKENS = {
  /** Approved. */
  approve: 'tok_approve',
  /** Declined (`card_declined`). */
  decline: 'tok_decline',
} as const;

/** `tok_transient_<n>`: the first n authorizations of an order fail transiently, then it is approved. */
export const TRANSIENT_TOKEN = /^tok_transient_(\d{1,2})$/;

/** How long the simulator remembers an order's failure count (DynamoDB TTL on `expiresAt`). */
const COUNTER_TTL_SECONDS = 24 * 60 * 60;

/** The key of the simulator's failure counter of an order. */
export const failureCounterKey = (orderId: string) => ({ pk: compositeKey('SIMULATOR', orderId), sk: 'TRANSIENT_FAILURES' });

/**
 * The payment provider, simulated inside the service behind the {@link PaymentProvider} port
 * (swap in a real provider's adapter without touching the domain):
 * - `tok_approve` is approved, `tok_decline` declined (`card_declined`), any other token declined
 *   (`unknown_token`);
 * - `tok_transient_<n>` fails transiently (`PaymentProviderUnavailableError`) the first n times it
 *   is authorized for an order, then is approved. The count lives in the service table (one item
 *   per order, expiring after a day) so it survives across Lambda invocations and instances.
 *   Only where failure tokens are `enabled`: elsewhere (prod) it is declined (`test_token_refused`)
 *   without a count, so a customer cannot make the saga retry and end in NEEDS_ATTENTION.
 * Ids are derived from the order id, so repeated calls are idempotent, as a real provider's
 * idempotency keys would make them; capture, refund and void always succeed.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  /**
   * @param docClient a document client, built once per module.
   * @param tableName the payment table, which also holds the simulator's counters.
   * @param clock for the counters' expiry.
   * @param failureTokens whether `tok_transient_<n>` works (see {@link FailureTokens}). @default 'disabled'
   * (refused, as in prod): only a stage that says so makes the provider fail on purpose.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    private readonly failureTokens: FailureTokens = 'disabled',
  ) {}

  async authorize(request: { orderId: string; paymentToken: string; amount: Money }): Promise<Authorization> {
    const { orderId, paymentToken } = request;
    const approved: Authorization = { outcome: 'approved', authorizationId: `auth_${orderId}` };
    if (paymentToken === TEST_TOKENS.approve) return approved;
    if (paymentToken === TEST_TOKENS.decline) return { outcome: 'declined', reason: 'card_declined' };
    const transient = TRANSIENT_TOKEN.exec(paymentToken);
    if (!transient) return { outcome: 'declined', reason: 'unknown_token' };
    if (this.failureTokens === 'disabled') return { outcome: 'declined', reason: TEST_TOKEN_REFUSED };

    const failuresWanted = Number(transient[1]);
    const attempt = await this.countAttempt(orderId);
    if (attempt <= failuresWanted) {
      throw new PaymentProviderUnavailableError(`The payment provider is unavailable (simulated failure ${attempt} of ${failuresWanted}).`);
    }
    return approved;
  }

  async capture(request: { orderId: string }): Promise<{ captureId: string }> {
    return { captureId: `cap_${request.orderId}` };
  }

  async refund(request: { orderId: string }): Promise<{ refundId: string }> {
    return { refundId: `ref_${request.orderId}` };
  }

  async voidAuthorization(): Promise<void> {
    // Nothing to release at the simulator: an authorization holds no money.
  }

  /** Adds one to the order's authorization count (atomic) and returns the new count. */
  private async countAttempt(orderId: string): Promise<number> {
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + COUNTER_TTL_SECONDS;
    const { Attributes } = await this.docClient.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: failureCounterKey(orderId),
        UpdateExpression: 'ADD #attempts :one SET #expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#attempts': 'attempts', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': expiresAt },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.attempts ?? 1);
  }
}
