import { UnresolvedError, type StackResolver } from '../assembly/intrinsics';
import { functionNameOf, lambdaArn, queueArn, queueNameOf } from '../assembly/naming';
import { isObject } from '../assembly/template';
import type { IamDef, NamedPolicy, PolicyDocument, RoleBindingDef } from '../iam/grants';
import { readEach, resourceKind, type ReadContext } from './kind';

declare module './kind' {
  interface ModelDefs {
    iam: IamDef[];
  }
}

/** The template types whose policies the IAM kind reads. */
const RESOURCE_POLICY_TYPES = [
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::Lambda::Permission',
  'AWS::S3::BucketPolicy',
  'AWS::KMS::Key',
];

type Context = ReadContext<IamDef>;

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * A policy document with its intrinsics resolved, statement by statement: a statement that cannot
 * be resolved is a warning naming it, and is left out when it allows (it grants nothing locally)
 * or kept denying on every resource, unconditionally, when it denies (never a silent allow).
 */
function readPolicyDocument(context: Context, logicalId: string, name: string, raw: unknown): PolicyDocument | undefined {
  const where = `${context.stack.stackName}/${logicalId}`;
  const resolver = context.resolver;
  let document: unknown;
  try {
    document = resolver.resolve(raw);
  } catch (error) {
    if (!(error instanceof UnresolvedError) || !isObject(raw) || !Array.isArray(raw.Statement)) throw error;
    const statements = raw.Statement.map((statement, index) =>
      readStatement(resolver, statement, (reason) => {
        context.warn(`${where}: statement ${statementName(statement, index)} of policy ${name} not resolvable (${reason})`);
      }),
    );
    document = { ...raw, Statement: statements.filter((statement) => statement !== undefined) };
  }
  if (!isObject(document)) {
    context.warn(`${where}: policy ${name} is not a policy document: it grants nothing`);
    return undefined;
  }
  return { Version: String(document.Version ?? '2012-10-17'), Statement: asList(document.Statement).filter(isObject) };
}

const statementName = (statement: unknown, index: number) =>
  isObject(statement) && typeof statement.Sid === 'string' ? statement.Sid : `#${index + 1}`;

function readStatement(resolver: StackResolver, raw: unknown, warn: (reason: string) => void): Record<string, unknown> | undefined {
  try {
    return resolver.resolve(raw) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof UnresolvedError)) throw error;
    const effect = isObject(raw) ? raw.Effect : undefined;
    if (effect !== 'Deny') {
      warn(`${error.message}; left out: it allows nothing here`);
      return undefined;
    }
    warn(`${error.message}; kept as a deny on every resource`);
    let action: unknown = '*';
    try {
      action = resolver.resolve((raw as Record<string, unknown>).Action ?? '*');
    } catch {
      // An action that cannot be resolved either: deny every action.
    }
    return { Effect: 'Deny', Action: action, Resource: '*' };
  }
}

/** The service principals a role's trust policy lets assume it (`lambda.amazonaws.com`, `states.amazonaws.com`). */
function trustedServices(document: PolicyDocument | undefined): string[] {
  return (document?.Statement ?? [])
    .filter((statement) => statement.Effect === 'Allow' && isObject(statement.Principal))
    .flatMap((statement) => asList((statement.Principal as Record<string, unknown>).Service).map(String));
}

function readRole(context: Context, logicalId: string): IamDef {
  const { resolver } = context;
  const resource = context.stack.template.Resources[logicalId];
  const roleName = resolver.physicalName(logicalId);
  const inlinePolicies: NamedPolicy[] = [];
  for (const raw of asList(resource.Properties?.Policies)) {
    if (!isObject(raw)) continue;
    const policyName = `${roleName}/${String(resolver.resolve(raw.PolicyName))}`;
    const document = readPolicyDocument(context, logicalId, policyName, raw.PolicyDocument);
    if (document) inlinePolicies.push({ name: policyName, document });
  }
  const managedPolicyArns = asList(resource.Properties?.ManagedPolicyArns).flatMap((raw) => {
    try {
      return [String(resolver.resolve(raw))];
    } catch (error) {
      if (!(error instanceof UnresolvedError)) throw error;
      context.warn(
        `${context.stack.stackName}/${logicalId}: a managed policy of role ${roleName} is not resolvable (${error.message}): it grants nothing`,
      );
      return [];
    }
  });
  const trust = readPolicyDocument(context, logicalId, `${roleName} trust policy`, resource.Properties?.AssumeRolePolicyDocument);
  return {
    ...context.base(logicalId),
    type: 'role',
    roleArn: String(resolver.getAtt(logicalId, 'Arn')),
    roleName,
    inlinePolicies,
    managedPolicyArns,
    trustedServices: trustedServices(trust),
  };
}

