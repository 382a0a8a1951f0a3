import type { CloudModel } from '../assembly/model';
import {
  API_SOURCE,
  BUCKET_ARN,
  CUSTOMER_FN,
  FN_ARN,
  iamFixtureModel,
  MACHINE_ARN,
  ORDER_FN,
  QUEUE_ARN,
  TABLE_ARN,
  TOPIC_ARN,
} from '../testing/iam-fixture';
import { LOCAL_ACCESS_KEY_ID } from '../control-plane/secret';
import { LocalIamAuthority } from './authority';
import { IamGate } from './gate';
import type { ResourcePolicyDef } from './grants';
import type { IamCall } from './types';

let model: CloudModel;
let authority: LocalIamAuthority;
const warnings: string[] = [];

const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => warnings.push(message),
  error: () => undefined,
  line: () => undefined,
};

const required = (value: string | undefined): string => {
  if (value === undefined) throw new Error('expected a value');
  return value;
};

const asFunction = (name: string, action: string, resource: string, context?: IamCall['context']): IamCall => ({
  principal: { kind: 'role', roleArn: required(authority.roleOf('function', name)), sessionName: name },
  action,
  resource,
  context,
});

beforeAll(async () => {
  model = iamFixtureModel();
  authority = new LocalIamAuthority({ logger });
  await authority.setService('shop', model.iam);
}, 120_000);

