import { randomUUID } from 'node:crypto';
import { pendingPartition, settledPartition, STATUS_INDEX_SHARDS, statusPartitionOf, statusShardOf, statusSortKeyOf } from './status-index';

const ORDER_ID = '6f1c1c1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';

describe('the status index keys', () => {
  it('puts an order in the same shard every time, PENDING or settled', () => {
    const shard = statusShardOf(ORDER_ID);
    expect(statusShardOf(ORDER_ID)).toBe(shard);
    expect(statusPartitionOf(ORDER_ID, 'PENDING')).toBe(`PENDING#${shard}`);
    for (const status of ['CONFIRMED', 'CANCELLED', 'NEEDS_ATTENTION'] as const)
      expect(statusPartitionOf(ORDER_ID, status)).toBe(`SETTLED#${shard}`);
    expect(statusPartitionOf(ORDER_ID, 'CANCELLED', 'OUT_OF_STOCK')).toBe(`SETTLED#${shard}`);
  });

  it('keeps an order the reconciler cancelled in its PENDING shard (until it is settled)', () => {
    expect(statusPartitionOf(ORDER_ID, 'CANCELLED', 'PROCESSING_FAILED')).toBe(`PENDING#${statusShardOf(ORDER_ID)}`);
  });

  it('spreads orders over every shard, so no single key takes every checkout', () => {
    const counts = Array.from({ length: STATUS_INDEX_SHARDS }, () => 0);
    for (let i = 0; i < 800; i++) counts[statusShardOf(randomUUID())] += 1;
    expect(counts.every((count) => count > 50)).toBe(true);
  });

  it('sorts by checkout time, then order id', () => {
    expect(statusSortKeyOf('2025-03-01T10:00:00.000Z', ORDER_ID)).toBe(`2025-03-01T10:00:00.000Z#${ORDER_ID}`);
    expect(pendingPartition(0)).toBe('PENDING#0');
    expect(settledPartition(7)).toBe('SETTLED#7');
  });
});
