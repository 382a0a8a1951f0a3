import { readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    userPools: UserPoolDef[];
  }
}

export interface UserPoolDef extends ResourceBase {
  id: string;
  arn: string;
  clientIds: string[];
  groups: string[];
}

/**
 * `AWS::Cognito::UserPool` with its `UserPoolClient`s and `UserPoolGroup`s: the issuer and
 * audience of the locally signed ID tokens (`/_local/tokens`, `npm run token`).
 */
export const userPools = resourceKind<'userPools', UserPoolDef>({
  key: 'userPools',
  types: ['AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolGroup'],
  read: (context) => {
    const { resolver } = context;
    const pools = readEach(
      context,
      (logicalId) => ({
        ...context.base(logicalId),
        id: String(resolver.ref(logicalId)),
        arn: String(resolver.getAtt(logicalId, 'Arn')),
        clientIds: [],
        groups: [],
      }),
      ['AWS::Cognito::UserPool'],
    );
    // Clients and groups hang off a pool of this stack or an earlier one.
    readEach(
      context,
      (logicalId, type) => {
        const poolId = String(resolver.property(logicalId, 'UserPoolId'));
        const pool = [...context.previous, ...pools].find((candidate) => candidate.id === poolId);
        if (pool && type === 'AWS::Cognito::UserPoolClient') pool.clientIds.push(String(resolver.ref(logicalId)));
        if (pool && type === 'AWS::Cognito::UserPoolGroup') pool.groups.push(String(resolver.ref(logicalId)));
        return undefined;
      },
      ['AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolGroup'],
    );
    return pools;
  },
  describe: (model) => ({ userPools: model?.userPools }),
});

/** Local token parameters: the first user pool and client in the loaded assemblies. */
export function tokenAudience(model: { userPools: UserPoolDef[] } | undefined): { userPoolId: string; clientId: string } | undefined {
  const pool = model?.userPools[0];
  return pool ? { userPoolId: pool.id, clientId: pool.clientIds[0] ?? 'local-client' } : undefined;
}
