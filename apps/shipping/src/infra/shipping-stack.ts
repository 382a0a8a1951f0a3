import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { EventSubscription, publish, ServiceApi, ServiceFunction, serviceStackName, ServiceTable, ServiceTopic, type StageConfig } from '@shop/cdk';
import { ORDER_CONFIRMED } from '@shop/order-contracts';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'shipping';

/** Where the shipping API is mounted on the shop's API domain (`https://<domain>/shipments/...`). */
export const BASE_PATH = 'shipments';

/** The shipping service's Lambda functions, named as their bundles (`dist/apps/shipping/bundles/<fn>`). */
export const FUNCTIONS = ['router', 'on-order-confirmed', 'publish-shipments', 'republish-shipments'] as const;

/** One of {@link FUNCTIONS}. */
export type ShippingFunctionName = (typeof FUNCTIONS)[number];

/** Properties of the {@link ShippingStack}. */
export interface ShippingStackProps extends StackProps {
  /** The stage being synthesized. */
  readonly stage: StageConfig;
  /**
   * Code of each function, replacing its bundle from `dist` (stack tests use inline code so they
   * need no build).
   * @default - each function's esbuild bundle
   */
  readonly code?: Partial<Record<ShippingFunctionName, lambda.Code>>;
}

/** SSM parameter (`/shop/<stage>/shipping/<name>`) holding the name of the ShipmentCreated replay function operators invoke. */
export const REPUBLISH_FUNCTION_PARAMETER = 'republish-function-name';

/** The stack's name for a stage: `shop-<stage>-shipping`. */
export const shippingStackName = (stage: StageConfig): string => serviceStackName(stage, SERVICE);

/**
 * Stateful resources: the shipments table (its stream is the outbox of ShipmentCreated) and the
 * topic ShipmentCreated goes to. Kept in their own construct, with ids that never change, so no
 * refactoring of the functions or the API can replace them.
 */
export class ShippingState extends Construct {
  /**
   * Shipments: `SHIPMENT#<orderId>` / `SHIPMENT`; index `gsi1` by creation time
   * (`SHIPMENTS#<UTC day>` / `<createdAt>#<orderId>`) for the operator's replay of a time window.
   */
  readonly table: ServiceTable;
  /** Where ShipmentCreated events are published (`/shop/<stage>/shipping/topic-arn`). */
  readonly topic: ServiceTopic;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.table = new ServiceTable(this, 'Shipments', { stage, gsi1: true, stream: dynamodb.StreamViewType.NEW_IMAGE });
    this.topic = new ServiceTopic(this, 'Events', { displayName: 'Serverless Shop shipping events' });
    this.topic.publishArn(stage.stage, SERVICE);
  }
}

/**
 * The shipping service: a consumer of OrderConfirmed (its own queue on the order topic, found
 * through SSM) that creates each order's one shipment; a stream publisher that publishes
 * ShipmentCreated for every new shipment (transactional outbox: the consumer never publishes, so no
 * shipment is left without its event when SNS is down); the operator's replay of ShipmentCreated
 * for given orders or a creation-time window; and a REST API that shows a customer the shipment of
 * their own order.
 */
export class ShippingStack extends Stack {
  /** Table and topic. */
  readonly state: ShippingState;
  /** The `{proxy+}` router behind the REST API. */
  readonly router: ServiceFunction;
  /** The OrderConfirmed consumer. */
  readonly onOrderConfirmed: ServiceFunction;
  /** Shipping's queue on the order topic (filter `type = OrderConfirmed`), with its DLQ. */
  readonly orderConfirmed: EventSubscription;
  /** The table stream consumer that publishes ShipmentCreated. */
  readonly publishShipments: ServiceFunction;
  /** The operator's replay: ShipmentCreated again for given orders or a time window (invoked by hand). */
  readonly republishShipments: ServiceFunction;
  /** `/shop/<stage>/shipping/republish-function-name`: the replay function's name, for operators. */
  readonly republishFunctionParameter: ssm.StringParameter;
  /** The REST API. */
  readonly api: ServiceApi;

  constructor(scope: Construct, id: string, props: ShippingStackProps) {
    super(scope, id, {
      description: `Serverless Shop shipping service (${props.stage.stage})`,
      ...props,
    });
    const { stage } = props;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new ShippingState(this, 'State', stage);
    const { table, topic } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    this.router = new ServiceFunction(this, 'Router', {
      service: SERVICE,
      name: 'router',
      stage,
      description: "Shipping REST API: a customer's shipment of their own order",
      code: props.code?.router,
    }).bindTable(table, { items: 'read' });

    // Create-only: a shipment is one conditional PutItem per order, never read, changed or deleted here.
    this.onOrderConfirmed = new ServiceFunction(this, 'OnOrderConfirmed', {
      service: SERVICE,
      name: 'on-order-confirmed',
      stage,
      description: 'Creates the one shipment of each confirmed order (OrderConfirmed from the order topic)',
      memorySize: 256,
      code: props.code?.['on-order-confirmed'],
    }).bindTable(table, { items: ['PutItem'] });
    this.orderConfirmed = new EventSubscription(this, 'OrderConfirmed', {
      stage,
      producer: 'order',
      eventTypes: [ORDER_CONFIRMED],
      consumer: this.onOrderConfirmed,
      batchSize: 10,
    });

    this.publishShipments = new ServiceFunction(this, 'PublishShipments', {
      service: SERVICE,
      name: 'publish-shipments',
      stage,
      description: 'Publishes ShipmentCreated for every new shipment (the table stream)',
      timeout: Duration.seconds(30),
      memorySize: 256,
      code: props.code?.['publish-shipments'],
    }).bindTopic(topic);
    this.publishShipments.consumeTableStream(table);

    // Invoked by operators only (`aws lambda invoke`): no API, no event source. It reads shipments
    // by key or through the creation-time index (no Scan) and resumes from a cursor.
    this.republishShipments = new ServiceFunction(this, 'RepublishShipments', {
      service: SERVICE,
      name: 'republish-shipments',
      stage,
      description: 'Operator replay: republishes ShipmentCreated (same event ids) for given orders or a creation-time window',
      timeout: Duration.minutes(5),
      memorySize: 256,
      code: props.code?.['republish-shipments'],
    })
      .bindTopic(topic)
      .bindTable(table, { items: ['GetItem'], queryIndexes: [ServiceTable.GSI1] });
    this.republishFunctionParameter = publish(
      this,
      stage.stage,
      SERVICE,
      REPUBLISH_FUNCTION_PARAMETER,
      this.republishShipments.functionName,
      `Name of the shipping republish-shipments function (${stage.stage}): invoke it to replay ShipmentCreated`,
    );

    this.api = new ServiceApi(this, 'Api', {
      service: SERVICE,
      stage,
      basePath: BASE_PATH,
      // Every route shows a customer their own data: no public method but CORS preflights.
      handler: this.router.function,
    });
    this.api.publishEndpoint();
  }
}
