import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { FEATURE_FLAGS, stageConfig } from '@shop/cdk';
import { OUT_OF_STOCK_ERROR, ReleaseStockInputSchema, ReserveStockInputSchema, STOCK_CONTENTION_ERROR } from '@shop/inventory-contracts';
import { OrderSagaInputSchema } from '@shop/order-contracts';
import {
  ChargePaymentInputSchema,
  PAYMENT_CONTENTION_ERROR,
  PAYMENT_DECLINED_ERROR,
  PAYMENT_PROVIDER_UNAVAILABLE_ERROR,
  RefundPaymentInputSchema,
} from '@shop/payment-contracts';
import * as z from 'zod';
import { sagaInputOf } from '../domain/place-order.use-case';
import { CancelOrderTaskSchema, ConfirmOrderTaskSchema, MarkNeedsAttentionTaskSchema } from '../domain/saga-tasks';
import { CORRELATION_ID, ORDER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { EXECUTION_TIMEOUT, OrderSagaStateMachine, TASK_TIMEOUT, TRANSIENT_ERRORS, type OrderSagaFunctions } from './order-saga';
import { worstCase, type AslDefinition } from './saga-worst-case';

type FunctionName = keyof OrderSagaFunctions;

const FUNCTION_NAMES: readonly FunctionName[] = [
  'reserveStock',
  'releaseStock',
  'chargePayment',
  'refundPayment',
  'confirmOrder',
  'cancelOrder',
  'markNeedsAttention',
];

/** What each function's payload must satisfy: the participants' contracts and the order's own task schemas. */
const PAYLOAD_SCHEMAS: Record<FunctionName, z.core.$ZodType> = {
  reserveStock: ReserveStockInputSchema,
  releaseStock: ReleaseStockInputSchema,
  chargePayment: ChargePaymentInputSchema,
  refundPayment: RefundPaymentInputSchema,
  confirmOrder: ConfirmOrderTaskSchema,
  cancelOrder: CancelOrderTaskSchema,
  markNeedsAttention: MarkNeedsAttentionTaskSchema,
};

const arnOf = (name: FunctionName) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;

/** The saga's ASL as the template holds it, with the partition filled in. */
const synthesizeDefinition = (): StateMachineDefinition => {
  const stack = new Stack(new App({ context: { ...FEATURE_FLAGS } }), 'SagaTest');
  const functions = Object.fromEntries(
    FUNCTION_NAMES.map((name) => [name, lambda.Function.fromFunctionArn(stack, name, arnOf(name))]),
  ) as unknown as OrderSagaFunctions;
  new OrderSagaStateMachine(stack, 'Saga', { stage: stageConfig('dev'), service: 'order', functions });
  const [machine] = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
  const parts = machine?.Properties.DefinitionString['Fn::Join'][1] as (string | { Ref: string })[];
  const text = parts.map((part) => (typeof part === 'string' ? part : part.Ref === 'AWS::Partition' ? 'aws' : '?')).join('');
  return JSON.parse(text) as StateMachineDefinition;
};

const definition = synthesizeDefinition();

/** A Lambda failure as Step Functions sees it: the error name is what Retry and Catch match. */
const failure = (name: string) => () => {
  throw Object.assign(new Error(`${name} (simulated)`), { name });
};

/** The order as the order's own task functions keep it during one simulated execution. */
interface SimulatedOrder {
  status: string;
}

type Behaviour = (payload: Record<string, unknown>, order: SimulatedOrder) => unknown;

const NOW = '2025-03-01T10:00:02.000Z';

/** An order task: the status change the status machine allows (PENDING → any; any → NEEDS_ATTENTION), as the real ones make it. */
const orderTask =
  (target: string): Behaviour =>
  (p, order) => {
    const fenceOnly = p.onlyIfPending === true;
    const allowed = order.status === 'PENDING' || (target === 'NEEDS_ATTENTION' && !fenceOnly && order.status !== target);
    if (allowed) order.status = target;
    else if (order.status !== target && !fenceOnly) throw Object.assign(new Error('refused'), { name: 'InvalidOrderTransitionError' });
    return { orderId: p.orderId, status: order.status, changed: allowed };
  };

const SUCCESS: Record<FunctionName, Behaviour> = {
  reserveStock: (p) => ({ orderId: p.orderId, lines: p.lines, reservedAt: NOW }),
  releaseStock: (p) => ({ orderId: p.orderId, released: true, lines: [], releasedAt: NOW }),
  chargePayment: (p) => ({ orderId: p.orderId, paymentId: 'pay-1', status: 'CAPTURED', amount: p.amount, chargedAt: NOW }),
  refundPayment: (p) => ({ orderId: p.orderId, refunded: true, paymentId: 'pay-1', refundedAt: NOW }),
  confirmOrder: orderTask('CONFIRMED'),
  cancelOrder: orderTask('CANCELLED'),
  markNeedsAttention: orderTask('NEEDS_ATTENTION'),
};

interface Call {
  readonly fn: FunctionName;
  readonly payload: Record<string, unknown>;
}

/**
 * Runs one execution on aws-local-stepfunctions (what the local cloud uses), with each Task's
 * function simulated: a function given a list of behaviours uses them in turn (the last one
 * repeats), any other succeeds. The order's own tasks share one simulated order, PENDING at the
 * start, whose final status comes back as `order`. Retries wait 0 ms.
 */
const execute = async (scripted: Partial<Record<FunctionName, Behaviour | Behaviour[]>> = {}) => {
  const order: SimulatedOrder = { status: 'PENDING' };
  const calls: Call[] = [];
  const invocations = new Map<FunctionName, number>();
  const invoke = (input: unknown) => {
    const { FunctionName, Payload } = input as { FunctionName: string; Payload: Record<string, unknown> };
    const fn = FUNCTION_NAMES.find((name) => arnOf(name) === FunctionName);
    if (!fn) throw new Error(`Unexpected function ${FunctionName}`);
    calls.push({ fn, payload: Payload });
    const count = invocations.get(fn) ?? 0;
    invocations.set(fn, count + 1);
    const script = scripted[fn] ?? SUCCESS[fn];
    const behaviour = Array.isArray(script) ? (script[Math.min(count, script.length - 1)] as Behaviour) : script;
    return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: behaviour(Payload, order) };
  };
  const states = Object.keys(definition.States);
  const machine = new StateMachine(definition, { validationOptions: { checkPaths: false } });
  const run = machine.run(sagaInputOf(pendingOrder(), 'tok_approve', CORRELATION_ID) as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(states.map((state) => [state, invoke])) as never,
      retryIntervalOverrides: Object.fromEntries(states.map((state) => [state, 0])),
    },
  });
  try {
    return { calls, order, status: 'SUCCEEDED' as const, output: (await run.result) as Record<string, unknown> };
  } catch (error) {
    return { calls, order, status: 'FAILED' as const, error: error as Error };
  }
};

