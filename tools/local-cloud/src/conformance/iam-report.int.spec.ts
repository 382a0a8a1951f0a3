/**
 * Conformance: what the templates grant, where a person sees it. The IAM fixture app (grants CDK
 * writes: grantReadData, grantSendMessages, a queue policy for a topic, addPermission, a managed
 * policy, a state machine's role) on the built local cloud: `GET /_local/iam` lists every role
 * with who runs as it and what it was granted, `/_local/resources` counts the IAM it read (no
 * longer "not emulated"), what it could not read is named at start-up, and the stop prints one
 * line of the report.
 */
import { keepOutput, startBuiltCloud, type BuiltCloud } from '../testing/built-cloud';
import { CUSTOMER_FN, MACHINE_ARN, ORDER_FN, synthIamFixture } from '../testing/iam-fixture';
import type { IamReport } from '../iam/types';

let cloud: BuiltCloud;

beforeAll(async () => {
  cloud = await startBuiltCloud({ assemblies: synthIamFixture() });
}, 120_000);

afterAll(async () => {
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: the IAM report', () => {
  it('lists every role with who runs as it, its grants (wildcards expanded) and, before any call, nothing used', async () => {
    const report = await cloud.local<IamReport>('/_local/iam');
    expect(report.roles.map((role) => role.principals)).toEqual(
      expect.arrayContaining([[`function ${ORDER_FN}`], [`function ${CUSTOMER_FN}`], [`state machine ${MACHINE_ARN}`]]),
    );
    const order = report.roles.find((role) => role.principals.includes(`function ${ORDER_FN}`));
    expect(order).toMatchObject({
      stack: 'iam-fixture',
      used: [],
      notObserved: ['kms:Decrypt', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    });
    expect(order?.granted).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem', 'sqs:SendMessage']));
    expect(order?.unused).toEqual(expect.arrayContaining(['dynamodb:Query', 'sqs:SendMessage']));
    expect(report.denials).toEqual([]);
  });

  it('counts the IAM it read in /_local/resources, and lists none of it as not emulated', async () => {
    const resources = await cloud.local<{ iam: Record<string, unknown>; notEmulated: { type: string }[] }>('/_local/resources');
    expect(resources.iam).toEqual({ roles: 3, policies: 5, resourcePolicies: 4, report: '/_local/iam' });
    expect(resources.notEmulated.map((resource) => resource.type)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^AWS::(IAM::|Lambda::Permission|SQS::QueuePolicy)/)]),
    );
  });

  it('names at start-up what it cannot read: an unresolvable statement, an AWS managed policy it does not know', () => {
    const output = cloud.output();
    expect(output).toMatch(/iam-fixture\/Unresolvable: statement AllowsElsewhere of policy unresolvable not resolvable/);
    expect(output).toMatch(
      /iam: iam-fixture\/CustomerFnServiceRole\w+: managed policy arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess .* grants nothing here/,
    );
  });

  it('prints one line of the report when it stops', async () => {
    await cloud.stop();
    expect(cloud.output()).toMatch(/iam: 3 roles, \d+ grants never used \(shop:CustomerFn: .*\), 0 denials \(GET \/_local\/iam\)/);
  });
});
