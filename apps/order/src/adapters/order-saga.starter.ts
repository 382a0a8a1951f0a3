import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { OrderSagaInput } from '@shop/order-contracts';
import type { OrderSaga, SagaExecution, SagaExecutionStatus, SagaStart } from '../domain/ports';

/** Name of the error Step Functions answers when an execution of that name exists (running with another input, or closed). */
export const EXECUTION_ALREADY_EXISTS = 'ExecutionAlreadyExists';

/** Is `error` Step Functions' `ExecutionAlreadyExists` (by name, so duplicate SDK copies still match)? */
export const isExecutionAlreadyExists = (error: unknown): boolean => error instanceof Error && error.name === EXECUTION_ALREADY_EXISTS;

/** Name of the error Step Functions answers when no execution has that ARN (never started, or expired after 90 days). */
export const EXECUTION_DOES_NOT_EXIST = 'ExecutionDoesNotExist';

const KNOWN_STATUSES: ReadonlySet<string> = new Set<SagaExecutionStatus>([
  'RUNNING',
  'PENDING_REDRIVE',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
]);

/**
 * The ARN of the execution named `name` of a state machine:
 * `arn:<partition>:states:<region>:<account>:stateMachine:<machine>` → `...:execution:<machine>:<name>`.
 */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(/:stateMachine:/, ':execution:')}:${name}`;

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
   * @param stateMachineArn the order saga (env `STATE_MACHINE_ARN`); the role needs `states:StartExecution`
   *   on it to start, `states:DescribeExecution` on its executions to describe.
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

  /**
   * `DescribeExecution` of the execution named after the order. `ExecutionDoesNotExist` is
   * `NOT_FOUND`: the saga was never started (the intake stopped between the order and the start) or
   * its record has expired. A status Step Functions may add later counts as `RUNNING`, so nothing
   * is reconciled on a guess.
   */
  async describe(orderId: string): Promise<SagaExecution> {
    try {
      const executionArn = executionArnOf(this.stateMachineArn, orderId);
      const { status, stopDate } = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      const known = status !== undefined && KNOWN_STATUSES.has(status) ? (status as SagaExecutionStatus) : 'RUNNING';
      return stopDate === undefined ? { status: known } : { status: known, stoppedAt: stopDate };
    } catch (error) {
      if (error instanceof Error && error.name === EXECUTION_DOES_NOT_EXIST) return { status: 'NOT_FOUND' };
      throw error;
    }
  }
}
