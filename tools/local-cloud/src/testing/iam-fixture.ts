/**
 * Test support for the IAM specs: a small CDK app synthesized in the test run with the grants the
 * shop's stacks use (`grantReadData`, `grantSendMessages`, a `LeadingKeys` condition, a queue
 * policy for a topic, `addPermission`/`grantInvoke`, a managed policy, an explicit deny, a state
 * machine's role), read into the local cloud's model.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverAssemblies, loadAssembly } from '../assembly/cloud-assembly';
import { buildModel, type CloudModel } from '../assembly/model';
import { assembliesFolder, synthApp } from './built-cloud';

export const FIXTURE_STACK = 'iam-fixture';
export const ORDER_FN = 'iam-fixture-order';
export const CUSTOMER_FN = 'iam-fixture-customer';
export const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/iam-fixture-orders';
export const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:iam-fixture-events';
export const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:iam-fixture-news';
export const FN_ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
export const MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:iam-fixture-saga';
export const BUCKET_ARN = 'arn:aws:s3:::iam-fixture-files';
export const API_SOURCE = 'arn:aws:execute-api:us-east-1:000000000000:api1/*';

export interface FixtureOptions {
  /** Leave out the state machine's `lambda:InvokeFunction` grant (a redeploy that removes it). */
  withoutSagaInvoke?: boolean;
}

/** Synthesizes the fixture app (service `shop`) into a new folder of assemblies; returns the folder. */
export function synthIamFixture(options: FixtureOptions = {}): string {
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const dynamodb = require('aws-cdk-lib/aws-dynamodb') as typeof import('aws-cdk-lib/aws-dynamodb');
  const iam = require('aws-cdk-lib/aws-iam') as typeof import('aws-cdk-lib/aws-iam');
  const kms = require('aws-cdk-lib/aws-kms') as typeof import('aws-cdk-lib/aws-kms');
  const s3 = require('aws-cdk-lib/aws-s3') as typeof import('aws-cdk-lib/aws-s3');
  const lambda = require('aws-cdk-lib/aws-lambda') as typeof import('aws-cdk-lib/aws-lambda');
  const sfn = require('aws-cdk-lib/aws-stepfunctions') as typeof import('aws-cdk-lib/aws-stepfunctions');
  const tasks = require('aws-cdk-lib/aws-stepfunctions-tasks') as typeof import('aws-cdk-lib/aws-stepfunctions-tasks');
  const sns = require('aws-cdk-lib/aws-sns') as typeof import('aws-cdk-lib/aws-sns');
  const subscriptions = require('aws-cdk-lib/aws-sns-subscriptions') as typeof import('aws-cdk-lib/aws-sns-subscriptions');
  const sqs = require('aws-cdk-lib/aws-sqs') as typeof import('aws-cdk-lib/aws-sqs');

  const root = synthApp(assembliesFolder('iam'), 'shop', (app) => {
    const stack = new cdk.Stack(app, 'IamFixture', { stackName: FIXTURE_STACK });
    const table = new dynamodb.Table(stack, 'Orders', {
      tableName: 'iam-fixture-orders',
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    table.addGlobalSecondaryIndex({ indexName: 'byCustomer', partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING } });
    const queue = new sqs.Queue(stack, 'Events', { queueName: 'iam-fixture-events' });
    const topic = new sns.Topic(stack, 'News', { topicName: 'iam-fixture-news' });
    topic.addSubscription(new subscriptions.SqsSubscription(queue));

    const code = lambda.Code.fromInline('exports.handler = async () => ({})');
    const orderFn = new lambda.Function(stack, 'OrderFn', {
      functionName: ORDER_FN,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code,
    });
    table.grantReadData(orderFn);
    queue.grantSendMessages(orderFn);
    orderFn.addPermission('ApiInvoke', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com'), sourceArn: API_SOURCE });

    const customerFn = new lambda.Function(stack, 'CustomerFn', {
      functionName: CUSTOMER_FN,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code,
    });
    customerFn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'OwnPartitionOnly',
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['c#1'] } },
      }),
    );
    customerFn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WritesOrders',
        actions: ['dynamodb:PutItem', 'dynamodb:Update*', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
      }),
    );
    customerFn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'NeverDelete',
        effect: iam.Effect.DENY,
        actions: ['dynamodb:DeleteItem'],
        resources: [table.tableArn],
      }),
    );
    orderFn.grantInvoke(customerFn);
    new iam.ManagedPolicy(stack, 'ReadParameters', {
      managedPolicyName: 'iam-fixture-read-parameters',
      statements: [
        new iam.PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources: [cdk.Arn.format({ service: 'ssm', resource: 'parameter', resourceName: 'shop/*' }, stack)],
        }),
      ],
      roles: [customerFn.role as import('aws-cdk-lib/aws-iam').IRole],
    });

    // A KMS key (its key policy lets the account's IAM policies grant it) and a bucket whose policy denies plain HTTP.
    const key = new kms.Key(stack, 'Key');
    key.grantDecrypt(orderFn);
    const bucket = new s3.Bucket(stack, 'Files', { bucketName: 'iam-fixture-files', enforceSSL: true });
    bucket.grantRead(customerFn);

    // What the local cloud cannot read: an import no loaded stack exports, an AWS managed policy it does not know.
    new iam.CfnPolicy(stack, 'Unresolvable', {
      policyName: 'unresolvable',
      roles: [(customerFn.role as import('aws-cdk-lib/aws-iam').IRole).roleName],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AllowsElsewhere', Effect: 'Allow', Action: 'sqs:DeleteMessage', Resource: cdk.Fn.importValue('missing-queue-arn') },
          { Sid: 'DeniesElsewhere', Effect: 'Deny', Action: 'sns:Publish', Resource: cdk.Fn.importValue('missing-topic-arn') },
        ],
      },
    });
    customerFn.role?.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess'));

    const invoke = new tasks.LambdaInvoke(stack, 'ChargeTask', { lambdaFunction: orderFn });
    const machine = new sfn.StateMachine(stack, 'Saga', {
      stateMachineName: 'iam-fixture-saga',
      definitionBody: sfn.DefinitionBody.fromChainable(options.withoutSagaInvoke ? new sfn.Pass(stack, 'Skip') : invoke),
    });
    void machine;
  });
  return root;
}

/** Synthesizes the fixture app and reads it into a model (as `start` does). */
export function iamFixtureModel(options: FixtureOptions = {}): CloudModel {
  const stacks = discoverAssemblies(synthIamFixture(options)).flatMap(loadAssembly);
  return buildModel(stacks, { sqsEndpoint: 'http://127.0.0.1:4566/_aws/sqs', workDir: join(tmpdir(), 'local-cloud-iam-spec') });
}
