import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { addStageAlarmActions, METRICS_NAMESPACE, ServiceDashboard, suppressNag, type StageConfig } from '@shop/cdk';
import { OUT_OF_STOCK_ERROR, STOCK_CONTENTION_ERROR } from '@shop/inventory-contracts';
import type { CancellationReason } from '@shop/order-contracts';
import {
  PAYMENT_CONFLICT_ERROR,
  PAYMENT_CONTENTION_ERROR,
  PAYMENT_DECLINED_ERROR,
  PAYMENT_PROVIDER_UNAVAILABLE_ERROR,
} from '@shop/payment-contracts';
import { NEEDS_ATTENTION_METRIC } from '../domain/saga-tasks';

/**
 * The order saga: a Step Functions state machine that drives one order through stock, payment and
 * confirmation, with a compensation for every forward step.
 *
 * ```
 * ReserveStock ─▶ ChargePayment ─▶ ConfirmOrder ─────────────────────────────▶ Confirmed ✔
 *   │ OutOfStockError        │ PaymentDeclinedError      │ any error (after retries)    ▲
 *   │                        │                           ▼                              │ CONFIRMED
 *   │                        │                        FenceOrder ─▶ ConfirmationLanded ─┘ (it landed)
 *   │                        │               (PENDING → NEEDS_ATTENTION)   │ not confirmed
 *   ▼                        ▼                                             ▼
 * OutOfStock              PaymentDeclined             RefundPayment ◀── ChargePayment: any other error
 *   │                        │                           │
 *   │                        ▼                           ▼
 *   │                     ReleaseStock ◀─────────────── ReleaseStock ◀── ReserveStock: any other error
 *   │                        │  (one state)
 *   ▼                        ▼
 * CancelOrder ◀── CancelOrEscalate ──▶ MarkNeedsAttention ─▶ SagaFailed ✘ (alarm)
 *   │              (a business reason?)        ▲
 *   ▼                                          │ any compensation (ReleaseStock, RefundPayment,
 * Cancelled ✔                                  │ CancelOrder, FenceOrder) that still fails after its retries
 * ```
 *
 * - Business failures are typed errors (their `name`), routed by Catch and never retried.
 * - Transient failures are retried with exponential backoff and jitter; anything unexpected gets
 *   two more tries (participants are idempotent per order id, so a retry never acts twice).
 * - A forward step that fails for an unexpected reason is compensated like a business failure
 *   (refund and release are no-ops where nothing happened), then the order is flagged
 *   NEEDS_ATTENTION instead of being cancelled with a made-up reason, and the execution fails.
 * - A confirmation that landed stands: when ConfirmOrder fails (its answer may be lost after the
 *   write), FenceOrder moves the order PENDING → NEEDS_ATTENTION in one conditional write. An order
 *   found CONFIRMED ends the execution as Confirmed with nothing refunded or released; only an order
 *   that was not confirmed is compensated. NEEDS_ATTENTION → CONFIRMED is not a transition, so a
 *   late confirmation can never land after the refund.
 * - An execution that ends any other way (timed out, aborted, failed) while its order is PENDING is
 *   reconciled outside the saga (`reconcile-order`, `sweep-pending-orders`).
 * - The correlation id of the checkout is in the execution input and in every Task payload.
 */

/**
 * Errors worth retrying: a participant or Lambda being briefly unavailable, a Task timing out, a
 * lost write race (the participants' typed contention errors, from their contracts). Business
 * errors (`OutOfStockError`, `PaymentDeclinedError`) are never here: Catch routes them at once.
 */
export const TRANSIENT_ERRORS = [
  PAYMENT_PROVIDER_UNAVAILABLE_ERROR,
  PAYMENT_CONTENTION_ERROR,
  STOCK_CONTENTION_ERROR,
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'States.Timeout',
] as const;

/** Errors of the order service's own tasks that no retry can fix (a saga bug or bad data). */
export const ORDER_TASK_FATAL_ERRORS = ['ValidationError', 'OrderNotFoundError', 'InvalidOrderTransitionError'] as const;