function readAttachedPolicy(context: Context, logicalId: string, type: string): IamDef | undefined {
  const { resolver } = context;
  const properties = context.stack.template.Resources[logicalId].Properties ?? {};
  const managed = type === 'AWS::IAM::ManagedPolicy';
  const name = managed ? resolver.physicalName(logicalId) : String(resolver.resolve(properties.PolicyName ?? logicalId));
  const document = readPolicyDocument(context, logicalId, name, properties.PolicyDocument);
  if (!document) return undefined;
  return {
    ...context.base(logicalId),
    type: 'policy',
    policy: { name, document },
    managedPolicyArn: managed ? String(resolver.ref(logicalId)) : undefined,
    // Groups and Users attach it to no principal that runs locally.
    roles: asList(resolver.resolve(properties.Roles)).map(String),
  };
}

/** `AWS::Lambda::Permission` as Lambda writes it into the function's resource policy (one statement, its id the logical id). */
function permissionStatement(resolver: StackResolver, logicalId: string): { functionArn: string; statement: Record<string, unknown> } {
  const property = (name: string) => resolver.property(logicalId, name);
  const functionRef = String(property('FunctionName'));
  const qualifier = /:function:[^:]+:([^:]+)$/.exec(functionRef)?.[1];
  const functionArn = `${lambdaArn(functionNameOf(functionRef))}${qualifier ? `:${qualifier}` : ''}`;
  const principal = String(property('Principal'));
  const condition: Record<string, Record<string, string>> = {};
  const add = (operator: string, key: string, value: unknown) => {
    if (value !== undefined) condition[operator] = { ...condition[operator], [key]: String(value) };
  };
  add('ArnLike', 'aws:SourceArn', property('SourceArn'));
  add('StringEquals', 'aws:SourceAccount', property('SourceAccount'));
  add('StringEquals', 'lambda:FunctionUrlAuthType', property('FunctionUrlAuthType'));
  add('StringEquals', 'aws:PrincipalOrgID', property('PrincipalOrgID'));
  const statement: Record<string, unknown> = {
    Sid: logicalId,
    Effect: 'Allow',
    Principal:
      principal === '*' ? '*' : principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: accountPrincipal(principal) },
    Action: String(property('Action')),
    Resource: functionArn,
  };
  if (Object.keys(condition).length) statement.Condition = condition;
  return { functionArn, statement };
}

/** A permission's principal: an account id is its root (`arn:aws:iam::<account>:root`), an ARN stays one. */
const accountPrincipal = (principal: string) => (/^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal);

function readResourcePolicy(context: Context, logicalId: string, type: string): IamDef | undefined {
  const { resolver } = context;
  const properties = context.stack.template.Resources[logicalId].Properties ?? {};
  const base = { ...context.base(logicalId), type: 'resourcePolicy' as const };
  const read = (resourceArns: string[], label: string, raw: unknown): IamDef | undefined => {
    const document = readPolicyDocument(context, logicalId, label, raw);
    return document ? { ...base, resourceArns, policy: { name: label, document } } : undefined;
  };
  switch (type) {
    case 'AWS::SQS::QueuePolicy': {
      const arns = asList(resolver.resolve(properties.Queues)).map((url) => queueArn(queueNameOf(String(url))));
      return read(arns, `the resource policy of queue ${arns.map(queueNameOf).join(', ')}`, properties.PolicyDocument);
    }
    case 'AWS::SNS::TopicPolicy': {
      const arns = asList(resolver.resolve(properties.Topics)).map(String);
      return read(arns, `the resource policy of topic ${arns.map((arn) => arn.split(':').pop()).join(', ')}`, properties.PolicyDocument);
    }
    case 'AWS::S3::BucketPolicy': {
      const bucket = String(resolver.resolve(properties.Bucket));
      return read([`arn:aws:s3:::${bucket}`], `the policy of bucket ${bucket}`, properties.PolicyDocument);
    }
    case 'AWS::KMS::Key': {
      if (properties.KeyPolicy === undefined) return undefined;
      const keyArn = String(resolver.getAtt(logicalId, 'Arn'));
      return read([keyArn], `the key policy of ${context.stack.stackName}/${logicalId}`, properties.KeyPolicy);
    }
    case 'AWS::Lambda::Permission': {
      const { functionArn, statement } = permissionStatement(resolver, logicalId);
      const name = functionNameOf(functionArn);
      return {
        ...base,
        resourceArns: [functionArn],
        policy: { name: `the resource policy of function ${name}`, document: { Version: '2012-10-17', Statement: [statement] } },
      };
    }
  }
  return undefined;
}

