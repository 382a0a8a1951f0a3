import type { TableDescription } from '@shop/testing';

/** The basket table as the stack defines it: `pk`/`sk`, TTL on `expiresAt`, no index, no stream. */
export const BASKET_TABLE: TableDescription = { partitionKey: 'pk', sortKey: 'sk', timeToLiveAttribute: 'expiresAt' };
