/**
 * Conformance: cross-stack references. A CDK app with two stacks, where the API stack's function
 * uses the data stack's table: CDK writes the `Export` in one template and `Fn::ImportValue` in the
 * other by itself. The function reads and writes the table through the REST API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

const HANDLER = `
const { DynamoDBClient, GetItemCommand, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
const TableName = process.env.TABLE_NAME;
exports.handler = async (event) => {
  const id = event.pathParameters.id;
  if (event.httpMethod === 'PUT') {
    await db.send(new PutItemCommand({ TableName, Item: { id: { S: id }, text: { S: JSON.parse(event.body).text } } }));
    return { statusCode: 201, body: JSON.stringify({ id }) };
  }
  const { Item } = await db.send(new GetItemCommand({ TableName, Key: { id: { S: id } } }));
  if (!Item) return { statusCode: 404, body: JSON.stringify({ message: 'no item ' + id }) };
  return { statusCode: 200, body: JSON.stringify({ id, text: Item.text.S, table: TableName }) };
};`;

let cloud: BuiltCloud;
let root: string;
let stageUrl: string;
let auditUrl: string;

interface TableListing {
  service: string;
  tableName: string;
}

beforeAll(async () => {
  root = synthApp(assembliesFolder('conformance-cross-stack'), 'notes', (app) => {
    const data = new Stack(app, 'DataStack', { stackName: 'notes-data' });
    const table = new dynamodb.Table(data, 'Notes', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    // An export by name, for another app (another assembly) to import.
    new CfnOutput(data, 'NotesTableName', { value: table.tableName, exportName: 'notes-table-name' });
    const api = new Stack(app, 'ApiStack', { stackName: 'notes-api' });
    const fn = new lambda.Function(api, 'NotesFn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER),
      environment: { TABLE_NAME: table.tableName },
    });
    table.grantReadWriteData(fn);
    const rest = new apigateway.RestApi(api, 'NotesApi');
    const note = rest.root.addResource('notes').addResource('{id}');
    note.addMethod('GET', new apigateway.LambdaIntegration(fn));
    note.addMethod('PUT', new apigateway.LambdaIntegration(fn));
  });
  // A second app, synthesized on its own (its own assembly, loaded before `notes`): it imports the export by name.
  synthApp(root, 'audit', (app) => {
    const stack = new Stack(app, 'AuditStack', { stackName: 'audit' });
    const fn = new lambda.Function(stack, 'AuditFn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER),
      environment: { TABLE_NAME: Fn.importValue('notes-table-name') },
    });
    // It reads the imported table: IAM is enforced as in AWS, so the role needs the grant (on the imported name's ARN).
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [
          Stack.of(stack).formatArn({ service: 'dynamodb', resource: 'table', resourceName: Fn.importValue('notes-table-name') }),
        ],
      }),
    );
    const api = new apigateway.RestApi(stack, 'AuditApi');
    api.root.addResource('notes').addResource('{id}').addMethod('GET', new apigateway.LambdaIntegration(fn));
  });
  cloud = await startBuiltCloud({ assemblies: root });
  const routes = await cloud.local<{ service: string; basePath: string }[]>('/_local/routes');
  const urlOf = (service: string) => `${cloud.base}/${routes.find((route) => route.service === service)?.basePath}`;
  stageUrl = urlOf('notes');
  auditUrl = urlOf('audit');
}, 90_000);

afterAll(async () => {
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: cross-stack references (Fn::ImportValue)', () => {
  it('is an app where CDK itself wrote an export and its import', () => {
    const template = readFileSync(join(root, 'notes', 'ApiStack.template.json'), 'utf8');
    expect(template).toContain('"Fn::ImportValue"');
    expect(readFileSync(join(root, 'notes', 'DataStack.template.json'), 'utf8')).toContain('"Export"');
  });

  it('starts with no unresolved value', () => {
    expect(cloud.output()).not.toMatch(/unresolved|not started|ImportValue/);
  });

  it('writes and reads the other stack’s table through the API', async () => {
    const put = await fetch(`${stageUrl}/notes/n1`, { method: 'PUT', body: JSON.stringify({ text: 'hello' }) });
    expect(put.status).toBe(201);
    const get = await fetch(`${stageUrl}/notes/n1`);
    expect(get.status).toBe(200);
    const body = (await get.json()) as { id: string; text: string; table: string };
    expect(body).toEqual({ id: 'n1', text: 'hello', table: expect.stringMatching(/^notes-data-Notes/) });
    // Read back from the table itself: the item is in the data stack's table.
    const tables = await cloud.local<TableListing[]>('/_local/tables');
    expect(tables.map((table) => table.tableName)).toEqual([body.table]);
    const page = await cloud.local<{ items: Record<string, unknown>[] }>(`/_local/tables/${encodeURIComponent(body.table)}`);
    expect(page.items).toEqual([{ id: 'n1', text: 'hello' }]);
  });

  it('serves an import from another app’s assembly (loaded first) by export name', async () => {
    const get = await fetch(`${auditUrl}/notes/n1`);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual(
      expect.objectContaining({ id: 'n1', text: 'hello', table: expect.stringMatching(/^notes-data-Notes/) }),
    );
  });
});
