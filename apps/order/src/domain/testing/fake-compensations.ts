import type { CompensationResult, SagaCompensations } from '../ports';

/** One call of a {@link FakeCompensations}. */
export interface CompensationCall {
  readonly name: 'RefundPayment' | 'ReleaseStock';
  readonly orderId: string;
  readonly correlationId: string;
}

/**
 * In-memory {@link SagaCompensations} that behaves like payment and inventory: a charge or a
 * reservation is undone once (a repeat is a no-op), and each compensation can be told to fail.
 * Test code only.
 */
export class FakeCompensations implements SagaCompensations {
  /** Orders charged and not refunded. */
  readonly charged = new Set<string>();
  /** Orders with stock reserved and not released. */
  readonly reserved = new Set<string>();
  readonly calls: CompensationCall[] = [];
  /** Errors each compensation throws, in turn, before it succeeds (an Error repeated forever: `always`). */
  readonly failures: { RefundPayment: Error[]; ReleaseStock: Error[] } = { RefundPayment: [], ReleaseStock: [] };
  always: { RefundPayment?: Error; ReleaseStock?: Error } = {};

  /** An order the saga charged and reserved for. */
  holding(orderId: string): this {
    this.charged.add(orderId);
    this.reserved.add(orderId);
    return this;
  }

  async refundPayment(orderId: string, correlationId: string): Promise<CompensationResult> {
    this.record('RefundPayment', orderId, correlationId);
    return { undone: this.charged.delete(orderId) };
  }

  async releaseStock(orderId: string, correlationId: string): Promise<CompensationResult> {
    this.record('ReleaseStock', orderId, correlationId);
    return { undone: this.reserved.delete(orderId) };
  }

  private record(name: CompensationCall['name'], orderId: string, correlationId: string): void {
    this.calls.push({ name, orderId, correlationId });
    const failure = this.always[name] ?? this.failures[name].shift();
    if (failure) throw failure;
  }
}

/** An error with a given name, as a participant reports it. */
export const namedError = (name: string): Error => Object.assign(new Error(`${name} (simulated)`), { name });
