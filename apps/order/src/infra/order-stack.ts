import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CommandQueue, lookup, ServiceApi, ServiceFunction, serviceStackName, ServiceTable, ServiceTopic, type StageConfig } from '@shop/cdk';
import { OrderSagaStateMachine, type OrderSagaFunctions } from './order-saga';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'order';

/** Where the order API is mounted on the shop's API domain (`https://<domain>/orders/...`). */
export const BASE_PATH = 'orders';

/** Name of the intake command queue: its URL and ARN are `/shop/<stage>/order/intake-queue-url|arn`. */
export const INTAKE_QUEUE = 'intake';

/** The order service's Lambda functions, named as their bundles (`dist/apps/order/bundles/<fn>`). */
export const FUNCTIONS = ['router', 'place-order', 'confirm-order', 'cancel-order', 'mark-needs-attention', 'publish-events'] as const;

/** One of {@link FUNCTIONS}. */
export type OrderFunctionName = (typeof FUNCTIONS)[number];

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

/** Properties of the {@link OrderStack}. */
export interface OrderStackProps extends StackProps {
  /** The stage being synthesized. */
  readonly stage: StageConfig;
  /**
   * Code of each function, replacing its bundle from `dist` (stack tests use inline code so
   * they need no build).
   * @default - each function's esbuild bundle
   */
  readonly code?: Partial<Record<OrderFunctionName, lambda.Code>>;
}

/** The stack's name for a stage: `shop-<stage>-order`. */
export const orderStackName = (stage: StageConfig): string => serviceStackName(stage, SERVICE);

/**
 * Stateful resources: the order table (with its stream and customer index), the topic order
 * events go to, and the intake queue PlaceOrder commands arrive on. Kept in their own construct,
 * with ids that never change, so that no refactoring of the functions, the saga or the API can
 * replace them.
 */
export class OrderState extends Construct {
  /** Orders: `ORDER#<orderId>` / `ORDER`, gsi1 `CUSTOMER#<customerId>` / `<placedAt>#<orderId>`. */
  readonly table: ServiceTable;
  /** Where OrderConfirmed and OrderCancelled are published. */
  readonly topic: ServiceTopic;
  /** The intake queue basket's checkout sends PlaceOrder to. */
  readonly intakeQueue: CommandQueue;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.table = new ServiceTable(this, 'Orders', {
      stage,
      gsi1: true,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    this.topic = new ServiceTopic(this, 'Events', { displayName: 'Serverless Shop order events' });
    this.topic.publishArn(stage.stage, SERVICE);
    this.intakeQueue = new CommandQueue(this, 'Intake', {
      stage,
      service: SERVICE,
      name: INTAKE_QUEUE,
      purpose: 'PlaceOrder commands the order intake could not handle',
    });
  }
}

/**
 * The order service: the intake (PlaceOrder → order PENDING → saga started), the saga state
 * machine with the order's own task functions, the stream relay that publishes OrderConfirmed
 * and OrderCancelled (transactional outbox: no task publishes, so no event is lost or invented),
 * and the REST API of a customer's own orders.
 */
export class OrderStack extends Stack {
  /** Table, topic and intake queue. */
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
  /** The order saga. */
  readonly saga: OrderSagaStateMachine;
  /** The REST API. */
  readonly api: ServiceApi;

  constructor(scope: Construct, id: string, props: OrderStackProps) {
    super(scope, id, {
      description: `Serverless Shop order service: intake, saga, events and API (${props.stage.stage})`,
      ...props,
    });
    const { stage } = props;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new OrderState(this, 'State', stage);
    const { table, topic, intakeQueue } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    const fn = (id: string, name: OrderFunctionName, description: string, timeout?: Duration) =>
      new ServiceFunction(this, id, { service: SERVICE, name, stage, description, timeout, code: props.code?.[name] });

    this.confirmOrder = fn('ConfirmOrder', 'confirm-order', 'Order saga task: set the order CONFIRMED').bindTable(table);
    this.cancelOrder = fn('CancelOrder', 'cancel-order', 'Order saga task: set the order CANCELLED with its reason').bindTable(table);
    this.markNeedsAttention = fn(
      'MarkNeedsAttention',
      'mark-needs-attention',
      'Order saga task: flag the order NEEDS_ATTENTION after a failure that outlived its retries',
    ).bindTable(table);

    const participant = (key: keyof typeof PARTICIPANTS): lambda.IFunction => {
      const { service, name } = PARTICIPANTS[key];
      return lambda.Function.fromFunctionArn(this, `Participant-${service}-${name}`, lookup(this, stage.stage, service, name));
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

    this.placeOrder = fn('PlaceOrder', 'place-order', 'Order intake: PlaceOrder -> order PENDING -> saga started', Duration.seconds(10))
      .bindTable(table)
      .addEnvironment('STATE_MACHINE_ARN', this.saga.stateMachineArn);
    this.saga.stateMachine.grantStartExecution(this.placeOrder.function);
    intakeQueue.addConsumer(this.placeOrder, { batchSize: 10 });

    this.publishEvents = fn(
      'PublishEvents',
      'publish-events',
      'Publishes OrderConfirmed and OrderCancelled for every order status change of the table (its stream)',
      Duration.seconds(30),
    ).bindTopic(topic);
    this.publishEvents.consumeTableStream(table);

    this.router = fn('Router', 'router', "Order REST API: the signed-in customer's own orders").bindTable(table, {
      items: 'read',
      queryIndexes: [ServiceTable.GSI1],
    });
    // Every method needs a customer's ID token: orders are personal (ServiceApi's default).
    this.api = new ServiceApi(this, 'Api', { service: SERVICE, stage, basePath: BASE_PATH, handler: this.router.function });
    this.api.publishEndpoint();
  }
}
