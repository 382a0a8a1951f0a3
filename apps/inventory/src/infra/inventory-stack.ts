import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ServiceApi, ServiceFunction, serviceStackName, ServiceTable, type StageConfig } from '@shop/cdk';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'inventory';

/** Where the inventory API is mounted on the shop's API domain (`https://<domain>/inventory/...`). */
export const BASE_PATH = 'inventory';

/** The inventory service's Lambda functions, named as their bundles (`dist/apps/inventory/bundles/<fn>`). */
export const FUNCTIONS = ['router', 'reserve-stock', 'release-stock'] as const;

/** One of {@link FUNCTIONS}. */
export type InventoryFunctionName = (typeof FUNCTIONS)[number];

/** SSM parameter names (under `/shop/<stage>/inventory/`) of the saga command functions' ARNs. */
export const SAGA_COMMAND_PARAMETERS = {
  reserveStock: 'reserve-stock-function-arn',
  releaseStock: 'release-stock-function-arn',
} as const;

/** Properties of the {@link InventoryStack}. */
export interface InventoryStackProps extends StackProps {
  /** The stage being synthesized. */
  readonly stage: StageConfig;
  /**
   * Code of each function, replacing its bundle from `dist` (stack tests use inline code so
   * they need no build).
   * @default - each function's esbuild bundle
   */
  readonly code?: Partial<Record<InventoryFunctionName, lambda.Code>>;
}

/** The stack's name for a stage: `shop-<stage>-inventory`. */
export const inventoryStackName = (stage: StageConfig): string => serviceStackName(stage, SERVICE);

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
export class InventoryStack extends Stack {
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

  constructor(scope: Construct, id: string, props: InventoryStackProps) {
    super(scope, id, {
      description: `Serverless Shop inventory service (${props.stage.stage})`,
      ...props,
    });
    const { stage } = props;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new InventoryState(this, 'State', stage);
    const { table } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    // PutItem: a sku's first stock (conditional) and the adjustment records, which go in one
    // TransactWriteItems with the stock update (authorized per item action). No Delete, Scan or Query.
    this.router = new ServiceFunction(this, 'Router', {
      service: SERVICE,
      name: 'router',
      stage,
      description: 'Inventory REST API (admins): get, set (conditionally) and adjust the stock of a sku',
      code: props.code?.router,
    }).bindTable(table, { items: ['GetItem', 'PutItem', 'UpdateItem'] });

    // TransactWriteItems is authorized per item action: Put (the reservation) and Update (stock).
    this.reserveStock = new ServiceFunction(this, 'ReserveStock', {
      service: SERVICE,
      name: 'reserve-stock',
      stage,
      description: 'Saga command ReserveStock: every line of an order or none, idempotent per order',
      // Business refusals (out of stock) reach the saga as function errors: a sale can make most calls
      // refusals. Unexpected failures page through the saga's own alarms (failed executions,
      // NEEDS_ATTENTION); this one fires only when most calls fail.
      alarms: { errorRate: { threshold: 0.5 } },
      code: props.code?.['reserve-stock'],
    }).bindTable(table, { items: ['GetItem', 'PutItem', 'UpdateItem'] });

    this.releaseStock = new ServiceFunction(this, 'ReleaseStock', {
      service: SERVICE,
      name: 'release-stock',
      stage,
      description: 'Saga compensation ReleaseStock: gives back what the order reserved, once',
      code: props.code?.['release-stock'],
    }).bindTable(table, { items: ['GetItem', 'PutItem', 'UpdateItem'] });

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

    this.api = new ServiceApi(this, 'Api', {
      service: SERVICE,
      stage,
      basePath: BASE_PATH,
      // Stock is for administrators only (checked by the router): every method needs a token.
      handler: this.router.function,
    });
    this.api.publishEndpoint();
  }
}