const sequence = (calls: readonly Call[]) => calls.map((call) => call.fn);

describe('the order saga definition', () => {
  it('starts at ReserveStock and names every state it uses', () => {
    expect(definition.StartAt).toBe('ReserveStock');
    expect(Object.keys(definition.States).sort()).toEqual(
      [
        'CancelOrEscalate',
        'CancelOrder',
        'Cancelled',
        'ChargePayment',
        'ConfirmOrder',
        'ConfirmationLanded',
        'Confirmed',
        'FenceOrder',
        'MarkNeedsAttention',
        'OutOfStock',
        'PaymentDeclined',
        'RefundPayment',
        'ReleaseStock',
        'ReserveStock',
        'SagaFailed',
      ].sort(),
    );
  });

  it('invokes Lambda through the lambda:invoke integration with a 20 s Task timeout', () => {
    const tasks = Object.values(definition.States).filter((state) => state.Type === 'Task') as unknown as {
      Resource: string;
      TimeoutSeconds: number;
    }[];
    expect(tasks).toHaveLength(8);
    expect(new Set(tasks.map((task) => task.Resource))).toEqual(new Set(['arn:aws:states:::lambda:invoke']));
    expect(new Set(tasks.map((task) => task.TimeoutSeconds))).toEqual(new Set([20]));
    expect(TASK_TIMEOUT.toSeconds()).toBe(20);
  });

  describe('its execution timeout', () => {
    const longest = worstCase(definition as unknown as AslDefinition);

    it('is the longest path, every Task at all its attempts and backoffs: the arithmetic of the README', () => {
      // Forward step: (1 + 3 transient + 2 other) attempts × 20 s + backoff (1+2+4) + (1+2) = 130 s.
      // Compensation: (1 + 6 + 2) × 20 s + backoff (1+2+4+8+16+20) + (1+2) = 234 s.
      expect(longest.path).toEqual([
        'ReserveStock',
        'ChargePayment',
        'ConfirmOrder',
        'FenceOrder',
        'ConfirmationLanded',
        'RefundPayment',
        'ReleaseStock',
        // Every branch of a Choice counts, whether or not its condition can hold on this path.
        'CancelOrEscalate',
        'CancelOrder',
        'MarkNeedsAttention',
        'SagaFailed',
      ]);
      expect(longest.tasks.map((task) => [task.state, task.attempts, task.backoffSeconds, task.seconds])).toEqual([
        ['ReserveStock', 6, 10, 130],
        ['ChargePayment', 6, 10, 130],
        ['ConfirmOrder', 6, 10, 130],
        ['FenceOrder', 9, 54, 234],
        ['RefundPayment', 9, 54, 234],
        ['ReleaseStock', 9, 54, 234],
        ['CancelOrder', 9, 54, 234],
        ['MarkNeedsAttention', 9, 54, 234],
      ]);
      expect(longest.seconds).toBe(1560);
    });

    it('covers the worst case with at least 10 % and 2 minutes to spare', () => {
      expect(definition.TimeoutSeconds).toBe(EXECUTION_TIMEOUT.toSeconds());
      expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(Math.max(longest.seconds * 1.1, longest.seconds + 120));
    });
  });

  it("retries the participants' transient errors, named by their contracts, and never a business error", () => {
    expect(TRANSIENT_ERRORS).toEqual(
      expect.arrayContaining([STOCK_CONTENTION_ERROR, PAYMENT_CONTENTION_ERROR, PAYMENT_PROVIDER_UNAVAILABLE_ERROR]),
    );
    expect(TRANSIENT_ERRORS).not.toEqual(expect.arrayContaining([OUT_OF_STOCK_ERROR]));
    expect(TRANSIENT_ERRORS).not.toEqual(expect.arrayContaining([PAYMENT_DECLINED_ERROR]));
    const retriers = (state: string) =>
      (definition.States[state] as unknown as { Retry: { ErrorEquals: string[]; MaxAttempts?: number }[] }).Retry;
    expect(retriers('ReserveStock')[0]).toEqual({ ErrorEquals: [OUT_OF_STOCK_ERROR], MaxAttempts: 0 });
    expect(retriers('ChargePayment')[0]).toEqual({ ErrorEquals: [PAYMENT_DECLINED_ERROR, 'PaymentConflictError'], MaxAttempts: 0 });
  });

  it('accepts exactly the OrderSagaInput contract as its input (the happy path parses it)', () => {
    expect(OrderSagaInputSchema.safeParse(sagaInputOf(pendingOrder(), 'tok_approve', CORRELATION_ID)).success).toBe(true);
  });
});

