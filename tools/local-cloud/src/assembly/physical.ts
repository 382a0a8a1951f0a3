import {
  arn,
  cognitoIssuer,
  DEFAULT_EVENT_BUS,
  eventBusArn,
  eventBusNameOf,
  generatedName,
  lambdaArn,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  LOCAL_URL_SUFFIX,
  queueArn,
  queueUrl,
  ruleArn,
  ssmParameterArn,
  stableId,
  stableUuid,
  stateMachineArn,
  tableArn,
  topicArn,
} from './naming';

/** What the physical-id rules need to know about the resource at hand. */
export interface PhysicalContext {
  stackName: string;
  logicalId: string;
  type: string;
  /** The SQS endpoint the local cloud runs (queue URLs are built on it). */
  sqsEndpoint: string;
  /** Resolves one property of this resource (intrinsics included); undefined when absent. */
  property(name: string): unknown;
}

interface PhysicalRule {
  /** The physical name (what `Ref` gives for most types). */
  name?(ctx: PhysicalContext): string;
  ref?(ctx: PhysicalContext, name: string): unknown;
  attributes?: Record<string, (ctx: PhysicalContext, name: string) => unknown>;
}

const named = (prop: string, max: number, suffix?: (ctx: PhysicalContext) => string) => (ctx: PhysicalContext) => {
  const explicit = ctx.property(prop);
  if (typeof explicit === 'string' && explicit) return explicit;
  return generatedName(ctx.stackName, ctx.logicalId, max, suffix?.(ctx) ?? '');
};

const seed = (ctx: PhysicalContext) => `${ctx.stackName}/${ctx.logicalId}`;
const isTrue = (value: unknown) => value === true || value === 'true';

/** A deterministic label used in the fake stream ARN of a table (the poller maps it to the emulator's real stream). */
export const LOCAL_STREAM_LABEL = '1970-01-01T00:00:00.000';

