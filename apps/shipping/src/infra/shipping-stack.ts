import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  EventSubscription,
  type ServiceApi,
  type ServiceFunction,
  ServiceStack,
  type ServiceStackProps,
  ServiceTable,
  ServiceTopic,
  type StageConfig,
} from '@shop/cdk';
import { ORDER_CONFIRMED } from '@shop/order-contracts';
import { SHIPPING_ENV } from '../config/env';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'shipping';

/** Where the shipping API is mounted on the shop's API domain (`https://<domain>/shipments/...`). */
export const BASE_PATH = 'shipments';

/** SSM parameter (`/shop/<stage>/shipping/<name>`) holding the name of the ShipmentCreated replay function operators invoke. */
export const REPUBLISH_FUNCTION_PARAMETER = 'republish-function-name';

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
export class ShippingStack extends ServiceStack {
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

  constructor(scope: Construct, props: ServiceStackProps) {
    super(scope, { service: SERVICE, description: 'shipping service' }, props);
    const { stage } = this;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new ShippingState(this, 'State', stage);
    const { table, topic } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    this.router = this.addFunction('router', {
      description: "Shipping REST API: a customer's shipment of their own order",
    }).bindTable(table, { items: 'read' }, SHIPPING_ENV.tableName);

    // Create-only: a shipment is one conditional PutItem per order, never read, changed or deleted here.
    this.onOrderConfirmed = this.addFunction('on-order-confirmed', {
      description: 'Creates the one shipment of each confirmed order (OrderConfirmed from the order topic)',
      memorySize: 256,
    }).bindTable(table, { items: ['PutItem'] }, SHIPPING_ENV.tableName);
    this.orderConfirmed = new EventSubscription(this, 'OrderConfirmed', {
      stage,
      producer: 'order',
      eventTypes: [ORDER_CONFIRMED],
      consumer: this.onOrderConfirmed,
      batchSize: 10,
    });

    this.publishShipments = this.addFunction('publish-shipments', {
      handler: 'publish-events',
      description: 'Publishes ShipmentCreated for every new shipment (the table stream)',
      timeout: Duration.seconds(30),
      memorySize: 256,
    }).bindTopic(topic, SHIPPING_ENV.topicArn);
    this.publishShipments.consumeTableStream(table);

    // Invoked by operators only (`aws lambda invoke`): no API, no event source. It reads shipments
    // by key or through the creation-time index (no Scan) and resumes from a cursor. Its grants
    // (sns:Publish, GetItem, Query of gsi1) are for republish-shipments alone, which the e2e suite
    // never invokes: its IAM report lists them as unused.
    this.republishShipments = this.addFunction('republish-shipments', {
      handler: 'republish-events',
      description: 'Operator replay: republishes ShipmentCreated (same event ids) for given orders or a creation-time window',
      timeout: Duration.minutes(5),
      memorySize: 256,
    })
      .bindTopic(topic, SHIPPING_ENV.topicArn)
      .bindTable(table, { items: ['GetItem'], queryIndexes: [ServiceTable.GSI1] }, SHIPPING_ENV.tableName);
    this.republishFunctionParameter = this.republishShipments.publishName(
      REPUBLISH_FUNCTION_PARAMETER,
      `Name of the shipping republish-shipments function (${stage.stage}): invoke it to replay ShipmentCreated`,
    );

    // Every route shows a customer their own data: no public method but CORS preflights.
    this.api = this.addApi({ basePath: BASE_PATH, router: this.router });
  }
}
