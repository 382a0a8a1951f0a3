import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ShopCdkError } from './errors';
import type { StageConfig } from './stage-config';

/** An item-level DynamoDB action (without the `dynamodb:` prefix) for {@link TableAccess.items}. */
export type TableItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/** What a function may do with a table's items (see {@link ServiceTable.grantAccess}). */
export interface TableAccess {
  /**
   * `read`: GetItem. `read-write`: GetItem, PutItem, UpdateItem, DeleteItem. Or exactly the item
   * actions listed, for a function that needs less than read-write (e.g. `['PutItem']` for a
   * create-only consumer, `['GetItem', 'UpdateItem']` for one that only updates in place).
   * `TransactWriteItems` is authorized per item action, so a transaction needs no action of its own.
   * Never table-level administration. An empty list grants no item action (for a function that
   * only scans or queries).
   * @default 'read-write'
   */
  readonly items?: 'read' | 'read-write' | readonly TableItemAction[];
  /**
   * Also the batch forms of the granted item actions (BatchGetItem with GetItem; BatchWriteItem
   * with PutItem or DeleteItem).
   * @default false
   */
  readonly batch?: boolean;
  /**
   * Indexes the function may Query, by name. Each is granted on its own index ARN, not `index/*`.
   * @default - no index
   */
  readonly queryIndexes?: readonly string[];
  /**
   * Whether the function may Query the base table itself (all items of one partition key).
   * @default false
   */
  readonly queryTable?: boolean;
  /**
   * Whether the function may Scan the base table: for an operator's backfill or replay that reads
   * every item once, never for a request path (use keys, `queryTable` or an index there).
   * @default false
   */
  readonly scan?: boolean;
}

/** Properties of a {@link ServiceTable}. */
export interface ServiceTableProps {
  /** The stage: decides the removal policy and deletion protection. */
  readonly stage: StageConfig;
  /**
   * Adds the global secondary index `gsi1` (`gsi1pk` S / `gsi1sk` S, projection ALL).
   * @default false
   */
  readonly gsi1?: boolean;
  /**
   * Turns the table's DynamoDB stream on with this view (what each record carries).
   * @default - no stream
   */
  readonly stream?: dynamodb.StreamViewType;
  /**
   * Name of the numeric epoch-seconds attribute after which DynamoDB deletes an item.
   * @default 'expiresAt'
   */
  readonly timeToLiveAttribute?: string;
  /**
   * A customer-managed KMS key to encrypt the table with.
   * @default - encrypted with the AWS-managed key `aws/dynamodb`
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the table when it leaves the stack.
   * @default - the stage's removal policy: RETAIN in prod, DESTROY in dev and local
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A service's single DynamoDB table: `pk` (S) / `sk` (S), on-demand billing, point-in-time
 * recovery, encryption at rest, deletion protection and RETAIN wherever data must survive.
 */
export class ServiceTable extends Construct {
  /** Partition key attribute. */
  static readonly PARTITION_KEY = 'pk';
  /** Sort key attribute. */
  static readonly SORT_KEY = 'sk';
  /** Name of the optional global secondary index, and the prefix of its key attributes. */
  static readonly GSI1 = 'gsi1';

  /** The table. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ServiceTableProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? props.stage.removalPolicy;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: ServiceTable.PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ServiceTable.SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.encryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      stream: props.stream,
      timeToLiveAttribute: props.timeToLiveAttribute ?? 'expiresAt',
      // Whatever is retained must also resist an accidental delete-table call.
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    if (props.gsi1) {
      this.table.addGlobalSecondaryIndex({
        indexName: ServiceTable.GSI1,
        partitionKey: { name: `${ServiceTable.GSI1}pk`, type: dynamodb.AttributeType.STRING },
        sortKey: { name: `${ServiceTable.GSI1}sk`, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /** The table's name. */
  get tableName(): string {
    return this.table.tableName;
  }

  /** The table's ARN. */
  get tableArn(): string {
    return this.table.tableArn;
  }

  /** ARN of one of the table's indexes. */
  indexArn(indexName: string): string {
    return `${this.table.tableArn}/index/${indexName}`;
  }

  /**
   * Grants exactly the item actions of `access`, on the table ARN and the named index ARNs only
   * (plus use of the customer-managed key, if any). Prefer {@link ServiceFunction.bindTable},
   * which also sets the table name in the function's environment.
   */
  grantAccess(grantee: iam.IGrantable, access: TableAccess = {}): iam.Grant {
    const granted = itemActionsOf(access.items ?? 'read-write');
    const itemActions = granted.map((action) => `dynamodb:${action}`);
    if (access.batch) {
      if (granted.includes('GetItem')) itemActions.push('dynamodb:BatchGetItem');
      if (granted.includes('PutItem') || granted.includes('DeleteItem')) itemActions.push('dynamodb:BatchWriteItem');
    }
    const tableActions = [...itemActions, ...(access.queryTable ? ['dynamodb:Query'] : []), ...(access.scan ? ['dynamodb:Scan'] : [])];
    const indexes = access.queryIndexes ?? [];
    if (tableActions.length === 0 && indexes.length === 0) {
      throw new ShopCdkError('TableAccess grants no action (no item action, query or scan): leave the table unbound instead.');
    }
    const grant = iam.Grant.addToPrincipal({ grantee, actions: tableActions, resourceArns: [this.tableArn] });
    if (indexes.length > 0) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['dynamodb:Query'],
        resourceArns: indexes.map((name) => this.indexArn(name)),
      });
    }
    if (granted.every((action) => READ_ONLY_ACTIONS.has(action))) this.table.encryptionKey?.grantDecrypt(grantee);
    else this.table.encryptionKey?.grantEncryptDecrypt(grantee);
    return grant;
  }
}

const READ: readonly TableItemAction[] = ['GetItem'];
const READ_ONLY_ACTIONS: ReadonlySet<TableItemAction> = new Set(['GetItem', 'ConditionCheckItem']);
const READ_WRITE: readonly TableItemAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

const itemActionsOf = (items: NonNullable<TableAccess['items']>): TableItemAction[] => {
  if (items === 'read') return [...READ];
  if (items === 'read-write') return [...READ_WRITE];
  return [...new Set(items)];
};