/** The Lambda functions the saga invokes. */
export interface OrderSagaFunctions {
  /** inventory: reserves every line or none; throws `OutOfStockError`. */
  readonly reserveStock: lambda.IFunction;
  /** inventory: puts a reservation back (no-op without one). */
  readonly releaseStock: lambda.IFunction;
  /** payment: charges the total; throws `PaymentDeclinedError`, `PaymentProviderUnavailableError` or `PaymentContentionError`. */
  readonly chargePayment: lambda.IFunction;
  /** payment: refunds a charge (no-op without one). */
  readonly refundPayment: lambda.IFunction;
  /** order: sets CONFIRMED. */
  readonly confirmOrder: lambda.IFunction;
  /** order: sets CANCELLED with `$.cancellation.reason`. */
  readonly cancelOrder: lambda.IFunction;
  /** order: sets NEEDS_ATTENTION with `$.error` (with `onlyIfPending`, only a PENDING order: the fence). */
  readonly markNeedsAttention: lambda.IFunction;
}

/** Where each result lives in the saga state (the execution input stays intact beside them). */
export const SAGA_PATHS = {
  reservation: '$.reservation',
  payment: '$.payment',
  refund: '$.refund',
  release: '$.release',
  order: '$.order',
  fence: '$.fence',
  cancellation: '$.cancellation',
  error: '$.error',
} as const;

/**
 * Maximum run time of one Task; a Task that exceeds it fails with `States.Timeout` (retried). Every
 * function the saga invokes has a 10 s Lambda timeout, and a cold start may add up to 10 s of
 * initialisation before it: 20 s is the longest a healthy invocation can take, so waiting longer
 * only delays the retry.
 */
export const TASK_TIMEOUT = Duration.seconds(20);

/**
 * Longest an execution may run. It must cover the longest path of the definition (every Task at
 * all its attempts and backoffs: 1,560 s, see the order README) with a margin; `order-saga.spec.ts`
 * computes the worst case from the synthesized definition and checks it.
 */
export const EXECUTION_TIMEOUT = Duration.minutes(30);

const at = (path: string) => sfn.JsonPath.stringAt(path);

/** `orderId` and `correlationId` of the execution input: the start of every Task payload. */
const sagaIdentity = { orderId: at('$.orderId'), correlationId: at('$.correlationId') };

/** How a Task is retried: errors never retried, transient errors, then anything else. */
interface RetryPolicy {
  /** Business or fatal errors: straight to Catch. */
  readonly never: readonly string[];
  /** Attempts after the first for {@link TRANSIENT_ERRORS}. */
  readonly transientAttempts: number;
  /** Attempts after the first for any other error. */
  readonly otherAttempts: number;
}

const FORWARD_STEP: Omit<RetryPolicy, 'never'> = { transientAttempts: 3, otherAttempts: 2 };
const COMPENSATION: Omit<RetryPolicy, 'never'> = { transientAttempts: 6, otherAttempts: 2 };

const withRetries = <T extends sfn.TaskStateBase>(task: T, policy: RetryPolicy): T => {
  // Retriers are matched in order: the first whose ErrorEquals matches decides (0 attempts = none).
  if (policy.never.length > 0) task.addRetry({ errors: [...policy.never], maxAttempts: 0 });
  task.addRetry({
    errors: [...TRANSIENT_ERRORS],
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: policy.transientAttempts,
    maxDelay: Duration.seconds(20),
    jitterStrategy: sfn.JitterType.FULL,
  });
  task.addRetry({ errors: [sfn.Errors.ALL], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: policy.otherAttempts });
  return task;
};

interface InvokeProps {
  readonly comment: string;
  readonly fn: lambda.IFunction;
  readonly payload: Record<string, unknown>;
  /** Fields of the function's result to keep, as `{ name: '$.Payload.<field>' }`. */
  readonly keep: Record<string, string>;
  readonly resultPath: string;
}

const invoke = (scope: Construct, id: string, props: InvokeProps): tasks.LambdaInvoke =>
  new tasks.LambdaInvoke(scope, id, {
    comment: props.comment,
    lambdaFunction: props.fn,
    payload: sfn.TaskInput.fromObject({ ...sagaIdentity, ...props.payload }),
    resultSelector: Object.fromEntries(Object.entries(props.keep).map(([name, path]) => [name, at(path)])),
    resultPath: props.resultPath,
    taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
    // The default Lambda retrier is replaced by the saga's own policies (withRetries).
    retryOnServiceExceptions: false,
  });

