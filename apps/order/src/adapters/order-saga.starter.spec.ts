import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { sagaInputOf } from '../domain/place-order.use-case';
import { ORDER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { SfnOrderSaga } from './order-saga.starter';

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
