import type { CloudModel } from '../assembly/model';
import type { AttachedPolicyDef, IamDef, ResourcePolicyDef, RoleGrantDef } from '../iam/grants';
import { EMULATED_TYPES } from './registry';
import {
  API_SOURCE,
  BUCKET_ARN,
  CUSTOMER_FN,
  FIXTURE_STACK,
  FN_ARN,
  iamFixtureModel,
  MACHINE_ARN,
  ORDER_FN,
  QUEUE_ARN,
  TABLE_ARN,
  TOPIC_ARN,
} from '../testing/iam-fixture';

let model: CloudModel;

beforeAll(() => {
  model = iamFixtureModel();
}, 120_000);

const ofType = <T extends IamDef['type']>(type: T) => model.iam.filter((def): def is Extract<IamDef, { type: T }> => def.type === type);
const roleOf = (prefix: string): RoleGrantDef => {
  const role = ofType('role').find((def) => def.logicalId.startsWith(prefix));
  if (!role) throw new Error(`no role ${prefix}`);
  return role;
};
const roleArnPrefix = `arn:aws:iam::000000000000:role/${FIXTURE_STACK}-`;

describe('the iam resource kind on a synthesized CDK app', () => {
  it('reads every IAM and resource-policy type (they leave the "not emulated" count)', () => {
    for (const type of [
      'AWS::IAM::Role',
      'AWS::IAM::Policy',
      'AWS::IAM::ManagedPolicy',
      'AWS::SQS::QueuePolicy',
      'AWS::Lambda::Permission',
    ]) {
      expect(EMULATED_TYPES.has(type)).toBe(true);
    }
    expect(model.notEmulated.map((resource) => resource.type)).not.toContain('AWS::IAM::Role');
  });

  it('reads a role with its ARN, its AWS managed policies and the services its trust policy names', () => {
    const role = roleOf('OrderFnServiceRole');
    expect(role.roleArn).toBe(`${roleArnPrefix}${role.logicalId}`);
    expect(role.managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
    expect(role.trustedServices).toEqual(['lambda.amazonaws.com']);
  });

  it("reads grantReadData and grantSendMessages as the role's default policy, with local ARNs", () => {
    const policy = ofType('policy').find((def) => def.logicalId.startsWith('OrderFnServiceRoleDefaultPolicy')) as AttachedPolicyDef;
    expect(policy.roles).toEqual([roleOf('OrderFnServiceRole').roleName]);
    expect(policy.policy.document.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem']),
          Resource: [TABLE_ARN, `${TABLE_ARN}/index/*`],
        }),
        expect.objectContaining({ Action: expect.arrayContaining(['sqs:SendMessage']), Resource: QUEUE_ARN }),
      ]),
    );
  });

  it('keeps a LeadingKeys condition and an explicit deny as written', () => {
    const policy = ofType('policy').find((def) => def.logicalId.startsWith('CustomerFnServiceRoleDefaultPolicy')) as AttachedPolicyDef;
    const statements = policy.policy.document.Statement;
    expect(statements.find((statement) => statement.Sid === 'OwnPartitionOnly')?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['c#1'] },
    });
    expect(statements.find((statement) => statement.Sid === 'NeverDelete')).toMatchObject({
      Effect: 'Deny',
      Action: 'dynamodb:DeleteItem',
    });
  });

  it('reads a customer managed policy with its ARN and the roles it is attached to', () => {
    const managed = ofType('policy').find((def) => def.managedPolicyArn !== undefined) as AttachedPolicyDef;
    expect(managed.managedPolicyArn).toBe('arn:aws:iam::000000000000:policy/iam-fixture-read-parameters');
    expect(managed.roles).toEqual([roleOf('CustomerFnServiceRole').roleName]);
    expect(managed.policy.document.Statement[0]).toMatchObject({ Resource: 'arn:aws:ssm:us-east-1:000000000000:parameter/shop/*' });
  });

  it("reads the queue policy a topic subscription writes, on the queue's ARN (not its URL)", () => {
    const queuePolicy = ofType('resourcePolicy').find((def) => def.resourceArns.includes(QUEUE_ARN)) as ResourcePolicyDef;
    expect(queuePolicy.policy.document.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': TOPIC_ARN } },
      }),
    ]);
  });

  it("turns addPermission into a statement of the function's resource policy, as Lambda does", () => {
    const permission = ofType('resourcePolicy').find((def) => def.resourceArns.includes(FN_ARN(ORDER_FN))) as ResourcePolicyDef;
    expect(permission.policy.document.Statement).toEqual([
      {
        Sid: permission.logicalId,
        Effect: 'Allow',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: FN_ARN(ORDER_FN),
        Condition: { ArnLike: { 'aws:SourceArn': API_SOURCE } },
      },
    ]);
  });

  it("reads a bucket's policy on the bucket's ARN and a KMS key's key policy on the key's ARN", () => {
    const bucket = ofType('resourcePolicy').find((def) => def.resourceArns.includes(BUCKET_ARN)) as ResourcePolicyDef;
    expect(bucket.policy.document.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    const key = ofType('resourcePolicy').find((def) => def.logicalId.startsWith('Key')) as ResourcePolicyDef;
    expect(key.resourceArns).toEqual([expect.stringMatching(/^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/)]);
    expect(key.policy.document.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'kms:*' }),
    ]);
  });

  it('binds each function and the state machine to its role', () => {
    const bindings = ofType('binding').map(({ principal, name, roleArn }) => ({ principal, name, roleArn }));
    expect(bindings).toEqual(
      expect.arrayContaining([
        { principal: 'function', name: ORDER_FN, roleArn: roleOf('OrderFnServiceRole').roleArn },
        { principal: 'function', name: CUSTOMER_FN, roleArn: roleOf('CustomerFnServiceRole').roleArn },
        { principal: 'stateMachine', name: MACHINE_ARN, roleArn: roleOf('SagaRole').roleArn },
      ]),
    );
  });

  it('names an unresolvable statement: an allow is left out, a deny is kept on every resource', () => {
    const unresolvable = ofType('policy').find((def) => def.logicalId === 'Unresolvable') as AttachedPolicyDef;
    expect(unresolvable.policy.document.Statement).toEqual([{ Effect: 'Deny', Action: 'sns:Publish', Resource: '*' }]);
    const warnings = model.warnings.filter((warning) => warning.startsWith(`${FIXTURE_STACK}/Unresolvable`));
    expect(warnings).toEqual([
      expect.stringMatching(/statement AllowsElsewhere of policy unresolvable not resolvable \(.*missing-queue-arn.*\); left out/),
      expect.stringMatching(
        /statement DeniesElsewhere of policy unresolvable not resolvable \(.*missing-topic-arn.*\); kept as a deny on every resource/,
      ),
    ]);
  });
});