const cancellationReason = (scope: Construct, id: string, reason: CancellationReason): sfn.Pass =>
  new sfn.Pass(scope, id, {
    comment: `Business failure: the order is cancelled ${reason}`,
    result: sfn.Result.fromObject({ reason }),
    resultPath: SAGA_PATHS.cancellation,
  });

/**
 * Builds the saga's states (see the diagram above) in `scope` and returns the first one. Every
 * Catch keeps the error beside the order data at `$.error` (`{ Error, Cause }`).
 */
export const buildOrderSaga = (scope: Construct, fn: OrderSagaFunctions): sfn.IChainable => {
  const caught = { resultPath: SAGA_PATHS.error };

  // --- Ends -------------------------------------------------------------------------------------
  const confirmed = new sfn.Succeed(scope, 'Confirmed', { comment: 'Stock reserved, payment captured, order CONFIRMED' });
  const cancelled = new sfn.Succeed(scope, 'Cancelled', { comment: 'Compensated and CANCELLED for a business reason' });
  const sagaFailed = new sfn.Fail(scope, 'SagaFailed', {
    comment: 'The order is NEEDS_ATTENTION; the failed execution raises the alarm',
    error: 'OrderNeedsAttention',
    cause: 'A saga step or compensation failed after its retries; an operator must look at the order.',
  });

  // --- The order's own tasks ------------------------------------------------------------------------
  const markNeedsAttention = withRetries(
    invoke(scope, 'MarkNeedsAttention', {
      comment: 'order: flag the order NEEDS_ATTENTION with the last caught error',
      fn: fn.markNeedsAttention,
      payload: { error: sfn.JsonPath.objectAt(SAGA_PATHS.error) },
      keep: { status: '$.Payload.status' },
      resultPath: SAGA_PATHS.order,
    }),
    { never: ['ValidationError', 'OrderNotFoundError'], ...COMPENSATION },
  );
  // If even this fails after its retries, the execution fails: the same alarm fires.
  markNeedsAttention.next(sagaFailed);

  const cancelOrder = withRetries(
    invoke(scope, 'CancelOrder', {
      comment: 'order: CANCELLED with $.cancellation.reason (publishes OrderCancelled)',
      fn: fn.cancelOrder,
      payload: { reason: at(`${SAGA_PATHS.cancellation}.reason`) },
      keep: { status: '$.Payload.status' },
      resultPath: SAGA_PATHS.order,
    }),
    { never: [...ORDER_TASK_FATAL_ERRORS], ...COMPENSATION },
  );
  cancelOrder.addCatch(markNeedsAttention, caught).next(cancelled);

  // --- Compensations, in reverse order of the forward steps ----------------------------------------
  const cancelOrEscalate = new sfn.Choice(scope, 'CancelOrEscalate', {
    comment: 'Compensated: cancel for a business reason, or escalate an unexpected failure',
  })
    .when(sfn.Condition.isPresent(SAGA_PATHS.cancellation), cancelOrder)
    .otherwise(markNeedsAttention);

  const releaseStock = withRetries(
    invoke(scope, 'ReleaseStock', {
      comment: 'inventory: put the reservation back (no-op without one)',
      fn: fn.releaseStock,
      payload: {},
      keep: { released: '$.Payload.released' },
      resultPath: SAGA_PATHS.release,
    }),
    { never: [], ...COMPENSATION },
  );
  releaseStock.addCatch(markNeedsAttention, caught).next(cancelOrEscalate);

  const refundPayment = withRetries(
    invoke(scope, 'RefundPayment', {
      comment: 'payment: refund the charge (no-op without one)',
      fn: fn.refundPayment,
      payload: {},
      keep: { refunded: '$.Payload.refunded' },
      resultPath: SAGA_PATHS.refund,
    }),
    { never: [], ...COMPENSATION },
  );
  refundPayment.addCatch(markNeedsAttention, caught).next(releaseStock);

  // --- A confirmation that may have landed ----------------------------------------------------------
  // ConfirmOrder failed for good, but its write may have landed with only the answer lost. One
  // conditional write decides: a PENDING order is fenced (NEEDS_ATTENTION, from which it can never
  // be confirmed), a CONFIRMED one stands and nothing is undone.
  const fenceOrder = withRetries(
    invoke(scope, 'FenceOrder', {
      comment: 'order: PENDING -> NEEDS_ATTENTION only if still PENDING; answers the status it found',
      fn: fn.markNeedsAttention,
      payload: { error: sfn.JsonPath.objectAt(SAGA_PATHS.error), onlyIfPending: true },
      keep: { status: '$.Payload.status' },
      resultPath: SAGA_PATHS.fence,
    }),
    { never: ['ValidationError', 'OrderNotFoundError'], ...COMPENSATION },
  );
  const confirmationLanded = new sfn.Choice(scope, 'ConfirmationLanded', {
    comment: 'The order is CONFIRMED: the confirmation stands and nothing is compensated',
  })
    .when(sfn.Condition.stringEquals(`${SAGA_PATHS.fence}.status`, 'CONFIRMED'), confirmed)
    .otherwise(refundPayment);
  // If even the fence cannot be written, nothing is undone: the order is flagged (the reconciler
  // compensates an order that was never confirmed once the execution has failed).
  fenceOrder.addCatch(markNeedsAttention, caught).next(confirmationLanded);

  // --- Forward steps ---------------------------------------------------------------------------------
  const confirmOrder = withRetries(
    invoke(scope, 'ConfirmOrder', {
      comment: 'order: CONFIRMED (publishes OrderConfirmed)',
      fn: fn.confirmOrder,
      payload: {},
      keep: { status: '$.Payload.status' },
      resultPath: SAGA_PATHS.order,
    }),
    { never: [...ORDER_TASK_FATAL_ERRORS], ...FORWARD_STEP },
  );
  confirmOrder.addCatch(fenceOrder, caught).next(confirmed);

  const chargePayment = withRetries(
    invoke(scope, 'ChargePayment', {
      comment: 'payment: charge the order total with the payment token',
      fn: fn.chargePayment,
      payload: {
        customerId: at('$.customerId'),
        amount: sfn.JsonPath.objectAt('$.total'),
        paymentToken: at('$.paymentToken'),
      },
      keep: { paymentId: '$.Payload.paymentId', chargedAt: '$.Payload.chargedAt' },
      resultPath: SAGA_PATHS.payment,
    }),
    // A conflicting amount is the caller's bug: not retried; it ends in the compensation path.
    { never: [PAYMENT_DECLINED_ERROR, PAYMENT_CONFLICT_ERROR], ...FORWARD_STEP },
  );
  chargePayment
    .addCatch(cancellationReason(scope, 'PaymentDeclined', 'PAYMENT_DECLINED').next(releaseStock), {
      errors: [PAYMENT_DECLINED_ERROR],
      ...caught,
    })
    // The charge may have gone through before the failure: refund (a no-op otherwise), then release.
    .addCatch(refundPayment, caught)
    .next(confirmOrder);

  const reserveStock = withRetries(
    invoke(scope, 'ReserveStock', {
      comment: 'inventory: reserve every line of the order, or none',
      fn: fn.reserveStock,
      payload: { lines: sfn.JsonPath.listAt('$.lines') },
      keep: { reservedAt: '$.Payload.reservedAt' },
      resultPath: SAGA_PATHS.reservation,
    }),
    { never: [OUT_OF_STOCK_ERROR], ...FORWARD_STEP },
  );
  reserveStock
    .addCatch(cancellationReason(scope, 'OutOfStock', 'OUT_OF_STOCK').next(cancelOrder), {
      errors: [OUT_OF_STOCK_ERROR],
      ...caught,
    })
    // A reservation may have been committed before the failure: release it (a no-op otherwise).
    .addCatch(releaseStock, caught)
    .next(chargePayment);

  return reserveStock;
};

