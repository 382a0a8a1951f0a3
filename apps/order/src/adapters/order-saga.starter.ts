import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { OrderSagaInput } from '@shop/order-contracts';
import type { OrderSaga, SagaStart } from '../domain/ports';

/** Name of the error Step Functions answers when an execution of that name exists (running with another input, or closed). */
export const EXECUTION_ALREADY_EXISTS = 'ExecutionAlreadyExists';

/** Is `error` Step Functions' `ExecutionAlreadyExists` (by name, so duplicate SDK copies still match)? */
export const isExecutionAlreadyExists = (error: unknown): boolean =>
  error instanceof Error && error.name === EXECUTION_ALREADY_EXISTS;

/**
 * The {@link OrderSaga} on Step Functions: `StartExecution` of the order saga state machine with
 * the execution named after the order id. Step Functions allows one execution per name (for 90
 * days), which makes starting idempotent: the same name and input while running returns the
 * running execution, and `ExecutionAlreadyExists` (another input, or already finished) means the
 * order's saga was started before, so it counts as success too.
 */
export class SfnOrderSaga implements OrderSaga {
  /**
   * @param sfn a Step Functions client (built once per module, optionally tracer-wrapped); only `send` is used.
   * @param stateMachineArn the order saga (env `STATE_MACHINE_ARN`).
   */
  constructor(
    private readonly sfn: Pick<SFNClient, 'send'>,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: OrderSagaInput): Promise<SagaStart> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: input.orderId,
          input: JSON.stringify(input),
        }),
      );
      return 'started';
    } catch (error) {
      if (isExecutionAlreadyExists(error)) return 'already-started';
      throw error;
    }
  }
}
