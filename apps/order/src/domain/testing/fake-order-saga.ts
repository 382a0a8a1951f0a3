import type { OrderSagaInput } from '@shop/order-contracts';
import type { OrderSaga, SagaExecution, SagaStart } from '../ports';

/**
 * In-memory {@link OrderSaga}: one execution per order id, like Step Functions with the execution
 * named after the order. Test code only.
 */
export class FakeOrderSaga implements OrderSaga {
  /** Executions by name (the order id). */
  readonly executions = new Map<string, OrderSagaInput>();
  /** Every call of {@link start}, including the repeated ones. */
  readonly calls: OrderSagaInput[] = [];
  /** Makes the next calls fail with this error (then clears itself). */
  failNextWith: Error | undefined;
  /** What {@link describe} answers per order id; an execution started here and not listed is RUNNING. */
  readonly described = new Map<string, SagaExecution>();

  async start(input: OrderSagaInput): Promise<SagaStart> {
    this.calls.push(input);
    if (this.failNextWith) {
      const error = this.failNextWith;
      this.failNextWith = undefined;
      throw error;
    }
    if (this.executions.has(input.orderId)) return 'already-started';
    this.executions.set(input.orderId, input);
    return 'started';
  }

  async describe(orderId: string): Promise<SagaExecution> {
    return this.described.get(orderId) ?? { status: this.executions.has(orderId) ? 'RUNNING' : 'NOT_FOUND' };
  }
}

/** A fixed clock for tests. */
export const fixedClock = (iso: string) => ({ now: () => new Date(iso) });
