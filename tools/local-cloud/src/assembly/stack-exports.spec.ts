import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssemblyStack } from './cloud-assembly';
import { buildModel } from './model';
import type { CfnTemplate } from './template';

const stack = (stackName: string, template: Partial<CfnTemplate>): AssemblyStack => ({
  service: 'app',
  artifactId: stackName,
  stackName,
  assemblyDir: tmpdir(),
  templateFile: join(tmpdir(), `${stackName}.template.json`),
  template: { Resources: {}, ...template },
  assets: new Map(),
});

/** The exporting stack, as CDK writes it when another stack uses its table. */
const DATA = stack('data', {
  Resources: { Table: { Type: 'AWS::DynamoDB::Table', Properties: {} } },
  Outputs: {
    ExportsOutputRefTable: { Value: { Ref: 'Table' }, Export: { Name: 'data:ExportsOutputRefTable' } },
    ExportsOutputArn: { Value: { 'Fn::GetAtt': ['Table', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-arn' } } },
  },
});

const importer = (name: string, imports: Record<string, string>) =>
  stack(name, {
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Code: { ZipFile: 'exports.handler = async () => 1;' },
          Handler: 'index.handler',
          Runtime: 'nodejs24.x',
          Environment: {
            Variables: Object.fromEntries(Object.entries(imports).map(([key, exportName]) => [key, { 'Fn::ImportValue': exportName }])),
          },
        },
      },
    },
  });

const model = (stacks: AssemblyStack[]) =>
  buildModel(stacks, { sqsEndpoint: 'http://127.0.0.1:1', workDir: join(tmpdir(), 'stack-exports-spec') });

describe('Fn::ImportValue across stacks', () => {
  it('resolves an export of another stack, whatever the order of the stacks', () => {
    for (const order of [
      [DATA, importer('api', { TABLE: 'data:ExportsOutputRefTable', ARN: 'data-arn' })],
      [importer('api', { TABLE: 'data:ExportsOutputRefTable', ARN: 'data-arn' }), DATA],
    ]) {
      const built = model(order);
      expect(built.warnings).toEqual([]);
      expect(built.functions[0].environment).toEqual({
        TABLE: 'data-Table',
        ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/data-Table',
      });
    }
  });

  it('names a missing export and every stack that imports it', () => {
    const built = model([DATA, importer('api', { TABLE: 'nobody:Exports' }), importer('worker', { TABLE: 'nobody:Exports' })]);
    expect(built.warnings).toEqual([
      'api/Fn: Fn::ImportValue nobody:Exports: no loaded stack exports it (imported by api)',
      'worker/Fn: Fn::ImportValue nobody:Exports: no loaded stack exports it (imported by worker)',
      'export nobody:Exports is imported by api, worker but no loaded stack exports it',
    ]);
    expect(built.functions[0].environment.TABLE).toBe(
      '<unresolved: Fn::ImportValue nobody:Exports: no loaded stack exports it (imported by api)>',
    );
  });

  it('names an export two stacks declare, and an export that imports itself', () => {
    const twin = stack('twin', { Outputs: { Out: { Value: 'x', Export: { Name: 'data-arn' } } } });
    const loop = stack('loop', { Outputs: { Out: { Value: { 'Fn::ImportValue': 'loop-out' }, Export: { Name: 'loop-out' } } } });
    const built = model([DATA, twin, loop, importer('api', { A: 'data-arn', B: 'loop-out' })]);
    expect(built.warnings).toEqual([
      'api/Fn: Fn::ImportValue loop-out (output Out of loop): Fn::ImportValue loop-out: the export depends on itself',
      'export data-arn is exported by both data and twin',
    ]);
  });
});
