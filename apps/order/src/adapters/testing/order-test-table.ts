import { SINGLE_TABLE, type TableDescription } from '@shop/testing';
import { STATUS_INDEX, STATUS_INDEX_PARTITION_KEY, STATUS_INDEX_SORT_KEY } from '../status-index';

/** The order table as the stack declares it, for DynamoDB Local: the shop's single table plus the status index. Test code only. */
export const ORDER_TEST_TABLE: TableDescription = {
  ...SINGLE_TABLE,
  globalSecondaryIndexes: [
    ...(SINGLE_TABLE.globalSecondaryIndexes ?? []),
    { indexName: STATUS_INDEX, partitionKey: STATUS_INDEX_PARTITION_KEY, sortKey: STATUS_INDEX_SORT_KEY },
  ],
};