describe('the order saga, run on aws-local-stepfunctions', () => {
  it('reserves, charges and confirms, keeping the order data and each result in the state', async () => {
    const { status, calls, output } = await execute();

    expect(status).toBe('SUCCEEDED');
    expect(sequence(calls)).toEqual(['reserveStock', 'chargePayment', 'confirmOrder']);
    expect(output).toMatchObject({
      orderId: ORDER_ID,
      correlationId: CORRELATION_ID,
      reservation: { reservedAt: NOW },
      payment: { paymentId: 'pay-1', chargedAt: NOW },
      order: { status: 'CONFIRMED' },
    });
  });

  it('sends every function a payload its contract accepts, with the correlation id of the checkout', async () => {
    const runs = [
      await execute(),
      await execute({ chargePayment: failure('PaymentDeclinedError') }),
      await execute({ confirmOrder: failure('Boom') }),
    ];
    const calls = runs.flatMap((run) => run.calls);

    expect(new Set(calls.map((call) => call.fn))).toEqual(new Set(FUNCTION_NAMES));
    for (const call of calls) {
      expect({ fn: call.fn, valid: z.safeParse(PAYLOAD_SCHEMAS[call.fn], call.payload).success }).toEqual({ fn: call.fn, valid: true });
      expect(call.payload).toMatchObject({ orderId: ORDER_ID, correlationId: CORRELATION_ID });
    }
    expect(calls.find((call) => call.fn === 'chargePayment')?.payload).toEqual({
      orderId: ORDER_ID,
      correlationId: CORRELATION_ID,
      customerId: pendingOrder().customerId,
      amount: { amount: 3048, currency: 'EUR' },
      paymentToken: 'tok_approve',
    });
  });

  it('cancels OUT_OF_STOCK without charging or retrying when stock is short', async () => {
    const { status, calls } = await execute({ reserveStock: failure('OutOfStockError') });

    expect(status).toBe('SUCCEEDED');
    expect(sequence(calls)).toEqual(['reserveStock', 'cancelOrder']);
    expect(calls[1]?.payload).toMatchObject({ reason: 'OUT_OF_STOCK' });
  });

  it('releases the stock, then cancels PAYMENT_DECLINED, without retrying the decline', async () => {
    const { status, calls } = await execute({ chargePayment: failure('PaymentDeclinedError') });

    expect(status).toBe('SUCCEEDED');
    expect(sequence(calls)).toEqual(['reserveStock', 'chargePayment', 'releaseStock', 'cancelOrder']);
    expect(calls[3]?.payload).toMatchObject({ reason: 'PAYMENT_DECLINED' });
  });

  it('retries a transiently unavailable provider and confirms with one successful charge', async () => {
    const unavailable = failure('PaymentProviderUnavailableError');
    const { status, calls } = await execute({ chargePayment: [unavailable, unavailable, SUCCESS.chargePayment] });

    expect(status).toBe('SUCCEEDED');
    expect(sequence(calls)).toEqual(['reserveStock', 'chargePayment', 'chargePayment', 'chargePayment', 'confirmOrder']);
  });

  it.each(TRANSIENT_ERRORS.filter((name) => name.startsWith('Lambda.') || name === STOCK_CONTENTION_ERROR))('retries %s', async (name) => {
    const { status, calls } = await execute({ reserveStock: [failure(name), SUCCESS.reserveStock] });
    expect(status).toBe('SUCCEEDED');
    expect(sequence(calls).filter((fn) => fn === 'reserveStock')).toHaveLength(2);
  });

  it.each<[FunctionName, string, FunctionName, Partial<Record<FunctionName, Behaviour>>]>([
    ['chargePayment', PAYMENT_CONTENTION_ERROR, 'confirmOrder', {}],
    ['releaseStock', STOCK_CONTENTION_ERROR, 'cancelOrder', { chargePayment: failure(PAYMENT_DECLINED_ERROR) }],
    ['refundPayment', PAYMENT_CONTENTION_ERROR, 'releaseStock', { confirmOrder: failure('Boom') }],
  ])('retries %s after a transient %s, then goes on to %s', async (fn, name, next, others) => {
    const { calls } = await execute({ ...others, [fn]: [failure(name), SUCCESS[fn]] });
    const called = sequence(calls);
    expect(called.filter((each) => each === fn)).toHaveLength(2);
    expect(called[called.lastIndexOf(fn) + 1]).toBe(next);
  });

  it('compensates a charge that keeps failing (refund, release), flags the order and fails the execution', async () => {
    const { status, calls, error } = await execute({ chargePayment: failure('PaymentProviderUnavailableError') });

    expect(status).toBe('FAILED');
    expect(error?.message).toContain('an operator must look at the order');
    expect(sequence(calls)).toEqual([
      'reserveStock',
      ...Array<FunctionName>(4).fill('chargePayment'),
      'refundPayment',
      'releaseStock',
      'markNeedsAttention',
    ]);
    expect(calls.at(-1)?.payload).toMatchObject({ error: { Error: 'PaymentProviderUnavailableError' } });
    expect(sequence(calls)).not.toContain('cancelOrder');
  });

  describe('a ConfirmOrder that keeps failing', () => {
    it('stands when the confirmation landed with its answer lost: Confirmed, nothing refunded or released', async () => {
      const writesThenThrows: Behaviour = (p, order) => {
        SUCCESS.confirmOrder(p, order);
        throw Object.assign(new Error('Task timed out after the write'), { name: 'Sandbox.Timedout' });
      };
      const { status, calls, order, output } = await execute({ confirmOrder: writesThenThrows });

      expect(status).toBe('SUCCEEDED');
      expect(order.status).toBe('CONFIRMED');
      expect(sequence(calls)).toEqual([
        'reserveStock',
        'chargePayment',
        'confirmOrder',
        'confirmOrder',
        'confirmOrder',
        'markNeedsAttention',
      ]);
      expect(calls.at(-1)?.payload).toMatchObject({ onlyIfPending: true, error: { Error: 'Sandbox.Timedout' } });
      expect(sequence(calls)).not.toContain('refundPayment');
      expect(sequence(calls)).not.toContain('releaseStock');
      expect(output).toMatchObject({ fence: { status: 'CONFIRMED' } });
    });

    it('fences an order that was never confirmed, then refunds, releases and flags it', async () => {
      const { status, calls, order } = await execute({ confirmOrder: failure('Boom') });

      expect(status).toBe('FAILED');
      expect(order.status).toBe('NEEDS_ATTENTION');
      expect(sequence(calls)).toEqual([
        'reserveStock',
        'chargePayment',
        'confirmOrder',
        'confirmOrder',
        'confirmOrder',
        'markNeedsAttention',
        'refundPayment',
        'releaseStock',
        'markNeedsAttention',
      ]);
      expect(calls[5]?.payload).toMatchObject({ onlyIfPending: true });
      expect(calls[8]?.payload).not.toHaveProperty('onlyIfPending');
    });

    it('undoes nothing when even the fence cannot be written, and flags the order for the reconciler', async () => {
      const { status, calls } = await execute({
        confirmOrder: failure('Boom'),
        markNeedsAttention: [
          failure('Lambda.ServiceException'),
          failure('Lambda.ServiceException'),
          failure('Lambda.ServiceException'),
          failure('Lambda.ServiceException'),
          failure('Lambda.ServiceException'),
          failure('Lambda.ServiceException'),
          failure('Lambda.ServiceException'),
          SUCCESS.markNeedsAttention,
        ],
      });

      expect(status).toBe('FAILED');
      expect(sequence(calls).filter((fn) => fn === 'markNeedsAttention')).toHaveLength(8);
      expect(sequence(calls)).not.toContain('refundPayment');
      expect(sequence(calls)).not.toContain('releaseStock');
    });
  });

  it('releases a reservation that may have been made when the reservation fails unexpectedly', async () => {
    const { status, calls } = await execute({ reserveStock: failure('TransactionCanceledException') });

    expect(status).toBe('FAILED');
    expect(sequence(calls)).toEqual(['reserveStock', 'reserveStock', 'reserveStock', 'releaseStock', 'markNeedsAttention']);
  });

  it('flags NEEDS_ATTENTION when a compensation still fails after its retries', async () => {
    const { status, calls } = await execute({
      chargePayment: failure('PaymentDeclinedError'),
      releaseStock: failure('Lambda.ServiceException'),
    });

    expect(status).toBe('FAILED');
    expect(sequence(calls)).toEqual([
      'reserveStock',
      'chargePayment',
      ...Array<FunctionName>(7).fill('releaseStock'),
      'markNeedsAttention',
    ]);
    expect(calls.at(-1)?.payload).toMatchObject({ error: { Error: 'Lambda.ServiceException' } });
  });

  it('does not retry a cancellation the status machine refuses, and flags the order', async () => {
    const { status, calls } = await execute({
      reserveStock: failure('OutOfStockError'),
      cancelOrder: failure('InvalidOrderTransitionError'),
    });

    expect(status).toBe('FAILED');
    expect(sequence(calls)).toEqual(['reserveStock', 'cancelOrder', 'markNeedsAttention']);
  });

  it('fails the execution when even flagging the order fails', async () => {
    const { status, calls } = await execute({
      reserveStock: failure('OutOfStockError'),
      cancelOrder: failure('InvalidOrderTransitionError'),
      markNeedsAttention: failure('Lambda.ServiceException'),
    });

    expect(status).toBe('FAILED');
    expect(sequence(calls).filter((fn) => fn === 'markNeedsAttention')).toHaveLength(7);
  });
});
