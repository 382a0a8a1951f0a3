import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { createServiceApp, nagFindings, STAGE_NAMES, statefulLogicalIds, synthesizedTemplate, templateFixture } from '@shop/cdk';
import { ADMIN_GROUP, PlatformStack } from './platform-stack';

const synth = (stageName: string) => {
  const { app, stack } = createServiceApp(PlatformStack, { context: { stage: stageName } });
  return { app, stack, template: Template.fromStack(stack) };
};

const ssmParameters = (template: Template): Record<string, unknown> =>
  Object.fromEntries(Object.values(template.findResources('AWS::SSM::Parameter')).map((p) => [p.Properties.Name, p.Properties.Value]));

describe('PlatformStack (dev)', () => {
  const { app, stack, template } = synth('dev');

  it('has a user pool with email sign-in, a strong password policy and optional TOTP MFA', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
      },
    });
  });

  it('has the admin group', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: ADMIN_GROUP });
  });

  it('has a public SRP-only app client without OAuth flows', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlows: Match.absent(),
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('creates the API domain with a DNS-validated certificate and alias records', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.dev.shop.example.com',
      ValidationMethod: 'DNS',
    });
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.dev.shop.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
  });

  it('owns the API Gateway CloudWatch role of the account, kept when the stack goes', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
      }),
    });
  });

  it('has an ops alarm topic encrypted with a rotated key that CloudWatch may use', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OperationsAlarmTopicKey'), 'Arn'] },
    });
  });

  it('publishes what services need under /shop/dev/platform/', () => {
    const parameters = ssmParameters(template);
    expect(Object.keys(parameters).sort()).toEqual([
      '/shop/dev/platform/alarm-topic-arn',
      '/shop/dev/platform/api-domain-name',
      '/shop/dev/platform/user-pool-arn',
      '/shop/dev/platform/user-pool-client-id',
      '/shop/dev/platform/user-pool-id',
    ]);
    expect(parameters['/shop/dev/platform/api-domain-name']).toEqual({ Ref: expect.stringMatching(/^ApiDomainDomainName/) });
  });

  it('imports nothing from other stacks', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(app)).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('PlatformStack (local)', () => {
  const { app, template } = synth('local');

  it('has no real domain but still publishes a placeholder domain name', () => {
    template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(ssmParameters(template)['/shop/local/platform/api-domain-name']).toBe('api.shop.localhost');
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('PlatformStack (prod)', () => {
  const { app, template } = synth('prod');

  it('turns threat protection on and protects the user pool from deletion', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        DeletionProtection: 'ACTIVE',
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      }),
    });
  });

  it('is cdk-nag clean without the dev-only Plus-plan suppression', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('platform stateful resources', () => {
  it('keep their logical ids in prod (a new logical id replaces the resource and loses its data or messages)', () => {
    expect(statefulLogicalIds(synth('prod').template)).toEqual([
      'AWS::Cognito::UserPool IdentityUserPool96FE3B9B',
      'AWS::SNS::Topic OperationsAlarmTopic1D9908D6',
    ]);
  });
});

describe('platform synthesized templates', () => {
  // As `nx run platform:synth` writes them (main.ts, the cdk CLI's context), but with inline code.
  it.each(STAGE_NAMES)('%s: equal to the checked-in template (src/infra/__tests__/templates)', (stage) => {
    const { stackName, template } = synthesizedTemplate(PlatformStack, stage);
    expect(template).toEqual(templateFixture(join(__dirname, '__tests__', 'templates', `${stackName}.template.json`), template));
  });
});
