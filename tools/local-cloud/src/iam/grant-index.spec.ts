import { buildGrantIndex } from './grant-index';
import { policyHolderOf, type IamDef, type PolicyDocument, type RoleGrantDef } from './grants';

const base = (logicalId: string) => ({ service: 'svc', stackName: 'stack', logicalId });
const allow = (action: string, resource = '*'): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
});
const role = (name: string, extra: Partial<RoleGrantDef> = {}): RoleGrantDef => ({
  ...base(`${name}Role`),
  type: 'role',
  roleArn: `arn:aws:iam::000000000000:role/${name}`,
  roleName: name,
  inlinePolicies: [],
  managedPolicyArns: [],
  trustedServices: ['lambda.amazonaws.com'],
  ...extra,
});

function index(defs: IamDef[]) {
  const warnings: string[] = [];
  return { index: buildGrantIndex(defs, (message) => warnings.push(message)), warnings };
}

describe('buildGrantIndex', () => {
  it('attaches policies to a role by its name or its ARN, and a customer managed policy listed by the role once, however it is attached', () => {
    const managed: IamDef = {
      ...base('Managed'),
      type: 'policy',
      policy: { name: 'managed', document: allow('ssm:GetParameter') },
      managedPolicyArn: 'arn:aws:iam::000000000000:policy/managed',
      roles: ['a'],
    };
    const { index: built, warnings } = index([
      role('a', {
        inlinePolicies: [{ name: 'a/inline', document: allow('sqs:SendMessage') }],
        managedPolicyArns: [String(managed.managedPolicyArn)],
      }),
      { ...base('ByName'), type: 'policy', policy: { name: 'by-name', document: allow('sns:Publish') }, roles: ['a'] },
      {
        ...base('ByArn'),
        type: 'policy',
        policy: { name: 'by-arn', document: allow('dynamodb:GetItem') },
        roles: ['arn:aws:iam::000000000000:role/a'],
      },
      managed,
    ]);
    expect(built.roles.get('arn:aws:iam::000000000000:role/a')?.policies.map((policy) => policy.name)).toEqual([
      'a/inline',
      'by-name',
      'by-arn',
      'managed',
    ]);
    expect(warnings).toEqual([]);
  });

  it('names a policy attached to a role no loaded stack declares, an AWS managed policy it does not know, and a document IAM would refuse', () => {
    const { index: built, warnings } = index([
      role('a', {
        managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        inlinePolicies: [{ name: 'a/bad', document: { Statement: [{ Effect: 'Perhaps', Action: 'sqs:SendMessage', Resource: '*' }] } }],
      }),
      { ...base('Orphan'), type: 'policy', policy: { name: 'orphan', document: allow('sns:Publish') }, roles: ['ghost'] },
    ]);
    expect(built.roles.get('arn:aws:iam::000000000000:role/a')?.policies).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/^stack\/aRole: policy a\/bad not used, IAM would refuse it: .*Effect/),
      'stack/Orphan: policy orphan is attached to role ghost, which no loaded stack declares',
      'stack/aRole: managed policy arn:aws:iam::aws:policy/AdministratorAccess of role a is not known locally: it grants nothing here',
    ]);
  });

  it('merges the resource policies of one resource (Lambda permissions add up), keyed by the unqualified function and the bucket', () => {
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:f';
    const statement = (sid: string, service: string) => ({
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'lambda:InvokeFunction',
      Resource: fn,
    });
    const permission = (sid: string, service: string): IamDef => ({
      ...base(sid),
      type: 'resourcePolicy',
      resourceArns: [fn],
      policy: { name: 'the resource policy of function f', document: { Version: '2012-10-17', Statement: [statement(sid, service)] } },
    });
    const { index: built } = index([permission('Api', 'apigateway.amazonaws.com'), permission('Rule', 'events.amazonaws.com')]);
    expect(policyHolderOf(`${fn}:live`)).toBe(fn);
    expect(policyHolderOf('arn:aws:s3:::files/invoices/1.pdf')).toBe('arn:aws:s3:::files');
    expect(policyHolderOf('arn:aws:sqs:us-east-1:000000000000:q')).toBe('arn:aws:sqs:us-east-1:000000000000:q');
    expect(built.resourcePolicies.get(fn)).toEqual({
      name: 'the resource policy of function f',
      document: {
        Version: '2012-10-17',
        Statement: [statement('Api', 'apigateway.amazonaws.com'), statement('Rule', 'events.amazonaws.com')],
      },
    });
  });

  it('binds principals to roles, labelled as the log labels functions, and names a role that does not trust the service that runs as it', () => {
    const { index: built, warnings } = index([
      role('a'),
      {
        ...base('OrderFnCCA92D22'),
        type: 'binding',
        principal: 'function',
        name: 'svc-order',
        roleArn: 'arn:aws:iam::000000000000:role/a',
      },
      {
        ...base('Saga1A2B3C4D'),
        type: 'binding',
        principal: 'stateMachine',
        name: 'arn:aws:states:us-east-1:000000000000:stateMachine:saga',
        roleArn: 'arn:aws:iam::000000000000:role/a',
      },
    ]);
    expect(built.bindings.get('function:svc-order')).toBe('arn:aws:iam::000000000000:role/a');
    expect(built.principalsOf.get('arn:aws:iam::000000000000:role/a')).toEqual([
      'function svc-order',
      'state machine arn:aws:states:us-east-1:000000000000:stateMachine:saga',
    ]);
    expect(built.labelOf.get('arn:aws:iam::000000000000:role/a')).toBe('svc:OrderFn');
    expect(warnings).toEqual([
      'stack/Saga1A2B3C4D: role a does not trust states.amazonaws.com, so state machine arn:aws:states:us-east-1:000000000000:stateMachine:saga could not run as it in AWS',
    ]);
  });
});
