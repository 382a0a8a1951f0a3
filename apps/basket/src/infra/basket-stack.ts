import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  CommandQueue,
  EventSubscription,
  type ServiceApi,
  type ServiceFunction,
  ServiceStack,
  type ServiceStackProps,
  ServiceTable,
  type StageConfig,
} from '@shop/cdk';
import { ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_NEEDS_ATTENTION } from '@shop/order-contracts';
import { BASKET_ENV } from '../config/env';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'basket';

/** Where the basket API is mounted on the shop's API domain (`https://<domain>/basket/...`). */
export const BASE_PATH = 'basket';

/** The order service's command queue that checkout sends `PlaceOrder` to (`/shop/<stage>/order/intake-queue-*`). */
export const ORDER_INTAKE_QUEUE = { service: 'order', name: 'intake' } as const;

/**
 * Stateful resources: the basket table (baskets, the price read model and checkout records, with
 * TTL on `expiresAt`). Kept in its own construct, with an id that never changes, so that no
 * refactoring of the functions or the API can replace it.
 */
export class BasketState extends Construct {
  /** `BASKET#<customer>`, `PRODUCT#<sku>` / `PRICE`, `CHECKOUT#<customer>#<key>`. */
  readonly table: ServiceTable;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.table = new ServiceTable(this, 'Baskets', { stage });
  }
}

/**
 * The order events that end an order placed from a basket: each frees the basket of it, and
 * `OrderConfirmed` also removes the ordered lines (the filter of basket's queue on the order topic).
 */
export const ORDER_EVENT_TYPES = [ORDER_CONFIRMED, ORDER_CANCELLED, ORDER_NEEDS_ATTENTION] as const;

/**
 * The basket service: a REST API (every method but OPTIONS needs a customer's ID token) whose
 * router keeps one basket per customer and checks it out by sending `PlaceOrder` to the order
 * intake queue (found through SSM), one order in flight per basket; a consumer of `ProductChanged`
 * that keeps the price read model; and a consumer of the order events that end an order, which
 * frees the basket for the next checkout and, on `OrderConfirmed`, removes the ordered lines. Each
 * consumer owns its queue, subscribed to the producer's topic (found through SSM) with a filter
 * on the event type, with an alarmed dead-letter queue.
 */
export class BasketStack extends ServiceStack {
  /** The table. */
  readonly state: BasketState;
  /** The `{proxy+}` router behind the REST API. */
  readonly router: ServiceFunction;
  /** Keeps the price read model from ProductChanged. */
  readonly productChanged: ServiceFunction;
  /** Removes ordered lines on OrderConfirmed; frees the basket of an order that ended. */
  readonly orderEventsConsumer: ServiceFunction;
  /** basket's queue on the product topic (ProductChanged). */
  readonly productEvents: EventSubscription;
  /** basket's queue on the order topic (OrderConfirmed, OrderCancelled, OrderNeedsAttention). */
  readonly orderEvents: EventSubscription;
  /** The REST API. */
  readonly api: ServiceApi;

  constructor(scope: Construct, props: ServiceStackProps) {
    super(scope, { service: SERVICE, description: 'basket service' }, props);
    const { stage } = this;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new BasketState(this, 'State', stage);
    const { table } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    this.router = this.addFunction('router', {
      description: 'Basket REST API: get the basket, set and remove items, check out (PlaceOrder)',
    })
      // Reads, and conditional puts (baskets; a checkout's claim and basket lock, the two puts of one
      // TransactWriteItems, which needs no other action): nothing is updated or deleted in place.
      .bindTable(table, { items: ['GetItem', 'PutItem'] }, BASKET_ENV.tableName);
    // The checkout's record with the basket, and the prices of all lines, in one round trip each; no batch writes.
    table.grantAccess(this.router.function, { items: 'read', batch: true });
    CommandQueue.bindSender(this.router, { stage: stage.stage, ...ORDER_INTAKE_QUEUE }, BASKET_ENV.orderIntakeQueueUrl);

    this.productChanged = this.addFunction('product-changed', {
      handler: 'on-product-changed',
      description: 'Keeps the price read model from ProductChanged events (conditional on the product version)',
    }).addEnvironment(BASKET_ENV.tableName, table.tableName);
    // One conditional PutItem per event, on read model items (`PRODUCT#...`) only.
    this.productChanged.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PRODUCT#*'] } },
      }),
    );

    this.orderEventsConsumer = this.addFunction('order-events', {
      handler: 'on-order-events',
      // Construct id kept from before the handler's name: a new one would replace the function and its role.
      id: 'OrderEventsConsumer',
      description: 'Frees the basket of an ended order; on OrderConfirmed also removes the ordered lines (once per order id)',
    })
      // Reads the basket and writes it back whole (conditional on its version); nothing else.
      .bindTable(table, { items: ['GetItem', 'PutItem'] }, BASKET_ENV.tableName);

    // --- Messaging (each consumer owns its queue, DLQ and alarm) ---------------------------------
    this.productEvents = new EventSubscription(this, 'ProductEvents', {
      stage,
      producer: 'product',
      eventTypes: ['ProductChanged'],
      consumer: this.productChanged,
    });
    // Construct id kept: the queue's logical id must not change (its messages would be lost).
    this.orderEvents = new EventSubscription(this, 'OrderEvents', {
      stage,
      producer: 'order',
      eventTypes: [...ORDER_EVENT_TYPES],
      consumer: this.orderEventsConsumer,
    });

    // A basket is always the signed-in customer's own: nothing is public but CORS preflights.
    this.api = this.addApi({ basePath: BASE_PATH, router: this.router });
  }
}
