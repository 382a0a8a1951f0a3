import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  AlarmedDeadLetterQueue,
  CommandQueue,
  type ServiceApi,
  type ServiceFunction,
  ServiceStack,
  type ServiceStackProps,
  ServiceTable,
  ServiceTopic,
  suppressNag,
  type StageConfig,
} from '@shop/cdk';
import { STATUS_INDEX, STATUS_INDEX_PARTITION_KEY, STATUS_INDEX_SORT_KEY } from '../adapters/status-index';
import { ORDER_ENV } from '../config/env';
import { EXECUTION_STATUS_CHANGE, RECONCILED_STATUSES, STEP_FUNCTIONS_SOURCE } from '../handlers/reconciler-contract';
import { EXECUTION_TIMEOUT, OrderSagaStateMachine, TASK_TIMEOUT, type OrderSagaFunctions } from './order-saga';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'order';

/** Where the order API is mounted on the shop's API domain (`https://<domain>/orders/...`). */
export const BASE_PATH = 'orders';

/** Name of the intake command queue: its URL and ARN are `/shop/<stage>/order/intake-queue-url|arn`. */
export const INTAKE_QUEUE = 'intake';

/**
 * The saga participants of other services, found through the SSM parameters their stacks publish
 * (`/shop/<stage>/<service>/<name>`), so the order stack deploys on its own.
 */
export const PARTICIPANTS = {
  reserveStock: { service: 'inventory', name: 'reserve-stock-function-arn' },
  releaseStock: { service: 'inventory', name: 'release-stock-function-arn' },
  chargePayment: { service: 'payment', name: 'charge-payment-function-arn' },
  refundPayment: { service: 'payment', name: 'refund-payment-function-arn' },
} as const;

/** SSM parameter (`/shop/<stage>/order/<name>`) holding the name of the event replay function operators invoke. */
export const REPUBLISH_FUNCTION_PARAMETER = 'republish-function-name';

/**
 * How long after an execution stopped a Task it started may still land (the saga's Task timeout,
 * plus a margin): the reconciler compensates again after it (see `reconcileOrder`).
 */
export const IN_FLIGHT_GRACE = TASK_TIMEOUT.plus(Duration.seconds(5));

/**
 * Age after which a PENDING order is past any run of its saga: the execution timeout plus a margin
 * for the intake's start and clock skew. The sweep reconciles such orders whose execution is not running.
 */
export const STALE_AFTER = EXECUTION_TIMEOUT.plus(Duration.minutes(5));

/** How often the sweep looks for PENDING orders left behind. */
export const SWEEP_RATE = Duration.minutes(5);

/**
 * Stateful resources: the order table (with its stream, customer index and status index), the
 * topic order events go to, the intake queue PlaceOrder commands arrive on, and the reconciler's
 * dead-letter queue. Kept in their own construct, with ids that never change, so that no
 * refactoring of the functions, the saga or the API can replace them.
 */