/**
 * Who runs as which role, read from the resources other kinds run: a function's `Role`, a state
 * machine's `RoleArn`, a rule target's `RoleArn`.
 */
function readBindings(context: Context): RoleBindingDef[] {
  const { stack, resolver } = context;
  const out: RoleBindingDef[] = [];
  const bind = (logicalId: string, principal: RoleBindingDef['principal'], name: () => string, role: unknown) => {
    if (role === undefined) return;
    try {
      out.push({ ...context.base(logicalId), type: 'binding', principal, name: name(), roleArn: String(resolver.resolve(role)) });
    } catch (error) {
      if (!(error instanceof UnresolvedError)) throw error;
      context.warn(`${stack.stackName}/${logicalId}: its role is not resolvable (${error.message}): every call it makes is denied`);
    }
  };
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    if (!isActive(resolver, logicalId)) continue;
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::Function') bind(logicalId, 'function', () => resolver.physicalName(logicalId), properties.Role);
    if (resource.Type === 'AWS::StepFunctions::StateMachine') {
      bind(logicalId, 'stateMachine', () => String(resolver.getAtt(logicalId, 'Arn')), properties.RoleArn);
    }
    if (resource.Type === 'AWS::Events::Rule') {
      for (const target of asList(properties.Targets).filter(isObject)) {
        bind(logicalId, 'ruleTarget', () => String(resolver.getAtt(logicalId, 'Arn')), target.RoleArn);
      }
    }
  }
  return out;
}

const isActive = (resolver: StackResolver, logicalId: string) => {
  try {
    return resolver.isActive(logicalId);
  } catch {
    return false;
  }
};

/**
 * IAM as the templates declare it: `AWS::IAM::Role` (inline policies, managed policy ARNs, trust),
 * `AWS::IAM::Policy` and `ManagedPolicy` (attached through `Roles`), the resource policies of
 * queues, topics, functions (`AWS::Lambda::Permission`), buckets and KMS keys, and who runs as
 * which role. Applying a service hands its defs to the runtime's IAM authority, replacing what its
 * previous assembly declared (`iam/authority.ts` decides each call from them).
 */
export const iam = resourceKind<'iam', IamDef, IamDef[]>({
  key: 'iam',
  types: ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', ...RESOURCE_POLICY_TYPES],
  read: (context) => [
    ...readEach(context, (logicalId, type) => {
      if (type === 'AWS::IAM::Role') return readRole(context, logicalId);
      if (type === 'AWS::IAM::Policy' || type === 'AWS::IAM::ManagedPolicy') return readAttachedPolicy(context, logicalId, type);
      return readResourcePolicy(context, logicalId, type);
    }),
    ...readBindings(context),
  ],
  apply: async (defs, { runtime, service }) => {
    await runtime.iam.setService(service, defs);
    return defs;
  },
  describe: (model) => ({
    iam: {
      roles: model?.iam.filter((def) => def.type === 'role').length ?? 0,
      policies: model?.iam.filter((def) => def.type === 'policy').length ?? 0,
      resourcePolicies: model?.iam.filter((def) => def.type === 'resourcePolicy').length ?? 0,
      report: '/_local/iam',
    },
  }),
  report: (defs) => ({ roles: defs.filter((def) => def.type === 'role').length }),
});
