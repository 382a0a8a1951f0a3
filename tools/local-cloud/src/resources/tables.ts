import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    tables: TableDef[];
  }
}

export interface TableDef extends ResourceBase {
  tableName: string;
  keySchema: { AttributeName: string; KeyType: string }[];
  attributeDefinitions: { AttributeName: string; AttributeType: string }[];
  globalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: string }[];
    Projection: Record<string, unknown>;
  }[];
  localSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: string }[];
    Projection: Record<string, unknown>;
  }[];
  streamViewType?: string;
  ttlAttribute?: string;
}

/** Table name → what creating it did (`created`, `kept` with its data, `updated`). */
type TablesState = Record<string, string>;

/** `AWS::DynamoDB::Table` and `GlobalTable`: tables in DynamoDB Local, kept (with their data) across redeploys and never deleted. */
export const tables = resourceKind<'tables', TableDef, TablesState>({
  key: 'tables',
  types: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const props = propertiesOf(context.resolver, logicalId) as (name: string) => never;
      const stream = props('StreamSpecification') as { StreamViewType?: string; StreamEnabled?: boolean } | undefined;
      const ttl = props('TimeToLiveSpecification') as { AttributeName?: string; Enabled?: boolean } | undefined;
      const indexes = (name: string) =>
        ((props(name) as TableDef['globalSecondaryIndexes'] | undefined) ?? []).map((index) => ({
          IndexName: index.IndexName,
          KeySchema: index.KeySchema,
          Projection: index.Projection ?? { ProjectionType: 'ALL' },
        }));
      return {
        ...context.base(logicalId),
        tableName: context.resolver.physicalName(logicalId),
        keySchema: props('KeySchema'),
        attributeDefinitions: props('AttributeDefinitions') ?? [],
        globalSecondaryIndexes: indexes('GlobalSecondaryIndexes'),
        localSecondaryIndexes: indexes('LocalSecondaryIndexes'),
        streamViewType: stream && stream.StreamEnabled !== false ? (stream.StreamViewType ?? 'NEW_AND_OLD_IMAGES') : undefined,
        ttlAttribute: ttl && ttl.Enabled !== false ? ttl.AttributeName : undefined,
      };
    }),
  apply: async (defs, { runtime }) => {
    const dynamodb = await runtime.dynamodb();
    const states = await Promise.all(defs.map((table) => dynamodb.ensureTable(table)));
    return Object.fromEntries(defs.map((table, index) => [table.tableName, states[index] ?? 'kept']));
  },
  describe: (model) => ({
    tables: model?.tables.map(({ service, tableName, streamViewType }) => ({ service, tableName, streamViewType })),
  }),
  report: (_defs, state) => ({ tables: state ?? {} }),
});
