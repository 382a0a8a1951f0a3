import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { type ServiceApi, type ServiceFunction, ServiceStack, type ServiceStackProps, ServiceTable, type StageConfig } from '@shop/cdk';
import { INVENTORY_ENV } from '../config/env';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'inventory';

/** Where the inventory API is mounted on the shop's API domain (`https://<domain>/inventory/...`). */
export const BASE_PATH = 'inventory';

/** SSM parameter names (under `/shop/<stage>/inventory/`) of the saga command functions' ARNs. */
export const SAGA_COMMAND_PARAMETERS = {
  reserveStock: 'reserve-stock-function-arn',
  releaseStock: 'release-stock-function-arn',
} as const;

/**
 * Stateful resources: the inventory table (stock and adjustments per sku, reservations per order).
 * Kept in its own construct, with ids that never change, so that no refactoring of the functions or
 * the API can replace it.
 */
export class InventoryState extends Construct {
  /**
   * `STOCK#<sku>` / `STOCK`, `STOCK#<sku>` / `ADJUSTMENT#<idempotencyKey>` (expiring through the
   * TTL on `expiresAt`) and `RESERVATION#<orderId>` / `RESERVATION` items.
   */
  readonly table: ServiceTable;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.table = new ServiceTable(this, 'Inventory', { stage });
  }
}

/**
 * The inventory service: a REST API for administrators (read, set and adjust stock per sku) and the two
 * saga commands the order saga invokes directly (Step Functions `lambda:invoke`), whose ARNs are
 * published in SSM: `ReserveStock` (every line or none, in one DynamoDB transaction) and
 * `ReleaseStock` (its compensation). Both are idempotent per order id.
 */
export class InventoryStack extends ServiceStack {
  /** The table. */
  readonly state: InventoryState;
  /** The `{proxy+}` router behind the REST API. */
  readonly router: ServiceFunction;
  /** The `ReserveStock` saga command. */
  readonly reserveStock: ServiceFunction;
  /** The `ReleaseStock` compensation. */
  readonly releaseStock: ServiceFunction;
  /** The REST API. */
  readonly api: ServiceApi;
  /** The SSM parameters publishing the saga command functions' ARNs. */
  readonly sagaCommandParameters: Readonly<Record<keyof typeof SAGA_COMMAND_PARAMETERS, ssm.StringParameter>>;

  constructor(scope: Construct, props: ServiceStackProps) {
    super(scope, { service: SERVICE, description: 'inventory service' }, props);
    const { stage } = this;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new InventoryState(this, 'State', stage);
    const { table } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    // PutItem: a sku's first stock (conditional) and the adjustment records, which go in one
    // TransactWriteItems with the stock update (authorized per item action). No Delete, Scan or Query.
    this.router = this.addFunction('router', {
      description: 'Inventory REST API (admins): get, set (conditionally) and adjust the stock of a sku',
    }).bindTable(table, { items: ['GetItem', 'PutItem', 'UpdateItem'] }, INVENTORY_ENV.tableName);

    // TransactWriteItems is authorized per item action: Put (the reservation) and Update (stock).
    // GetItem is for a repeated ReserveStock only (a saga retry after a lost answer): the reservation
    // already stored is read back and answered (`duplicate` in DynamoReservationRepository.reserve),
    // a path the e2e suite does not walk (its IAM report lists GetItem as unused).
    this.reserveStock = this.addFunction('reserve-stock', {
      description: 'Saga command ReserveStock: every line of an order or none, idempotent per order',
      // Business refusals (out of stock) reach the saga as function errors: a sale can make most calls
      // refusals. Unexpected failures page through the saga's own alarms (failed executions,
      // NEEDS_ATTENTION); this one fires only when most calls fail.
      alarms: { errorRate: { threshold: 0.5 } },
    }).bindTable(table, { items: ['GetItem', 'PutItem', 'UpdateItem'] }, INVENTORY_ENV.tableName);

    // GetItem reads the reservation; UpdateItem (in one TransactWriteItems) marks it released and
    // gives the stock back. PutItem is for a release that finds no reservation (ReserveStock failed
    // unexpectedly, or the reconciler compensates an order that never reserved): it stores the release
    // marker that keeps a late ReserveStock from reserving (storeReleaseMarker), a path the e2e suite
    // does not walk (its IAM report lists PutItem as unused).
    this.releaseStock = this.addFunction('release-stock', {
      description: 'Saga compensation ReleaseStock: gives back what the order reserved, once',
    }).bindTable(table, { items: ['GetItem', 'PutItem', 'UpdateItem'] }, INVENTORY_ENV.tableName);

    this.sagaCommandParameters = {
      reserveStock: this.reserveStock.publishArn(
        SAGA_COMMAND_PARAMETERS.reserveStock,
        `ARN of the inventory ReserveStock saga command function (${stage.stage})`,
      ),
      releaseStock: this.releaseStock.publishArn(
        SAGA_COMMAND_PARAMETERS.releaseStock,
        `ARN of the inventory ReleaseStock saga compensation function (${stage.stage})`,
      ),
    };

    // Stock is for administrators only (checked by the router): every method needs a token.
    this.api = this.addApi({ basePath: BASE_PATH, router: this.router });
  }
}
