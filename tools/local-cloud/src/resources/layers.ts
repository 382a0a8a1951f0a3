import { findCodeAsset } from '../assembly/cloud-assembly';
import { UnresolvedError } from '../assembly/intrinsics';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    layers: LayerDef[];
  }
}

/** `AWS::Lambda::LayerVersion`: its staged content folder (what Lambda extracts under `/opt`). */
export interface LayerDef extends ResourceBase {
  /** The layer version ARN (what `Ref` gives and a function's `Layers` lists). */
  arn: string;
  contentDir: string;
  compatibleRuntimes: string[];
}

/**
 * `AWS::Lambda::LayerVersion`: nothing to create; the functions that list it get its content
 * merged (in layer order) into their own `/opt` folder (`lambda/layers.ts`).
 */
export const layers = resourceKind<'layers', LayerDef>({
  key: 'layers',
  types: ['AWS::Lambda::LayerVersion'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const { stack, resolver } = context;
      const resource = stack.template.Resources[logicalId];
      const content = (resolver.property(logicalId, 'Content') ?? {}) as { S3Key?: unknown };
      const contentDir = findCodeAsset(stack, content.S3Key, resource.Metadata);
      if (!contentDir) throw new UnresolvedError(`content asset of ${logicalId} not found in ${stack.assemblyDir}`);
      const runtimes = propertiesOf(resolver, logicalId)('CompatibleRuntimes');
      return {
        ...context.base(logicalId),
        arn: String(resolver.ref(logicalId)),
        contentDir,
        compatibleRuntimes: Array.isArray(runtimes) ? runtimes.map(String) : [],
      };
    }),
  describe: (model) => ({
    layers: (model?.layers ?? []).map(({ arn, stackName, logicalId, contentDir }) => ({ arn, stackName, logicalId, contentDir })),
  }),
});