describe('LocalIamAuthority on the grants of a synthesized CDK app', () => {
  it('knows which role a function and a state machine run as', () => {
    expect(authority.roleOf('function', ORDER_FN)).toMatch(/^arn:aws:iam::000000000000:role\/iam-fixture-OrderFnServiceRole/);
    expect(authority.roleOf('stateMachine', MACHINE_ARN)).toMatch(/role\/iam-fixture-SagaRole/);
    expect(authority.roleOf('function', 'no-such-function')).toBeUndefined();
  });

  it('allows what grantReadData grants, on the table and its indexes', () => {
    expect(authority.authorize(asFunction(ORDER_FN, 'dynamodb:GetItem', TABLE_ARN)).outcome).toBe('allowed');
    expect(authority.authorize(asFunction(ORDER_FN, 'dynamodb:Query', `${TABLE_ARN}/index/byCustomer`)).allowed).toBe(true);
  });

  it('denies implicitly what no statement allows, naming the role, action and resource', () => {
    const decision = authority.authorize(asFunction(ORDER_FN, 'dynamodb:PutItem', TABLE_ARN));
    expect(decision).toEqual({
      allowed: false,
      outcome: 'implicitly-denied',
      explanation: expect.stringMatching(
        /^no statement of role iam-fixture-OrderFnServiceRole\w+ \(function iam-fixture-order\) allows dynamodb:PutItem on table\/iam-fixture-orders$/,
      ),
    });
  });

  it('denies explicitly, naming the statement, even where another statement allows', () => {
    const decision = authority.authorize(asFunction(CUSTOMER_FN, 'dynamodb:DeleteItem', TABLE_ARN));
    expect(decision.outcome).toBe('explicitly-denied');
    expect(decision.explanation).toMatch(
      /^statement NeverDelete of CustomerFnServiceRoleDefaultPolicy\w+ denies dynamodb:DeleteItem on table\/iam-fixture-orders/,
    );
    expect(authority.authorize(asFunction(CUSTOMER_FN, 'dynamodb:UpdateItem', TABLE_ARN)).allowed).toBe(true);
  });

  it("allows the caller's own partition under a LeadingKeys condition and denies another's, saying which condition", () => {
    expect(authority.authorize(asFunction(CUSTOMER_FN, 'dynamodb:GetItem', TABLE_ARN, { 'dynamodb:LeadingKeys': ['c#1'] })).allowed).toBe(
      true,
    );
    const other = authority.authorize(asFunction(CUSTOMER_FN, 'dynamodb:GetItem', TABLE_ARN, { 'dynamodb:LeadingKeys': ['c#2'] }));
    expect(other.outcome).toBe('implicitly-denied');
    expect(other.explanation).toContain('statement OwnPartitionOnly of CustomerFnServiceRoleDefaultPolicy');
    expect(other.explanation).toContain('allows it only when {"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["c#1"]}}');
    expect(other.explanation).toContain('the request has {"dynamodb:LeadingKeys":["c#2"]}');
  });

  it('lets a service principal in by a resource policy whose SourceArn matches, and only then', () => {
    const fromTopic = (sourceArn: string): IamCall => ({
      principal: { kind: 'service', service: 'sns.amazonaws.com', sourceArn },
      action: 'sqs:SendMessage',
      resource: QUEUE_ARN,
    });
    expect(authority.authorize(fromTopic(TOPIC_ARN)).allowed).toBe(true);
    const other = authority.authorize(fromTopic(`${TOPIC_ARN}-other`));
    expect(other.outcome).toBe('implicitly-denied');
    expect(other.explanation).toBe(
      `sns.amazonaws.com (for ${TOPIC_ARN}-other) may not sqs:SendMessage on queue iam-fixture-events: statement #1 of the resource policy of queue iam-fixture-events allows it only when {"ArnEquals":{"aws:SourceArn":"${TOPIC_ARN}"}}`,
    );
  });

  it("invokes a function for API Gateway through the function's resource policy (SourceArn with a wildcard)", () => {
    const api = (sourceArn: string, resource = FN_ARN(ORDER_FN)): IamCall => ({
      principal: { kind: 'service', service: 'apigateway.amazonaws.com', sourceArn },
      action: 'lambda:InvokeFunction',
      resource,
    });
    expect(authority.authorize(api(API_SOURCE.replace('*', 'prod/GET/orders'))).allowed).toBe(true);
    expect(authority.authorize(api('arn:aws:execute-api:us-east-1:000000000000:api2/prod/GET/orders')).allowed).toBe(false);
    expect(authority.authorize(api(API_SOURCE, FN_ARN(CUSTOMER_FN))).explanation).toContain('has no resource policy');
  });

  it("allows the state machine's role to invoke the task's function (grantInvoke's identity statement)", () => {
    const saga: IamCall = {
      principal: { kind: 'role', roleArn: required(authority.roleOf('stateMachine', MACHINE_ARN)) },
      action: 'lambda:InvokeFunction',
      resource: FN_ARN(ORDER_FN),
    };
    expect(authority.authorize(saga).allowed).toBe(true);
    expect(authority.authorize({ ...saga, resource: FN_ARN(CUSTOMER_FN) }).allowed).toBe(false);
  });

  it('reads a customer managed policy and an AWS managed policy it knows; names the one it does not', () => {
    const parameter = 'arn:aws:ssm:us-east-1:000000000000:parameter/shop/catalog/table';
    expect(authority.authorize(asFunction(CUSTOMER_FN, 'ssm:GetParameter', parameter)).allowed).toBe(true);
    expect(authority.authorize(asFunction(ORDER_FN, 'ssm:GetParameter', parameter)).allowed).toBe(false);
    expect(authority.authorize(asFunction(ORDER_FN, 'logs:PutLogEvents', 'arn:aws:logs:us-east-1:000000000000:log-group:x')).allowed).toBe(
      true,
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(/managed policy arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess of role .* is not known locally/),
    );
    expect(authority.authorize(asFunction(CUSTOMER_FN, 's3:GetObject', 'arn:aws:s3:::any/key')).allowed).toBe(false);
  });

  it("lets a KMS key's key policy delegate to the account's identity policies (grantDecrypt), and nothing more", () => {
    const key = model.iam.find((def): def is ResourcePolicyDef => def.type === 'resourcePolicy' && def.logicalId.startsWith('Key'));
    const keyArn = required(key?.resourceArns[0]);
    expect(authority.authorize(asFunction(ORDER_FN, 'kms:Decrypt', keyArn)).allowed).toBe(true);
    expect(authority.authorize(asFunction(ORDER_FN, 'kms:Encrypt', keyArn)).allowed).toBe(false);
    expect(authority.authorize(asFunction(CUSTOMER_FN, 'kms:Decrypt', keyArn)).allowed).toBe(false);
  });

  it("reads an object a bucket grants, past the bucket policy's enforceSSL deny (aws:SecureTransport is true, as the SDK's TLS is in AWS)", () => {
    expect(authority.authorize(asFunction(CUSTOMER_FN, 's3:GetObject', `${BUCKET_ARN}/invoices/1.pdf`)).allowed).toBe(true);
    const plainHttp = authority.authorize(
      asFunction(CUSTOMER_FN, 's3:GetObject', `${BUCKET_ARN}/invoices/1.pdf`, { 'aws:SecureTransport': 'false' }),
    );
    expect(plainHttp.outcome).toBe('explicitly-denied');
    expect(plainHttp.explanation).toMatch(/^statement #1 of the policy of bucket iam-fixture-files denies s3:GetObject/);
    expect(authority.authorize(asFunction(ORDER_FN, 's3:GetObject', `${BUCKET_ARN}/invoices/1.pdf`)).allowed).toBe(false);
  });

  it('keeps an unresolvable deny denying everywhere, and an unresolvable allow allowing nothing', () => {
    expect(authority.authorize(asFunction(CUSTOMER_FN, 'sns:Publish', TOPIC_ARN)).outcome).toBe('explicitly-denied');
    expect(authority.authorize(asFunction(CUSTOMER_FN, 'sqs:DeleteMessage', QUEUE_ARN)).outcome).toBe('implicitly-denied');
  });

  it('denies a role no loaded stack declares, saying so', () => {
    const decision = authority.authorize({
      principal: { kind: 'role', roleArn: 'arn:aws:iam::000000000000:role/ghost' },
      action: 'dynamodb:GetItem',
      resource: TABLE_ARN,
    });
    expect(decision.explanation).toMatch(/^role ghost is not declared in any loaded stack/);
  });
});

describe('the decision cache', () => {
  it('answers a repeated call with the cached decision, per context', () => {
    const call = asFunction(ORDER_FN, 'dynamodb:Scan', TABLE_ARN);
    const first = authority.authorize(call);
    expect(authority.authorize({ ...call })).toBe(first);
    const own = authority.authorize(asFunction(CUSTOMER_FN, 'dynamodb:Query', TABLE_ARN, { 'dynamodb:LeadingKeys': ['c#1'] }));
    const other = authority.authorize(asFunction(CUSTOMER_FN, 'dynamodb:Query', TABLE_ARN, { 'dynamodb:LeadingKeys': ['c#2'] }));
    expect(own).not.toBe(other);
    expect(authority.authorize(asFunction(CUSTOMER_FN, 'dynamodb:Query', TABLE_ARN, { 'dynamodb:LeadingKeys': ['c#1'] }))).toBe(own);
  });

  it("keeps one decision across partition keys for a role whose policies test no LeadingKeys (each order's new key is no new question)", () => {
    const first = authority.authorize(asFunction(ORDER_FN, 'dynamodb:GetItem', TABLE_ARN, { 'dynamodb:LeadingKeys': ['o#1'] }));
    expect(first.allowed).toBe(true);
    expect(authority.authorize(asFunction(ORDER_FN, 'dynamodb:GetItem', TABLE_ARN, { 'dynamodb:LeadingKeys': ['o#2'] }))).toBe(first);
    expect(authority.authorize(asFunction(ORDER_FN, 'dynamodb:GetItem', TABLE_ARN))).toBe(first);
    // A role that tests it still gets a decision per key, and the right one.
    expect(authority.authorize(asFunction(CUSTOMER_FN, 'dynamodb:GetItem', TABLE_ARN, { 'dynamodb:LeadingKeys': ['c#9'] })).allowed).toBe(
      false,
    );
  });

  it('makes a repeated call cheap: 100,000 cached decisions at a few microseconds each', () => {
    const call = asFunction(ORDER_FN, 'dynamodb:Query', `${TABLE_ARN}/index/byCustomer`, { 'dynamodb:LeadingKeys': ['c#1'] });
    authority.authorize(call);
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) authority.authorize(call);
    const perCallMicros = ((performance.now() - started) * 1000) / 100_000;
    // An uncached decision runs the evaluator (about a millisecond); a cached one is a map lookup, bounded loosely for a loaded machine.
    expect(perCallMicros).toBeLessThan(50);
  });

  it('starts over when it is full', () => {
    const small = new LocalIamAuthority({ maxCachedDecisions: 2 });
    return small.setService('shop', model.iam).then(() => {
      // The customer's role tests LeadingKeys: one decision per partition key.
      const call = (i: number) => asFunction(CUSTOMER_FN, 'dynamodb:GetItem', TABLE_ARN, { 'dynamodb:LeadingKeys': [`c#${i}`] });
      const first = small.authorize(call(1));
      small.authorize(call(2));
      small.authorize(call(3));
      expect(small.authorize(call(1))).not.toBe(first);
      expect(small.authorize(call(1))).toEqual(first);
    });
  });
});

