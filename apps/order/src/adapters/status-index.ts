import { createHash } from 'node:crypto';
import { compositeKey } from '@shop/dynamodb';
import type { OrderStatus } from '../domain/order';

/**
 * The order table's status index (`gsi2`): every order by where it is (PENDING, or settled: any
 * other status) and when it was placed. The reconciler's sweep reads the PENDING partitions for
 * orders older than the saga can run; the event replay reads the settled ones for a time window.
 * One index serves both because CloudFormation adds one global secondary index per table update.
 *
 * The partition key is sharded by a hash of the order id (`PENDING#<0..7>`, `SETTLED#<0..7>`), so no
 * single key takes every checkout's write; a reader queries each shard. Both keys derive from the
 * order alone, so a status change rewrites them in the same single UpdateItem, without a read.
 */

/** Name of the status index. Pure constants here, so the stack (CDK) and the repository share them. */
export const STATUS_INDEX = 'gsi2';

/** Partition key attribute of the status index. */
export const STATUS_INDEX_PARTITION_KEY = `${STATUS_INDEX}pk`;

/** Sort key attribute of the status index: `<placedAt>#<orderId>`. */
export const STATUS_INDEX_SORT_KEY = `${STATUS_INDEX}sk`;

/** Shards of each status partition. Changing it re-shards only orders written afterwards: keep it. */
export const STATUS_INDEX_SHARDS = 8;

/** The shard (0 to {@link STATUS_INDEX_SHARDS} - 1) of an order: a stable hash of its id. */
export const statusShardOf = (orderId: string): number =>
  createHash('sha256').update(orderId).digest().readUInt32BE(0) % STATUS_INDEX_SHARDS;

/** The status index partition of a PENDING order of `shard`. */
export const pendingPartition = (shard: number): string => compositeKey('PENDING', shard);

/** The status index partition of an order of `shard` that left PENDING. */
export const settledPartition = (shard: number): string => compositeKey('SETTLED', shard);

/** The status index partition an order in `status` belongs to. */
export const statusPartitionOf = (orderId: string, status: OrderStatus): string =>
  status === 'PENDING' ? pendingPartition(statusShardOf(orderId)) : settledPartition(statusShardOf(orderId));

/** The status index sort key of an order: its checkout time, then its id (unique, and ordered by time). */
export const statusSortKeyOf = (placedAt: string, orderId: string): string => compositeKey(placedAt, orderId);
