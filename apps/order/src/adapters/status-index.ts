import { createHash } from 'node:crypto';
import { compositeKey } from '@shop/dynamodb';
import type { CancellationReason, OrderStatus } from '../domain/order';

/**
 * The order table's status index (`gsi2`): every order by whether the reconciler's sweep must still
 * look at it, and when it was placed. The PENDING partitions hold PENDING orders and orders the
 * reconciler cancelled (`PROCESSING_FAILED`) until their compensations are done (`settle`), so a
 * reconciliation cut off between its fence and its compensations is found by the next sweep; the
 * SETTLED partitions hold every other order, read by the event replay for a time window. One index
 * serves both because CloudFormation adds one global secondary index per table update.
 *
 * The partition key is sharded by a hash of the order id (`PENDING#<0..7>`, `SETTLED#<0..7>`), so no
 * single key takes every checkout's write; a reader queries each shard. A status change computes the
 * partition from the order's id and new status, so it rewrites it in the same single UpdateItem.
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

/**
 * The status index partition an order enters with `status`: PENDING for a PENDING order and for one
 * the reconciler cancelled (`PROCESSING_FAILED`: it stays there until `settle`), SETTLED otherwise.
 */
export const statusPartitionOf = (orderId: string, status: OrderStatus, cancellationReason?: CancellationReason): string =>
  status === 'PENDING' || (status === 'CANCELLED' && cancellationReason === 'PROCESSING_FAILED')
    ? pendingPartition(statusShardOf(orderId))
    : settledPartition(statusShardOf(orderId));

/** The status index sort key of an order: its checkout time, then its id (unique, and ordered by time). */
export const statusSortKeyOf = (placedAt: string, orderId: string): string => compositeKey(placedAt, orderId);
