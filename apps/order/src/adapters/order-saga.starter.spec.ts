import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { sagaInputOf } from '../domain/place-order.use-case';
import { ORDER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { executionArnOf, SfnOrderSaga } from './order-saga.starter';

const sfn = mockClient(SFNClient);
const stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:order-saga';
const saga = new SfnOrderSaga(new SFNClient({ region: 'eu-west-1' }), stateMachineArn);
const input = sagaInputOf(pendingOrder(), 'tok_approve', 'corr-1');

beforeEach(() => {
  sfn.reset();
});

describe('SfnOrderSaga', () => {
  it('starts an execution named after the order with the saga input as JSON', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });

    await expect(saga.start(input)).resolves.toBe('started');
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn,
      name: ORDER_ID,
      input: JSON.stringify(input),
    });
  });

  it('treats ExecutionAlreadyExists as an execution started before', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    await expect(saga.start(input)).resolves.toBe('already-started');
  });

  it('lets every other failure through, so the command is retried', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    sfn.on(StartExecutionCommand).rejects(throttled);
    await expect(saga.start(input)).rejects.toThrow('Rate exceeded');
  });
});

describe('SfnOrderSaga.describe', () => {
  const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:order-saga:${ORDER_ID}`;

  it('describes the execution named after the order', async () => {
    const stopDate = new Date('2025-03-01T10:30:00.000Z');
    sfn.on(DescribeExecutionCommand).resolves({ status: 'TIMED_OUT', stopDate, executionArn, stateMachineArn, startDate: new Date() });

    await expect(saga.describe(ORDER_ID)).resolves.toEqual({ status: 'TIMED_OUT', stoppedAt: stopDate });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn });
    expect(executionArnOf(stateMachineArn, ORDER_ID)).toBe(executionArn);
  });

  it('answers NOT_FOUND when Step Functions has no such execution', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    await expect(saga.describe(ORDER_ID)).resolves.toEqual({ status: 'NOT_FOUND' });
  });

  it('counts a status it does not know as RUNNING, so nothing is reconciled on a guess', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SOMETHING_NEW' as never, executionArn, stateMachineArn, startDate: new Date() });
    await expect(saga.describe(ORDER_ID)).resolves.toEqual({ status: 'RUNNING' });
  });

  it('lets other failures through', async () => {
    sfn.on(DescribeExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(saga.describe(ORDER_ID)).rejects.toThrow('Rate exceeded');
  });
});
