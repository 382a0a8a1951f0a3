import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ShopCdkError } from './errors';
import { nagFindings } from './nag';
import { ServiceTable, type TableAccess } from './service-table';
import { stageConfig } from './stage-config';
import { testStack } from './testing/test-stack';

describe('ServiceTable', () => {
  it('is on-demand, point-in-time recoverable and encrypted, with pk/sk and TTL on expiresAt', () => {
    const stack = testStack();
    new ServiceTable(stack, 'Table', { stage: stageConfig('dev') });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: Match.absent(),
      GlobalSecondaryIndexes: Match.absent(),
    });
    expect(nagFindings(stack)).toEqual([]);
  });

  it('is retained and deletion-protected in prod, destroyed in dev', () => {
    const prod = testStack();
    new ServiceTable(prod, 'Table', { stage: stageConfig('prod') });
    Template.fromStack(prod).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    const dev = testStack();
    new ServiceTable(dev, 'Table', { stage: stageConfig('dev') });
    Template.fromStack(dev).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('adds gsi1 and a stream on request', () => {
    const stack = testStack();
    new ServiceTable(stack, 'Table', { stage: stageConfig('dev'), gsi1: true, stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('encrypts with a customer-managed key when given one', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new ServiceTable(stack, 'Table', { stage: stageConfig('dev'), encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    });
  });

  describe('grantAccess', () => {
    const grantTo = (access: Parameters<ServiceTable['grantAccess']>[1]) => {
      const stack = testStack();
      const table = new ServiceTable(stack, 'Table', { stage: stageConfig('dev'), gsi1: true });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      table.grantAccess(role, access);
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
      return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    };
    const tableArn = { 'Fn::GetAtt': [expect.stringMatching(/^Table[0-9A-F]{8}$/), 'Arn'] };

    it('grants item reads only for read access', () => {
      expect(grantTo({ items: 'read' })).toEqual([{ Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: tableArn }]);
    });

    it('adds the batch actions only when asked', () => {
      expect(grantTo({ items: 'read-write', batch: true })[0].Action).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]);
    });

    it('grants exactly the item actions listed, and their batch forms only where they apply', () => {
      expect(grantTo({ items: ['GetItem', 'UpdateItem'] })).toEqual([
        { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: tableArn },
      ]);
      expect(grantTo({ items: ['PutItem'] })).toEqual([{ Action: 'dynamodb:PutItem', Effect: 'Allow', Resource: tableArn }]);
      expect(grantTo({ items: ['UpdateItem'], batch: true })[0].Action).toEqual('dynamodb:UpdateItem');
      expect(grantTo({ items: ['PutItem', 'GetItem'], batch: true })[0].Action).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
      ]);
    });

    it('lets exact read actions only decrypt with a customer-managed key, and write actions encrypt too', () => {
      const kmsActionsFor = (items: TableAccess['items']) => {
        const stack = testStack();
        const table = new ServiceTable(stack, 'Table', {
          stage: stageConfig('dev'),
          encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
        });
        const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
        table.grantAccess(role, { items });
        const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
          (p) => p.Properties.PolicyDocument.Statement,
        );
        return statements
          .flatMap((statement: { Action: string | string[] }) => [statement.Action].flat())
          .filter((action) => action.startsWith('kms:'));
      };
      expect(kmsActionsFor(['GetItem', 'ConditionCheckItem'])).toEqual(['kms:Decrypt']);
      expect(kmsActionsFor(['PutItem'])).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt']));
    });

    it('refuses an empty list of item actions', () => {
      expect(() => grantTo({ items: [] })).toThrow(ShopCdkError);
    });

    it('grants Scan of the table ARN only when asked, alone when no item action is listed', () => {
      expect(grantTo({ items: [], scan: true })).toEqual([{ Action: 'dynamodb:Scan', Effect: 'Allow', Resource: tableArn }]);
      expect(grantTo({ items: 'read' })).toEqual([{ Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: tableArn }]);
      expect(grantTo({ items: 'read', scan: true })).toEqual([
        { Action: ['dynamodb:GetItem', 'dynamodb:Scan'], Effect: 'Allow', Resource: tableArn },
      ]);
    });

    it('grants item CRUD on the table and Query on the named index only', () => {
      const statements = grantTo({ items: 'read-write', queryIndexes: ['gsi1'] });
      expect(statements).toHaveLength(2);
      expect(statements[0]).toEqual({
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: tableArn,
      });
      expect(statements[1]).toEqual({
        Action: 'dynamodb:Query',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [tableArn, '/index/gsi1']] },
      });
      expect(JSON.stringify(statements)).not.toMatch(/Scan|index\/\*|"\*"/);
    });
  });
});