const rules: Record<string, PhysicalRule> = {
  'AWS::DynamoDB::Table': {
    name: named('TableName', 255),
    attributes: {
      Arn: (_c, name) => tableArn(name),
      StreamArn: (_c, name) => `${tableArn(name)}/stream/${LOCAL_STREAM_LABEL}`,
    },
  },
  'AWS::DynamoDB::GlobalTable': {
    name: named('TableName', 255),
    attributes: {
      Arn: (_c, name) => tableArn(name),
      StreamArn: (_c, name) => `${tableArn(name)}/stream/${LOCAL_STREAM_LABEL}`,
      TableId: (ctx) => stableUuid(seed(ctx)),
    },
  },
  'AWS::SQS::Queue': {
    name: named('QueueName', 80, (ctx) => (isTrue(ctx.property('FifoQueue')) ? '.fifo' : '')),
    ref: (ctx, name) => queueUrl(ctx.sqsEndpoint, name),
    attributes: {
      Arn: (_c, name) => queueArn(name),
      QueueName: (_c, name) => name,
      QueueUrl: (ctx, name) => queueUrl(ctx.sqsEndpoint, name),
    },
  },
  'AWS::SNS::Topic': {
    name: named('TopicName', 256, (ctx) => (isTrue(ctx.property('FifoTopic')) ? '.fifo' : '')),
    ref: (_c, name) => topicArn(name),
    attributes: { TopicArn: (_c, name) => topicArn(name), TopicName: (_c, name) => name },
  },
  'AWS::SNS::Subscription': {
    name: (ctx) => `${String(ctx.property('TopicArn'))}:${stableUuid(seed(ctx))}`,
    attributes: { Arn: (_c, name) => name },
  },
  'AWS::Lambda::Function': {
    name: named('FunctionName', 64),
    attributes: {
      Arn: (_c, name) => lambdaArn(name),
      'SnapStartResponse.ApplyOn': () => 'None',
    },
  },
  'AWS::Lambda::LayerVersion': {
    name: named('LayerName', 140),
    ref: (_c, name) => arn('lambda', `layer:${name}:1`),
  },
  'AWS::Lambda::EventSourceMapping': {
    name: (ctx) => stableUuid(seed(ctx)),
    attributes: { Id: (_c, name) => name },
  },
  'AWS::Lambda::Alias': {
    name: (ctx) => `${lambdaArn(String(ctx.property('FunctionName')))}:${String(ctx.property('Name'))}`,
  },
  'AWS::Lambda::Version': {
    name: (ctx) => `${lambdaArn(String(ctx.property('FunctionName')))}:1`,
    attributes: { Version: () => '1' },
  },
  'AWS::ApiGateway::RestApi': {
    name: (ctx) => stableId(seed(ctx), 10),
    attributes: { RootResourceId: (ctx) => stableId(`${seed(ctx)}/root`, 10) },
  },
  'AWS::ApiGateway::Resource': {
    name: (ctx) => stableId(seed(ctx), 6),
    attributes: { ResourceId: (ctx) => stableId(seed(ctx), 6) },
  },
  'AWS::ApiGateway::Method': { name: (ctx) => stableId(seed(ctx), 6) },
  'AWS::ApiGateway::Deployment': {
    name: (ctx) => stableId(seed(ctx), 6),
    attributes: { DeploymentId: (ctx) => stableId(seed(ctx), 6) },
  },
  'AWS::ApiGateway::Stage': { name: named('StageName', 128) },
  'AWS::ApiGateway::Authorizer': {
    name: (ctx) => stableId(seed(ctx), 6),
    attributes: { AuthorizerId: (ctx) => stableId(seed(ctx), 6) },
  },
  'AWS::ApiGateway::DomainName': {
    name: named('DomainName', 253),
    attributes: {
      DistributionDomainName: (ctx) => `${stableId(seed(ctx), 14)}.cloudfront.net`,
      DistributionHostedZoneId: () => 'Z2FDTNDATAQYW2',
      RegionalDomainName: (ctx) => `d-${stableId(seed(ctx), 10)}.execute-api.${LOCAL_REGION}.${LOCAL_URL_SUFFIX}`,
      RegionalHostedZoneId: () => 'Z1UJRXOUMOOFQ8',
    },
  },
  'AWS::ApiGatewayV2::Api': {
    name: (ctx) => stableId(seed(ctx), 10),
    attributes: { ApiEndpoint: (_c, id) => `https://${id}.execute-api.${LOCAL_REGION}.${LOCAL_URL_SUFFIX}`, ApiId: (_c, id) => id },
  },
  'AWS::ApiGatewayV2::Integration': { name: (ctx) => stableId(seed(ctx), 7), attributes: { IntegrationId: (_c, id) => id } },
  'AWS::ApiGatewayV2::Route': { name: (ctx) => stableId(seed(ctx), 7), attributes: { RouteId: (_c, id) => id } },
  'AWS::ApiGatewayV2::Authorizer': { name: (ctx) => stableId(seed(ctx), 6), attributes: { AuthorizerId: (_c, id) => id } },
  'AWS::ApiGatewayV2::Stage': { name: named('StageName', 128) },
  'AWS::Cognito::UserPool': {
    name: (ctx) => `${LOCAL_REGION}_${stableId(seed(ctx), 9, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
    attributes: {
      Arn: (_c, id) => arn('cognito-idp', `userpool/${id}`),
      ProviderName: (_c, id) => `cognito-idp.${LOCAL_REGION}.${LOCAL_URL_SUFFIX}/${id}`,
      ProviderURL: (_c, id) => cognitoIssuer(id),
      UserPoolId: (_c, id) => id,
    },
  },
  'AWS::Cognito::UserPoolClient': {
    name: (ctx) => stableId(seed(ctx), 26),
    attributes: { ClientId: (_c, id) => id, Name: (ctx) => String(ctx.property('ClientName') ?? ctx.logicalId) },
  },
  'AWS::Cognito::UserPoolGroup': { name: named('GroupName', 128) },
  'AWS::SSM::Parameter': {
    name: (ctx) => {
      const explicit = ctx.property('Name');
      return typeof explicit === 'string' && explicit
        ? explicit
        : `CFN-${ctx.logicalId}-${stableId(seed(ctx), 12, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`;
    },
    attributes: { Type: (ctx) => ctx.property('Type') ?? 'String', Value: (ctx) => ctx.property('Value') },
  },
  'AWS::StepFunctions::StateMachine': {
    name: named('StateMachineName', 80),
    ref: (_c, name) => stateMachineArn(name),
    attributes: { Arn: (_c, name) => stateMachineArn(name), Name: (_c, name) => name },
  },
  'AWS::IAM::Role': {
    name: named('RoleName', 64),
    attributes: {
      Arn: (_c, name) => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}`,
      RoleId: (ctx) => `AROA${stableId(seed(ctx), 17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    },
  },
  'AWS::IAM::ManagedPolicy': {
    name: named('ManagedPolicyName', 128),
    ref: (_c, name) => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/${name}`,
  },
  'AWS::Logs::LogGroup': {
    name: named('LogGroupName', 512),
    attributes: { Arn: (_c, name) => arn('logs', `log-group:${name}:*`) },
  },
  'AWS::KMS::Key': {
    name: (ctx) => stableUuid(seed(ctx)),
    attributes: { Arn: (_c, id) => arn('kms', `key/${id}`), KeyId: (_c, id) => id },
  },
  'AWS::CloudWatch::Alarm': {
    name: named('AlarmName', 255),
    attributes: { Arn: (_c, name) => arn('cloudwatch', `alarm:${name}`) },
  },
  'AWS::S3::Bucket': {
    name: (ctx) => {
      const explicit = ctx.property('BucketName');
      // S3 names are lower-case letters, digits, dots and dashes.
      return typeof explicit === 'string' && explicit
        ? explicit
        : generatedName(ctx.stackName, ctx.logicalId, 63).toLowerCase().replace(/_/g, '-');
    },
    attributes: {
      Arn: (_c, name) => `arn:aws:s3:::${name}`,
      DomainName: (_c, name) => `${name}.s3.${LOCAL_URL_SUFFIX}`,
      RegionalDomainName: (_c, name) => `${name}.s3.${LOCAL_REGION}.${LOCAL_URL_SUFFIX}`,
      DualStackDomainName: (_c, name) => `${name}.s3.dualstack.${LOCAL_REGION}.${LOCAL_URL_SUFFIX}`,
      WebsiteURL: (_c, name) => `http://${name}.s3-website-${LOCAL_REGION}.${LOCAL_URL_SUFFIX}`,
    },
  },
  'AWS::Events::EventBus': {
    name: named('Name', 256),
    attributes: { Arn: (_c, name) => eventBusArn(name), Name: (_c, name) => name },
  },
  'AWS::Events::Rule': {
    name: named('Name', 64),
    // Ref is the name on the default bus, `<bus>|<name>` on a named one.
    ref: (ctx, name) =>
      eventBusNameOf(ctx.property('EventBusName')) === DEFAULT_EVENT_BUS ? name : `${eventBusNameOf(ctx.property('EventBusName'))}|${name}`,
    attributes: { Arn: (ctx, name) => ruleArn(eventBusNameOf(ctx.property('EventBusName')), name) },
  },
};

/** The physical name of a resource (what the emulators know it by). */
export function physicalName(ctx: PhysicalContext): string {
  const rule = rules[ctx.type];
  if (rule?.name) return rule.name(ctx);
  return generatedName(ctx.stackName, ctx.logicalId, 128);
}

/** What `Ref` returns for the resource. */
export function physicalRef(ctx: PhysicalContext): unknown {
  const rule = rules[ctx.type];
  const name = physicalName(ctx);
  return rule?.ref ? rule.ref(ctx, name) : name;
}

/**
 * What `Fn::GetAtt` returns. Unknown attributes of types the local cloud does not model get a
 * plausible value (an ARN for `Arn`, the name otherwise) so that a reference from an environment
 * variable or a policy never stops the start-up.
 */
export function physicalAttribute(ctx: PhysicalContext, attribute: string): unknown {
  const rule = rules[ctx.type];
  const name = physicalName(ctx);
  const known = rule?.attributes?.[attribute];
  if (known) return known(ctx, name);
  if (attribute === 'Arn' || attribute.endsWith('Arn')) {
    const service = ctx.type.split('::')[1]?.toLowerCase() ?? 'unknown';
    return arn(service, `${ctx.type.split('::')[2]?.toLowerCase() ?? 'resource'}/${name}`);
  }
  return name;
}

/** Resource types whose physical naming the local cloud knows (used by tests). */
export const knownPhysicalTypes = Object.keys(rules);
export { ssmParameterArn };
