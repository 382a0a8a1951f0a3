import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  READ_METHODS,
  type ServiceApi,
  type ServiceFunction,
  ServiceStack,
  type ServiceStackProps,
  ServiceTable,
  ServiceTopic,
  type StageConfig,
} from '@shop/cdk';
import { PRODUCT_ENV } from '../config/env';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'product';

/** Where the product API is mounted on the shop's API domain (`https://<domain>/products/...`). */
export const BASE_PATH = 'products';

/** SSM parameter (`/shop/<stage>/product/<name>`) holding the name of the catalog replay function operators invoke. */
export const REPUBLISH_FUNCTION_PARAMETER = 'republish-function-name';

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
export class ProductStack extends ServiceStack {
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

  constructor(scope: Construct, props: ServiceStackProps) {
    super(scope, { service: SERVICE, description: 'product catalog service' }, props);
    const { stage } = this;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new ProductState(this, 'State', stage);
    const { table, topic } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    // GetItem; conditional PutItem for create and update (a versioned replace of the whole item);
    // conditional DeleteItem; Query of the category index. No UpdateItem: nothing is updated in place.
    this.router = this.addFunction('router', {
      description: 'Product REST API: list, get, create, update, delete products',
    }).bindTable(table, { items: ['GetItem', 'PutItem', 'DeleteItem'], queryIndexes: [ServiceTable.GSI1] }, PRODUCT_ENV.tableName);

    this.publishChanges = this.addFunction('publish-changes', {
      handler: 'publish-events',
      description: 'Publishes ProductChanged for every change of the catalog table (its stream)',
      timeout: Duration.seconds(30),
      memorySize: 256,
    }).bindTopic(topic, PRODUCT_ENV.topicArn);
    this.publishChanges.consumeTableStream(table);

    // Invoked by operators only (`aws lambda invoke`): no API, no event source. It resumes from a
    // cursor, so a run that stops for time is continued by the next invocation. Its grants (sns:Publish,
    // Scan) are for republish-catalog alone, which the e2e suite never invokes: its IAM report lists
    // them as unused.
    this.republishCatalog = this.addFunction('republish-catalog', {
      handler: 'republish-events',
      description: 'Operator backfill: republishes ProductChanged (updated) for every current product, from a cursor',
      timeout: Duration.minutes(5),
      memorySize: 256,
    })
      .bindTopic(topic, PRODUCT_ENV.topicArn)
      // Scan is deliberate and the only table permission: a backfill reads every product once, on
      // an operator's request, never on a request path (no item action, no index, no stream).
      .bindTable(table, { items: [], scan: true }, PRODUCT_ENV.tableName);
    this.republishFunctionParameter = this.republishCatalog.publishName(
      REPUBLISH_FUNCTION_PARAMETER,
      `Name of the product republish-catalog function (${stage.stage}): invoke it to replay ProductChanged for every current product`,
    );

    // A shop's catalog is public; only administrators change it (checked by the router).
    this.api = this.addApi({ basePath: BASE_PATH, publicMethods: READ_METHODS, router: this.router });
  }
}
