import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { publish, READ_METHODS, ServiceApi, ServiceFunction, serviceStackName, ServiceTable, ServiceTopic, type StageConfig } from '@shop/cdk';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'product';

/** Where the product API is mounted on the shop's API domain (`https://<domain>/products/...`). */
export const BASE_PATH = 'products';

/** The product service's Lambda functions, named as their bundles (`dist/apps/product/bundles/<fn>`). */
export const FUNCTIONS = ['router', 'publish-changes', 'republish-catalog'] as const;

/** One of {@link FUNCTIONS}. */
export type ProductFunctionName = (typeof FUNCTIONS)[number];

/** Properties of the {@link ProductStack}. */
export interface ProductStackProps extends StackProps {
  /** The stage being synthesized. */
  readonly stage: StageConfig;
  /**
   * Code of each function, replacing its bundle from `dist` (stack tests use inline code so
   * they need no build).
   * @default - each function's esbuild bundle
   */
  readonly code?: Partial<Record<ProductFunctionName, lambda.Code>>;
}

/** SSM parameter (`/shop/<stage>/product/<name>`) holding the name of the catalog replay function operators invoke. */
export const REPUBLISH_FUNCTION_PARAMETER = 'republish-function-name';

/** The stack's name for a stage: `shop-<stage>-product`. */
export const productStackName = (stage: StageConfig): string => serviceStackName(stage, SERVICE);

/**
 * Stateful resources: the catalog table (with its stream and category index) and the topic
 * ProductChanged events go to. Kept in their own construct, with ids that never change, so that
 * no refactoring of the functions or the API can replace them.
 */
export class ProductState extends Construct {
  /** The catalog: `PRODUCT#<sku>` / `PRODUCT`, gsi1 `CATEGORY#<category>` / `<sku>`. */
  readonly table: ServiceTable;
  /** Where ProductChanged events are published. */
  readonly topic: ServiceTopic;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.table = new ServiceTable(this, 'Catalog', {
      stage,
      gsi1: true,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    this.topic = new ServiceTopic(this, 'Events', { displayName: 'Serverless Shop product events' });
    this.topic.publishArn(stage.stage, SERVICE);
  }
}

/**
 * The product service: a REST API whose router function reads and writes the catalog table, a
 * stream publisher that turns every change of the table into a ProductChanged event on the topic
 * (transactional outbox: the API never publishes, so no write is lost when SNS is down), and the
 * operator's catalog replay that republishes the current products for consumers that start empty.
 */
export class ProductStack extends Stack {
  /** Table and topic. */
  readonly state: ProductState;
  /** The `{proxy+}` router behind the REST API. */
  readonly router: ServiceFunction;
  /** The table stream consumer that publishes ProductChanged. */
  readonly publishChanges: ServiceFunction;
  /** The operator's catalog replay: ProductChanged for every current product (invoked by hand). */
  readonly republishCatalog: ServiceFunction;
  /** `/shop/<stage>/product/republish-function-name`: the replay function's name, for operators. */
  readonly republishFunctionParameter: ssm.StringParameter;
  /** The REST API. */
  readonly api: ServiceApi;

  constructor(scope: Construct, id: string, props: ProductStackProps) {
    super(scope, id, {
      description: `Serverless Shop product catalog service (${props.stage.stage})`,
      ...props,
    });
    const { stage } = props;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new ProductState(this, 'State', stage);
    const { table, topic } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    this.router = new ServiceFunction(this, 'Router', {
      service: SERVICE,
      name: 'router',
      stage,
      description: 'Product REST API: list, get, create, update, delete products',
      code: props.code?.router,
    }).bindTable(table, { items: 'read-write', queryIndexes: [ServiceTable.GSI1] });

    this.publishChanges = new ServiceFunction(this, 'PublishChanges', {
      service: SERVICE,
      name: 'publish-changes',
      stage,
      description: 'Publishes ProductChanged for every change of the catalog table (its stream)',
      timeout: Duration.seconds(30),
      memorySize: 256,
      code: props.code?.['publish-changes'],
    }).bindTopic(topic);
    this.publishChanges.consumeTableStream(table);

    // Invoked by operators only (`aws lambda invoke`): no API, no event source. It resumes from a
    // cursor, so a run that stops for time is continued by the next invocation.
    this.republishCatalog = new ServiceFunction(this, 'RepublishCatalog', {
      service: SERVICE,
      name: 'republish-catalog',
      stage,
      description: 'Operator backfill: republishes ProductChanged (updated) for every current product, from a cursor',
      timeout: Duration.minutes(5),
      memorySize: 256,
      code: props.code?.['republish-catalog'],
    })
      .bindTopic(topic)
      // Scan is deliberate and the only table permission: a backfill reads every product once, on
      // an operator's request, never on a request path (no item action, no index, no stream).
      .bindTable(table, { items: [], scan: true });
    this.republishFunctionParameter = publish(
      this,
      stage.stage,
      SERVICE,
      REPUBLISH_FUNCTION_PARAMETER,
      this.republishCatalog.functionName,
      `Name of the product republish-catalog function (${stage.stage}): invoke it to replay ProductChanged for every current product`,
    );

    this.api = new ServiceApi(this, 'Api', {
      service: SERVICE,
      stage,
      basePath: BASE_PATH,
      // A shop's catalog is public; only administrators change it (checked by the router).
      publicMethods: READ_METHODS,
      handler: this.router.function,
    });
    this.api.publishEndpoint();
  }
}