export class OrderState extends Construct {
  /**
   * Orders: `ORDER#<orderId>` / `ORDER`; gsi1 `CUSTOMER#<customerId>` / `<placedAt>#<orderId>`;
   * gsi2 (status index) `PENDING#<shard>` or `SETTLED#<shard>` / `<placedAt>#<orderId>`.
   */
  readonly table: ServiceTable;
  /** Where OrderConfirmed, OrderCancelled and OrderNeedsAttention are published. */
  readonly topic: ServiceTopic;
  /** The intake queue basket's checkout sends PlaceOrder to. */
  readonly intakeQueue: CommandQueue;
  /** Saga status changes the reconciler could not deliver or handle (alarmed). */
  readonly reconcileDlq: AlarmedDeadLetterQueue;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.table = new ServiceTable(this, 'Orders', {
      stage,
      gsi1: true,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    // The status index (see adapters/status-index.ts): the sweep's PENDING orders and the replay's
    // time windows, read per shard with a Query.
    this.table.table.addGlobalSecondaryIndex({
      indexName: STATUS_INDEX,
      partitionKey: { name: STATUS_INDEX_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATUS_INDEX_SORT_KEY, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.topic = new ServiceTopic(this, 'Events', { displayName: 'Serverless Shop order events' });
    this.topic.publishArn(stage.stage, SERVICE);
    this.intakeQueue = new CommandQueue(this, 'Intake', {
      stage,
      service: SERVICE,
      name: INTAKE_QUEUE,
      purpose: 'PlaceOrder commands the order intake could not handle',
    });
    this.reconcileDlq = new AlarmedDeadLetterQueue(this, 'ReconcileDlq', {
      stage,
      purpose: 'An ended order saga execution could not be reconciled (its order may hold stock or a payment)',
    });
  }
}

/**
 * The order service: the intake (PlaceOrder → order PENDING → saga started), the saga state
 * machine with the order's own task functions, the reconciler of executions that ended without
 * finishing (an EventBridge rule on the saga's status changes, and a scheduled sweep of stale
 * PENDING orders), the stream relay that publishes OrderConfirmed, OrderCancelled and
 * OrderNeedsAttention (transactional outbox: no task publishes, so no event is lost or invented),
 * the operator's event replay, and the REST API of a customer's own orders.
 */
export class OrderStack extends ServiceStack {
  /** Table, topic, intake queue and the reconciler's dead-letter queue. */
  readonly state: OrderState;
  /** The `{proxy+}` router behind the REST API. */
  readonly router: ServiceFunction;
  /** The intake queue consumer that creates orders and starts their saga. */
  readonly placeOrder: ServiceFunction;
  /** The saga's own tasks. */
  readonly confirmOrder: ServiceFunction;
  readonly cancelOrder: ServiceFunction;
  readonly markNeedsAttention: ServiceFunction;
  /** The table stream relay that publishes order events. */
  readonly publishEvents: ServiceFunction;
  /** Reconciles the order of an execution that ended FAILED, TIMED_OUT or ABORTED. */
  readonly reconcileOrder: ServiceFunction;
  /** Every 5 minutes: reconciles stale PENDING orders whose execution is not running. */
  readonly sweepPendingOrders: ServiceFunction;
  /** The operator's replay of order events (invoked by hand). */
  readonly republishEvents: ServiceFunction;
  /** `/shop/<stage>/order/republish-function-name`: the replay function's name, for operators. */
  readonly republishFunctionParameter: ssm.StringParameter;
  /** The order saga. */
  readonly saga: OrderSagaStateMachine;
  /** The REST API. */
  readonly api: ServiceApi;

  constructor(scope: Construct, props: ServiceStackProps) {
    super(scope, { service: SERVICE, description: 'order service: intake, saga, events and API' }, props);
    const { stage } = this;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new OrderState(this, 'State', stage);
    const { table, topic, intakeQueue, reconcileDlq } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    // The saga's own tasks change the status with one conditional UpdateItem each (the repository's
    // changeStatus and fence, the only ports of a saga task): no read, put or delete.
    const sagaTaskAccess = { items: ['UpdateItem'] } as const;
    this.confirmOrder = this.addFunction('confirm-order', { description: 'Order saga task: set the order CONFIRMED' }).bindTable(
      table,
      sagaTaskAccess,
      ORDER_ENV.tableName,
    );
    this.cancelOrder = this.addFunction('cancel-order', {
      description: 'Order saga task: set the order CANCELLED with its reason',
    }).bindTable(table, sagaTaskAccess, ORDER_ENV.tableName);
    this.markNeedsAttention = this.addFunction('mark-needs-attention', {
      description: 'Order saga task: flag the order NEEDS_ATTENTION after a failure that outlived its retries',
    }).bindTable(table, sagaTaskAccess, ORDER_ENV.tableName);

    const participant = (key: keyof typeof PARTICIPANTS): lambda.IFunction => {
      const { service, name } = PARTICIPANTS[key];
      return lambda.Function.fromFunctionArn(this, `Participant-${service}-${name}`, this.lookup(service, name));
    };
    const sagaFunctions: OrderSagaFunctions = {
      reserveStock: participant('reserveStock'),
      releaseStock: participant('releaseStock'),
      chargePayment: participant('chargePayment'),
      refundPayment: participant('refundPayment'),
      confirmOrder: this.confirmOrder.function,
      cancelOrder: this.cancelOrder.function,
      markNeedsAttention: this.markNeedsAttention.function,
    };
    this.saga = new OrderSagaStateMachine(this, 'Saga', { stage, service: SERVICE, functions: sagaFunctions });

    this.placeOrder = this.addFunction('place-order', {
      description: 'Order intake: PlaceOrder -> order PENDING -> saga started',
      timeout: Duration.seconds(10),
    })
      // A conditional PutItem creates the order; GetItem reads the existing one when PlaceOrder is
      // repeated. Nothing is updated or deleted.
      .bindTable(table, { items: ['GetItem', 'PutItem'] }, ORDER_ENV.tableName)
      .addEnvironment(ORDER_ENV.stateMachineArn, this.saga.stateMachineArn);
    this.saga.stateMachine.grantStartExecution(this.placeOrder.function);
    intakeQueue.addConsumer(this.placeOrder, { batchSize: 10 });

    this.publishEvents = this.addFunction('publish-events', {
      description:
        'Publishes OrderConfirmed, OrderCancelled and OrderNeedsAttention for every order status change of the table (its stream)',
      timeout: Duration.seconds(30),
    }).bindTopic(topic, ORDER_ENV.topicArn);
    this.publishEvents.consumeTableStream(table);

    // --- The reconciler: no execution ends with stock or money held -------------------------------
    const compensations = [sagaFunctions.refundPayment, sagaFunctions.releaseStock];
    const reconciler = (reconcilerFn: ServiceFunction): ServiceFunction => {
      reconcilerFn
        .addEnvironment(ORDER_ENV.refundPaymentFunctionArn, sagaFunctions.refundPayment.functionArn)
        .addEnvironment(ORDER_ENV.releaseStockFunctionArn, sagaFunctions.releaseStock.functionArn)
        .addEnvironment(ORDER_ENV.inFlightGraceMs, String(IN_FLIGHT_GRACE.toSeconds()));
      // Exactly the two compensations, unqualified ($LATEST, as the saga invokes them).
      reconcilerFn.function.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'InvokeCompensations',
          actions: ['lambda:InvokeFunction'],
          resources: compensations.map((compensation) => compensation.functionArn),
        }),
      );
      return reconcilerFn;
    };

    this.reconcileOrder = reconciler(
      this.addFunction('reconcile-order', {
        description: 'Reconciles the order of a saga execution that ended FAILED, TIMED_OUT or ABORTED: fence, refund, release',
        // Two rounds of compensations with their retries and the in-flight grace between them.
        timeout: Duration.minutes(5),
      }).bindTable(table, { items: ['GetItem', 'UpdateItem'] }, ORDER_ENV.tableName),
    );
    // Deliveries EventBridge gives up on, and invocations that still fail after Lambda's own
    // retries, land in the same alarmed queue: no ended execution is forgotten silently.
    // Grant: the SqsDestination gives the role sqs:SendMessage (with GetQueueAttributes and
    // GetQueueUrl, which come with the CDK's grantSendMessages) on that queue, used by Lambda only
    // when an invocation still fails after its retries: a path the e2e suite does not walk.
    this.reconcileOrder.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(reconcileDlq.queue),
    });
    new events.Rule(this, 'ReconcileEndedExecutions', {
      description: 'Order saga executions that ended FAILED, TIMED_OUT or ABORTED -> reconcile-order',
      eventPattern: {
        source: [STEP_FUNCTIONS_SOURCE],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: { status: [...RECONCILED_STATUSES], stateMachineArn: [this.saga.stateMachineArn] },
      },
      targets: [
        new targets.LambdaFunction(this.reconcileOrder.function, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: reconcileDlq.queue,
        }),
      ],
    });

    // Every grant of the sweep (order GetItem, UpdateItem and the status index Query, the two
    // compensations' lambda:InvokeFunction, states:DescribeExecution) is for sweep-pending-orders'
    // scheduled run, which the e2e suite does not wait for (every 5 minutes): its IAM report lists
    // them as unused.
    this.sweepPendingOrders = reconciler(
      this.addFunction('sweep-pending-orders', {
        description: 'Every 5 minutes: reconciles PENDING orders older than any saga run whose execution is not running',
        timeout: Duration.minutes(3),
        // One run per 5 minutes: a 1-minute datapoint would be missing data 4 times out of 5 and
        // never reach the default 3 of 5; one failed run pages.
        alarms: { errorRate: { period: SWEEP_RATE, evaluationPeriods: 1, datapointsToAlarm: 1 } },
      })
        .bindTable(table, { items: ['GetItem', 'UpdateItem'], queryIndexes: [STATUS_INDEX] }, ORDER_ENV.tableName)
        .addEnvironment(ORDER_ENV.stateMachineArn, this.saga.stateMachineArn)
        .addEnvironment(ORDER_ENV.staleAfterMs, String(STALE_AFTER.toSeconds())),
    );
    this.saga.stateMachine.grantExecution(this.sweepPendingOrders.function, 'states:DescribeExecution');
    // cdk-nag names the finding by the statement's resource: the saga's executions, `<machine name>:*`.
    const sagaLogicalId = this.getLogicalId(this.saga.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    const sagaName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${sagaLogicalId}"}]}]}`;
    suppressNag(this.sweepPendingOrders.role, [
      {
        id: 'AwsSolutions-IAM5',
        appliesTo: [`Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${sagaName}:*`],
        reason: 'states:DescribeExecution on the executions of the order saga only: their names are the order ids, unknown at deploy time.',
      },
    ]);
    // A run that fails is followed by the next one 5 minutes later: no retries that would overlap it.
    this.sweepPendingOrders.function.configureAsyncInvoke({ retryAttempts: 0 });
    new events.Rule(this, 'SweepPendingOrdersSchedule', {
      description: 'Every 5 minutes: sweep-pending-orders reconciles PENDING orders left behind',
      schedule: events.Schedule.rate(SWEEP_RATE),
      targets: [new targets.LambdaFunction(this.sweepPendingOrders.function, { retryAttempts: 2, maxEventAge: Duration.minutes(4) })],
    });

    // --- The operator's event replay ---------------------------------------------------------------
    // Invoked by operators only (`aws lambda invoke`): no API, no event source. It resumes from a
    // cursor, so a run that stops for time is continued by the next invocation. Its grants (sns:Publish
    // on the topic; GetItem for given orders, Query of the status index for a time window) are for
    // republish-events alone, which the e2e suite never invokes: its IAM report lists them as unused.
    this.republishEvents = this.addFunction('republish-events', {
      description:
        'Operator replay: republishes the current event of given orders, or of the orders placed in a time window, from a cursor',
      timeout: Duration.minutes(5),
      memorySize: 256,
    })
      .bindTopic(topic, ORDER_ENV.topicArn)
      .bindTable(table, { items: ['GetItem'], queryIndexes: [STATUS_INDEX] }, ORDER_ENV.tableName);
    this.republishFunctionParameter = this.republishEvents.publishName(
      REPUBLISH_FUNCTION_PARAMETER,
      `Name of the order republish-events function (${stage.stage}): invoke it to replay order events`,
    );

    this.router = this.addFunction('router', { description: "Order REST API: the signed-in customer's own orders" }).bindTable(
      table,
      { items: 'read', queryIndexes: [ServiceTable.GSI1] },
      ORDER_ENV.tableName,
    );
    // Every method needs a customer's ID token: orders are personal (ServiceApi's default).
    this.api = this.addApi({ basePath: BASE_PATH, router: this.router });
  }
}