/** Properties of an {@link OrderSagaStateMachine}. */
export interface OrderSagaStateMachineProps {
  /** The stage: log retention and removal, alarm actions. */
  readonly stage: StageConfig;
  /** The owning service (the `service` dimension of its Powertools metrics). */
  readonly service: string;
  /** The functions the saga invokes. */
  readonly functions: OrderSagaFunctions;
  /**
   * Longest an execution may run; it then fails as timed out (alarmed, and reconciled).
   * @default EXECUTION_TIMEOUT
   */
  readonly timeout?: Duration;
}

/**
 * The order saga as a Standard state machine (exactly-once steps, execution names unique for 90
 * days, which the intake relies on), with logging of every event (without execution data: the
 * input holds a payment token and an address), X-Ray tracing, and three alarms: failed executions,
 * timed-out executions and orders flagged NEEDS_ATTENTION.
 */
export class OrderSagaStateMachine extends Construct {
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** Its execution log group. */
  readonly logGroup: logs.LogGroup;
  /** Its execution role: invoke exactly the saga's functions, deliver logs, send traces. */
  readonly role: iam.Role;
  /** In alarm when an execution failed (a step and its compensation failed for good). */
  readonly failedAlarm: cloudwatch.Alarm;
  /** In alarm when an execution ran out of time. */
  readonly timedOutAlarm: cloudwatch.Alarm;
  /** In alarm when an order was flagged NEEDS_ATTENTION. */
  readonly needsAttentionAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OrderSagaStateMachineProps) {
    super(scope, id);
    const { stage } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: stage.logRetention, removalPolicy: stage.removalPolicy });
    this.role = OrderSagaStateMachine.createRole(this, props.functions);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Order saga: ReserveStock -> ChargePayment -> ConfirmOrder, with compensations',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(buildOrderSaga(this, props.functions)),
      timeout: props.timeout ?? EXECUTION_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      // The role's policy is written out below; the grants the CDK would add (which also allow
      // every version and alias, `<arn>:*`, of each function) are dropped.
      role: this.role.withoutPolicyUpdates(),
    });

    const alarm = (alarmId: string, description: string, metric: cloudwatch.IMetric): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      addStageAlarmActions(created, stage);
      return created;
    };
    const perMinute = { period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM };
    this.failedAlarm = alarm(
      'ExecutionsFailed',
      'An order saga execution failed: a step and its compensation failed for good; the order is NEEDS_ATTENTION.',
      this.stateMachine.metricFailed(perMinute),
    );
    this.timedOutAlarm = alarm(
      'ExecutionsTimedOut',
      'An order saga execution timed out: longer than its worst case; reconcile-order releases and refunds its order.',
      this.stateMachine.metricTimedOut(perMinute),
    );
    this.needsAttentionAlarm = alarm(
      'OrdersNeedAttention',
      'An order was flagged NEEDS_ATTENTION: an operator must look at it (see its status history).',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: NEEDS_ATTENTION_METRIC,
        dimensionsMap: { service: props.service },
        ...perMinute,
      }),
    );
    ServiceDashboard.of(this)
      .addSection('order saga')
      .addGraph('Executions', [
        this.stateMachine.metricSucceeded(perMinute),
        this.stateMachine.metricFailed(perMinute),
        this.stateMachine.metricTimedOut(perMinute),
        this.stateMachine.metricAborted(perMinute),
      ])
      .addAlarm('Executions failed', this.failedAlarm)
      .addAlarm('Executions timed out', this.timedOutAlarm)
      .addAlarm('Orders flagged NEEDS_ATTENTION', this.needsAttentionAlarm);
  }

  /**
   * The execution role, least privilege written out: `lambda:InvokeFunction` on exactly the
   * seven function ARNs the saga invokes (unqualified: it always invokes `$LATEST`), plus the
   * CloudWatch Logs delivery and X-Ray actions, which support no resource-level permissions.
   */
  private static createRole(scope: Construct, functions: OrderSagaFunctions): iam.Role {
    const role = new iam.Role(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Execution role of the order saga',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeSagaFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(functions).map((fn: lambda.IFunction) => fn.functionArn),
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeliverExecutionLogs',
        actions: [
          'logs:CreateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:DescribeLogGroups',
          'logs:DescribeResourcePolicies',
          'logs:GetLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:UpdateLogDelivery',
        ],
        resources: ['*'],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SendTraces',
        actions: ['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        resources: ['*'],
      }),
    );
    suppressNag(role, [
      {
        id: 'AwsSolutions-IAM5',
        appliesTo: ['Resource::*'],
        reason:
          'Only actions without resource-level permissions use "*": the CloudWatch Logs delivery actions ' +
          'Step Functions needs to log executions, and X-Ray tracing. Lambda invocation names each function.',
      },
    ]);
    return role;
  }

  /** The state machine's ARN. */
  get stateMachineArn(): string {
    return this.stateMachine.stateMachineArn;
  }
}