describe('a redeploy', () => {
  it("replaces the service's grants (a removed grant denies at once) and keeps what was used", async () => {
    const own = new LocalIamAuthority();
    await own.setService('shop', model.iam);
    const saga: IamCall = {
      principal: { kind: 'role', roleArn: required(own.roleOf('stateMachine', MACHINE_ARN)) },
      action: 'lambda:InvokeFunction',
      resource: FN_ARN(ORDER_FN),
    };
    expect(own.authorize(saga).allowed).toBe(true);
    await own.setService('shop', iamFixtureModel({ withoutSagaInvoke: true }).iam);
    const after = own.authorize(saga);
    expect(after.allowed).toBe(false);
    expect(after.explanation).toMatch(
      /^no statement of role iam-fixture-SagaRole\w+ allows lambda:InvokeFunction on function:iam-fixture-order \(nor does the resource policy of function iam-fixture-order\)$/,
    );
    expect(own.report().roles.find((role) => role.logicalId.startsWith('SagaRole'))?.used).toEqual(['lambda:InvokeFunction']);
  }, 120_000);
});

describe('report()', () => {
  it('lists per role what was granted (wildcards expanded), used, unused and not observed, and every denial with its count and mode', async () => {
    const own = new LocalIamAuthority();
    await own.setService('shop', model.iam);
    own.authorize(asFunction(CUSTOMER_FN, 'dynamodb:PutItem', TABLE_ARN));
    own.authorize(asFunction(CUSTOMER_FN, 'dynamodb:PutItem', TABLE_ARN));
    for (let i = 0; i < 3; i++) own.authorize(asFunction(ORDER_FN, 'dynamodb:PutItem', TABLE_ARN));
    own.authorize(asFunction(ORDER_FN, 'dynamodb:PutItem', TABLE_ARN), 'warn');

    const { roles, denials } = own.report();
    const customer = roles.find((role) => role.logicalId.startsWith('CustomerFnServiceRole'));
    expect(customer).toMatchObject({ stack: 'iam-fixture', principals: [`function ${CUSTOMER_FN}`], used: ['dynamodb:PutItem'] });
    // dynamodb:Update* expands to UpdateItem and the other Update actions.
    expect(customer?.granted).toEqual(
      expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:UpdateTable', 'dynamodb:PutItem', 'ssm:GetParameter']),
    );
    expect(customer?.unused).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'ssm:GetParameter', 'lambda:InvokeFunction']));
    expect(customer?.unused).not.toContain('dynamodb:PutItem');
    expect(customer?.notObserved).toEqual(expect.arrayContaining(['logs:CreateLogGroup', 'logs:PutLogEvents']));
    expect(customer?.unused).not.toContain('logs:PutLogEvents');

    expect(denials).toEqual([
      expect.objectContaining({
        action: 'dynamodb:PutItem',
        resource: TABLE_ARN,
        count: 3,
        mode: 'enforce',
        principal: authority.roleOf('function', ORDER_FN),
      }),
      expect.objectContaining({ action: 'dynamodb:PutItem', count: 1, mode: 'warn' }),
    ]);
    expect(denials[0].explanation).toMatch(/^no statement of role iam-fixture-OrderFnServiceRole/);
    expect(own.summary()).toMatch(
      /^iam: 3 roles, \d+ grants never used \(shop:CustomerFn: dynamodb:DeleteItem, dynamodb:GetItem, dynamodb:Query \+\d+; shop:OrderFn: dynamodb:BatchGetItem, .*\), 4 denials/,
    );
  });
});

