import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import {
  ALARM_TOPIC_PARAMETER,
  type ApiDomainConfig,
  PLATFORM_PARAMETERS,
  ServiceStack,
  type ServiceStackProps,
  ServiceTopic,
  type StageConfig,
  suppressNag,
} from '@shop/cdk';

/** The platform's name in SSM paths: `/shop/<stage>/platform/<name>`. */
export const SERVICE = 'platform';

/** The Cognito group whose members may change the catalog (and, later, stock and payments). */
export const ADMIN_GROUP = 'admin';

/**
 * The shop's identity: a Cognito user pool (customers sign up with their email; administrators
 * are members of the `admin` group) and the app client the shop's front ends sign in with.
 */
export class Identity extends Construct {
  /** The user pool. */
  readonly userPool: cognito.UserPool;
  /** The public (secret-less) app client. */
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `shop-${stage.stage}-users`,
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      ...(stage.userPoolThreatProtection
        ? {
            featurePlan: cognito.FeaturePlan.PLUS,
            standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
          }
        : { featurePlan: cognito.FeaturePlan.ESSENTIALS }),
      deletionProtection: stage.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: stage.removalPolicy,
    });
    suppressNag(this.userPool, [
      {
        id: 'AwsSolutions-COG2',
        reason:
          'Customers of a shop choose whether to add a second factor: MFA is optional, with TOTP only ' +
          '(no SMS); admin accounts are expected to enrol (operational policy).',
      },
    ]);
    if (!stage.userPoolThreatProtection) {
      suppressNag(this.userPool, [
        {
          id: 'AwsSolutions-COG8',
          reason:
            `Threat protection (Plus plan, billed per active user) is on only where real customers sign ` +
            `in (prod); ${stage.stage} has test users only.`,
        },
      ]);
    }

    new cognito.UserPoolGroup(this, 'AdminGroup', {
      userPool: this.userPool,
      groupName: ADMIN_GROUP,
      description: 'Shop administrators: may create, update and delete products',
    });

    this.client = this.userPool.addClient('WebClient', {
      userPoolClientName: `shop-${stage.stage}-web`,
      generateSecret: false,
      authFlows: { userSrp: true },
      // Sign-in goes through the Cognito API (SRP); no hosted UI, so no OAuth flows or callbacks.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }
}

/**
 * The shop's API domain: an ACM certificate validated through DNS, the regional API Gateway
 * custom domain onto which every service maps its base path, and its alias records.
 */
export class ApiDomain extends Construct {
  /** The API Gateway custom domain. */
  readonly domainName: apigw.DomainName;

  constructor(scope: Construct, id: string, config: ApiDomainConfig) {
    super(scope, id);
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: config.hostedZoneId,
      zoneName: config.hostedZoneName,
    });
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: config.domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    this.domainName = new apigw.DomainName(this, 'DomainName', {
      domainName: config.domainName,
      certificate,
      endpointType: apigw.EndpointType.REGIONAL,
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
    });
    const target = route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(this.domainName));
    new route53.ARecord(this, 'AliasA', { zone, recordName: config.domainName, target });
    new route53.AaaaRecord(this, 'AliasAAAA', { zone, recordName: config.domainName, target });
  }
}

/**
 * Account-and-region settings that every service's API relies on: the CloudWatch Logs role of
 * API Gateway (one per region, so it cannot belong to any one service) and the ops topic that
 * alarms notify (encrypted with a customer-managed key, as CloudWatch requires to publish).
 */
export class Operations extends Construct {
  /** The ops alarm topic. */
  readonly alarmTopic: ServiceTopic;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    const apiGatewayLogsRole = new iam.Role(this, 'ApiGatewayLogsRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway write the execution and access logs of every REST API stage',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    // The account setting outlives the stack; so must the role it points at.
    apiGatewayLogsRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
    suppressNag(apiGatewayLogsRole, [
      {
        id: 'AwsSolutions-IAM4',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        reason:
          'The AWS-managed policy documented for the API Gateway account CloudWatch role: API Gateway ' +
          'creates each stage log group itself, so the names are not known here.',
      },
    ]);
    const account = new apigw.CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: apiGatewayLogsRole.roleArn });
    account.node.addDependency(apiGatewayLogsRole);

    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: `Encrypts the shop's ops alarm topic (${stage.stage})`,
      enableKeyRotation: true,
      removalPolicy: stage.removalPolicy,
    });
    const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.alarmTopic = new ServiceTopic(this, 'AlarmTopic', { masterKey: key, displayName: 'Serverless Shop alarms' });
    this.alarmTopic.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }
}

/**
 * The platform app: what every service of the shop shares and none owns. Publishes in SSM, for
 * services to read at deploy time: user-pool-arn, user-pool-id, user-pool-client-id,
 * api-domain-name and alarm-topic-arn, under `/shop/<stage>/platform/`.
 */
export class PlatformStack extends ServiceStack {
  /** User pool and app client. */
  readonly identity: Identity;
  /** The real API domain, where the stage has one. */
  readonly apiDomain?: ApiDomain;
  /** API Gateway logging role and the ops alarm topic. */
  readonly operations: Operations;

  constructor(scope: Construct, props: ServiceStackProps) {
    super(scope, { service: SERVICE, description: 'platform: identity, API domain, operations' }, props);
    const { stage } = this;

    // --- Stateful -------------------------------------------------------------------------------
    this.identity = new Identity(this, 'Identity', stage);

    // --- Shared settings --------------------------------------------------------------------------
    this.operations = new Operations(this, 'Operations', stage);
    if (stage.apiDomain) this.apiDomain = new ApiDomain(this, 'ApiDomain', stage.apiDomain);

    // --- Discovery --------------------------------------------------------------------------------
    const { userPool, client } = this.identity;
    this.publish(PLATFORM_PARAMETERS.userPoolArn, userPool.userPoolArn, 'ARN of the shop user pool');
    this.publish('user-pool-id', userPool.userPoolId, 'Id of the shop user pool');
    this.publish('user-pool-client-id', client.userPoolClientId, 'Id of the shop web app client');
    this.publish(
      PLATFORM_PARAMETERS.apiDomainName,
      // Where the stage has no real domain (local), a placeholder: services' base path mappings
      // still name a domain, and the local cloud serves each base path on one port.
      this.apiDomain?.domainName.domainName ?? stage.apiDomainName,
      'Custom domain of the shop API; services map their base paths onto it',
    );
    this.publish(ALARM_TOPIC_PARAMETER, this.operations.alarmTopic.topicArn, 'ARN of the ops alarm topic');
  }
}
