import { readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    ssmParameters: SsmParameterDef[];
  }
}

export interface SsmParameterDef extends ResourceBase {
  name: string;
}

/**
 * `AWS::SSM::Parameter`: declared before any stack is read, shared by all of them for
 * `{{resolve:ssm:...}}` and `AWS::SSM::Parameter::Value<...>`, served to functions under `/_aws/ssm`.
 */
export const ssmParameters = resourceKind<'ssmParameters', SsmParameterDef>({
  key: 'ssmParameters',
  types: ['AWS::SSM::Parameter'],
  declare: ({ stack, resolver, ssm, warn }) => {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      if (resource.Type !== 'AWS::SSM::Parameter') continue;
      try {
        if (!resolver.isActive(logicalId)) continue;
        const name = resolver.physicalName(logicalId);
        const type = String(resolver.property(logicalId, 'Type') ?? 'String');
        ssm.define(name, type, `${stack.stackName}/${logicalId}`, () => {
          const value = resolver.property(logicalId, 'Value');
          return Array.isArray(value) ? value.join(',') : String(value);
        });
      } catch (error) {
        warn(`${stack.stackName}/${logicalId}: SSM parameter name not resolvable: ${(error as Error).message}`);
      }
    }
  },
  read: (context) => readEach(context, (logicalId) => ({ ...context.base(logicalId), name: context.resolver.physicalName(logicalId) })),
  describe: (model) => ({ ssmParameters: model?.ssm.all().map(({ name, value }) => ({ name, value })) }),
});