describe("admitting a kind of call (a function's worker then sends it to DynamoDB Local itself)", () => {
  it('is condition-free only where neither the role nor the resource policy tests a condition key', () => {
    const orderRole = required(authority.roleOf('function', ORDER_FN));
    expect(authority.conditionFree(orderRole, [TABLE_ARN])).toBe(true);
    // Its OwnPartitionOnly statement tests dynamodb:LeadingKeys: a GetItem's decision depends on the item's key.
    expect(authority.conditionFree(required(authority.roleOf('function', CUSTOMER_FN)), [TABLE_ARN])).toBe(false);
    // The bucket's policy (enforceSSL) tests aws:SecureTransport.
    expect(authority.conditionFree(orderRole, [BUCKET_ARN])).toBe(false);
  });

  it('tells its listener each time a redeploy replaces the grants', async () => {
    let changes = 0;
    const own = new LocalIamAuthority({ onChange: () => changes++ });
    await own.setService('shop', model.iam);
    await own.setService('shop', iamFixtureModel({ withoutSagaInvoke: true }).iam);
    expect(changes).toBe(2);
  }, 120_000);

  it('the gate admits a kind only when every permission is allowed and no condition can change that', () => {
    const authorization = (key: string) =>
      `AWS4-HMAC-SHA256 Credential=${key}/20261203/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0`;
    const gateOf = (mode: 'enforce' | 'warn' | 'off') => {
      const gate = new IamGate({ mode, logger });
      gate.authority = authority;
      return gate;
    };
    const enforce = gateOf('enforce');
    const order = authorization(enforce.keys.issue(ORDER_FN));
    const customer = authorization(enforce.keys.issue(CUSTOMER_FN));
    const get = () => [{ action: 'dynamodb:GetItem', resource: TABLE_ARN }];
    const put = () => [{ action: 'dynamodb:PutItem', resource: TABLE_ARN }];
    expect(enforce.admitRequest(order, get)).toEqual({ admitted: true });
    expect(enforce.admitRequest(order, put)).toEqual({ refusal: expect.objectContaining({ requested: put()[0] }), admitted: false });
    // Allowed for this key, but another item's key could be refused.
    expect(enforce.admitRequest(customer, () => [{ ...get()[0], context: { 'dynamodb:LeadingKeys': ['c#1'] } }])).toEqual({
      admitted: false,
    });
    expect(enforce.admitRequest(authorization('ASIANEVERISSUED0000'), get)).toEqual({ refusal: expect.anything(), admitted: false });
    expect(enforce.admitRequest(authorization(LOCAL_ACCESS_KEY_ID), put)).toEqual({ admitted: true });
    // In warn, a denial is let through but never admitted: each call of its kind is logged again.
    const warn = gateOf('warn');
    expect(warn.admitRequest(authorization(warn.keys.issue(ORDER_FN)), put)).toEqual({ admitted: false });
    expect(gateOf('off').admitRequest(order, put)).toEqual({ admitted: true });
  });
});
