import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EventSubscription, ServiceApi, ServiceFunction, serviceStackName, ServiceTable, ServiceTopic, type StageConfig } from '@shop/cdk';
import { ORDER_CONFIRMED } from '@shop/order-contracts';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'shipping';

/** Where the shipping API is mounted on the shop's API domain (`https://<domain>/shipments/...`). */
export const BASE_PATH = 'shipments';

/** The shipping service's Lambda functions, named as their bundles (`dist/apps/shipping/bundles/<fn>`). */
export const FUNCTIONS = ['router', 'on-order-confirmed', 'publish-shipments'] as const;

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

/** The stack's name for a stage: `shop-<stage>-shipping`. */
export const shippingStackName = (stage: StageConfig): string => serviceStackName(stage, SERVICE);

/**
 * Stateful resources: the shipments table (its stream is the outbox of ShipmentCreated) and the
 * topic ShipmentCreated goes to. Kept in their own construct, with ids that never change, so no
 * refactoring of the functions or the API can replace them.
 */
export class ShippingState extends Construct {
  /** Shipments: `SHIPMENT#<orderId>` / `SHIPMENT`. */
  readonly table: ServiceTable;
  /** Where ShipmentCreated events are published (`/shop/<stage>/shipping/topic-arn`). */
  readonly topic: ServiceTopic;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.table = new ServiceTable(this, 'Shipments', { stage, stream: dynamodb.StreamViewType.NEW_IMAGE });
    this.topic = new ServiceTopic(this, 'Events', { displayName: 'Serverless Shop shipping events' });
    this.topic.publishArn(stage.stage, SERVICE);
  }
}

/**
 * The shipping service: a consumer of OrderConfirmed (its own queue on the order topic, found
 * through SSM) that creates each order's one shipment; a stream publisher that publishes
 * ShipmentCreated for every new shipment (transactional outbox: the consumer never publishes, so no
 * shipment is left without its event when SNS is down); and a REST API that shows a customer the
 * shipment of their own order.
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
