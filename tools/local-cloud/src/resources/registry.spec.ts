import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { discoverAssemblies, loadAssembly } from '../assembly/cloud-assembly';
import { buildModel } from '../assembly/model';
import { EMULATED_TYPES, RESOURCE_KINDS } from './registry';

const FIXTURES = join(__dirname, '../../fixtures/assemblies');
const model = (service: string) =>
  buildModel(
    discoverAssemblies(FIXTURES)
      .filter((location) => location.service === service)
      .flatMap(loadAssembly),
    { sqsEndpoint: 'http://127.0.0.1:1/_aws/sqs', workDir: mkdtempSync(join(tmpdir(), 'registry-')) },
  );

describe('the resource kind registry', () => {
  it('names each kind once, and no CloudFormation type is read by two kinds but a topic (its inline subscriptions) and a bucket (its own notifications)', () => {
    const keys = RESOURCE_KINDS.map((kind) => kind.key);
    expect(new Set(keys).size).toBe(keys.length);
    const claimed = RESOURCE_KINDS.flatMap((kind) => kind.types);
    expect(claimed.filter((type, index) => claimed.indexOf(type) !== index)).toEqual(['AWS::SNS::Topic', 'AWS::S3::Bucket']);
  });

  it('yields the emulated set: what no kind reads is listed as not emulated', () => {
    expect(EMULATED_TYPES.has('AWS::Lambda::Url')).toBe(true);
    // Roles and permissions are read by the IAM kind; log groups, alarms and API Gateway's account by none.
    expect(EMULATED_TYPES.has('AWS::IAM::Role')).toBe(true);
    expect(EMULATED_TYPES.has('AWS::Logs::LogGroup')).toBe(false);
    expect(model('urls').notEmulated).toEqual([]);
    expect(
      model('catalog')
        .notEmulated.map(({ logicalId, type }) => `${type} ${logicalId}`)
        .sort(),
    ).toEqual([
      'AWS::ApiGateway::Account CatalogApiAccount5E6F7A8B',
      'AWS::CDK::Metadata CDKMetadata',
      'AWS::CloudWatch::Alarm AuditDlqAlarm2F3E4D5C',
      'AWS::Logs::LogGroup AuditFunctionLogGroup',
      'AWS::Logs::LogGroup NotifyFunctionLogGroup',
      'AWS::Logs::LogGroup PublisherFunctionLogGroup',
      'AWS::Logs::LogGroup RouterFunctionLogGroup',
      'AWS::Logs::LogGroup StepFunctionLogGroup',
    ]);
  });

  it('reads an AWS::Lambda::Url into a function URL def: its function, auth type and a stable url id', () => {
    const { functionUrls, functions } = model('urls');
    expect(functions.map((fn) => fn.name)).toEqual(['shop-local-urls-PublicFunction1A2B3C4D', 'shop-local-urls-PrivateFunction2B3C4D5E']);
    expect(functionUrls).toEqual([
      expect.objectContaining({
        logicalId: 'PublicFunctionFunctionUrl5E6F7A8B',
        functionName: 'shop-local-urls-PublicFunction1A2B3C4D',
        authType: 'NONE',
        invokeMode: 'BUFFERED',
        cors: false,
      }),
      expect.objectContaining({
        logicalId: 'PrivateFunctionFunctionUrl6F7A8B9C',
        functionName: 'shop-local-urls-PrivateFunction2B3C4D5E',
        authType: 'AWS_IAM',
      }),
    ]);
    expect(functionUrls[0].urlId).toMatch(/^[a-z0-9]{32}$/);
    expect(model('urls').functionUrls[0].urlId).toBe(functionUrls[0].urlId);
  });
});
