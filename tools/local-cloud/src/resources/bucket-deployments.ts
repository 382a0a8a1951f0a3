import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { lookup } from 'mime-types';
import type { ObjectChange } from '../s3/s3-event';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    bucketDeployments: BucketDeploymentDef[];
  }
}

export interface BucketDeploymentDef extends ResourceBase {
  bucket: string;
  /** `DestinationBucketKeyPrefix`, with its trailing slash when it has one. */
  prefix: string;
  /** The staged asset folders to copy, each with its deploy-time markers (`<<marker:0xbaba:0>>` → value). */
  sources: { dir: string; markers: Record<string, string> }[];
  prune: boolean;
}

/** The files of a folder, as keys relative to it (`/`-separated) and paths. */
function filesOf(dir: string): { key: string; path: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ key: relative(dir, path).split(sep).join('/'), path }));
}

const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

/** Every key of a bucket under a prefix (ListObjectsV2, page by page). */
async function keysUnder(endpoint: string, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const query = new URLSearchParams({ 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
    const xml = await (await fetch(`${endpoint}/${encodeURIComponent(bucket)}?${query}`)).text();
    for (const match of xml.matchAll(/<Key>([^<]*)<\/Key>/g))
      keys.push(match[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
    token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
  } while (token);
  return keys;
}

/**
 * CDK's BucketDeployment (`Custom::CDKBucketDeployment`), served without its handler function (a
 * Python function with the AWS CLI): at each apply the staged asset folders of its sources are
 * copied into the destination bucket under the key prefix, deploy-time markers substituted
 * (`Source.data`, `Source.jsonData` with tokens), Content-Type from the file name; with `Prune`
 * (CDK's default) the other objects under the prefix are deleted. The copies notify as S3 would.
 * Named at start-up instead: a source that is not a staged folder of the assembly (another bucket,
 * a zip file), `Extract: false`, `Include`/`Exclude` filters and metadata (not applied).
 */
export const bucketDeployments = resourceKind<'bucketDeployments', BucketDeploymentDef, Record<string, string>>({
  key: 'bucketDeployments',
  types: ['Custom::CDKBucketDeployment'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const props = propertiesOf(context.resolver, logicalId);
      const where = `${context.stack.stackName}/${logicalId} (BucketDeployment)`;
      const bucket = String(props('DestinationBucketName'));
      const keys = (props('SourceObjectKeys') as string[] | undefined) ?? [];
      const markers = (props('SourceMarkers') as Record<string, string>[] | undefined) ?? [];
      if (props('Extract') === false || props('Extract') === 'false') {
        context.warn(`${where} not served: Extract false (the zip itself copied) is not emulated`);
        return undefined;
      }
      for (const property of ['Include', 'Exclude', 'UserMetadata', 'SystemMetadata', 'DistributionId']) {
        if (props(property) !== undefined) context.warn(`${where}: ${property} is not applied locally`);
      }
      const sources = keys.flatMap((key, index) => {
        const dir = context.stack.assets.get(key) ?? context.stack.assets.get(key.replace(/\.zip$/, ''));
        if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) {
          context.warn(`${where}: source ${key} is not a staged asset folder of the assembly: not copied into ${bucket}`);
          return [];
        }
        return [{ dir, markers: markers[index] ?? {} }];
      });
      const prefix = props('DestinationBucketKeyPrefix');
      return {
        ...context.base(logicalId),
        bucket,
        prefix: typeof prefix === 'string' ? prefix : '',
        sources,
        prune: props('Prune') !== false && props('Prune') !== 'false',
      };
    }),
  apply: async (defs, { runtime }) => {
    const { endpoint } = await runtime.messaging();
    const copied: Record<string, string> = {};
    for (const deployment of defs) {
      const changes: ObjectChange[] = [];
      const written = new Set<string>();
      const change = (response: Response, key: string, eventName: string, size?: number): ObjectChange => ({
        bucket: deployment.bucket,
        key,
        eventName,
        size,
        eTag: response.headers.get('etag')?.replace(/"/g, '') ?? undefined,
        sourceIp: '127.0.0.1',
        requestId: response.headers.get('x-amz-request-id') ?? '',
        hostId: response.headers.get('x-amz-id-2') ?? '',
        time: new Date(),
      });
      for (const source of deployment.sources) {
        for (const file of filesOf(source.dir)) {
          let body = readFileSync(file.path);
          const markers = Object.entries(source.markers);
          if (markers.length > 0) {
            let text = body.toString('utf8');
            for (const [marker, value] of markers) text = text.split(marker).join(value);
            body = Buffer.from(text);
          }
          const key = `${deployment.prefix}${file.key}`;
          const response = await fetch(`${endpoint}/${encodeURIComponent(deployment.bucket)}/${encodeKey(key)}`, {
            method: 'PUT',
            headers: { 'content-type': lookup(file.key) || 'application/octet-stream' },
            body,
          });
          if (!response.ok)
            throw new Error(`BucketDeployment ${deployment.logicalId}: ${key} not copied into ${deployment.bucket}: ${response.status}`);
          written.add(key);
          changes.push(change(response, key, 'ObjectCreated:Put', body.length));
        }
      }
      if (deployment.prune) {
        for (const key of await keysUnder(endpoint, deployment.bucket, deployment.prefix)) {
          if (written.has(key)) continue;
          const response = await fetch(`${endpoint}/${encodeURIComponent(deployment.bucket)}/${encodeKey(key)}`, { method: 'DELETE' });
          if (response.ok) changes.push(change(response, key, 'ObjectRemoved:Delete'));
        }
      }
      copied[`${deployment.bucket}/${deployment.prefix}`] = `${written.size} files copied`;
      await runtime.s3Notifications.notify(changes);
    }
    return copied;
  },
  describe: (model) => ({
    bucketDeployments: model?.bucketDeployments.map(({ service, logicalId, bucket, prefix, sources, prune }) => ({
      service,
      logicalId,
      bucket,
      prefix,
      sources: sources.length,
      prune,
    })),
  }),
  report: (_defs, state) => ({ bucketDeployments: state ?? {} }),
});
