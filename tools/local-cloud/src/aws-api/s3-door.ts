import type http from 'node:http';
import type { HttpAnswer, LocalHandler } from '../api/gateway';
import type { Logger } from '../log';
import type { BucketNotifications } from '../s3/bucket-notifications';
import { objectChangesOf } from '../s3/object-changes';
import { awsFrontDoor } from './front-door';

/** Where functions reach S3 (`AWS_ENDPOINT_URL_S3`): the SDK sends path-style calls under it (`/_aws/s3/<bucket>/<key>`). */
export const S3_DOOR_PATH = '/_aws/s3';

export interface S3DoorOptions {
  /** fauxqs (`http://127.0.0.1:<port>`), which serves S3 path-style on `/`. */
  upstream: string;
  agent: http.Agent;
  notifications: BucketNotifications;
  logger: Logger;
}

const headerIn = (headers: HttpAnswer['headers']) => (name: string) => {
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers ?? {});
  return pairs.find(([candidate]) => candidate.toLowerCase() === name)?.[1];
};

/**
 * The S3 front door: the call is forwarded to fauxqs as it came (REST-XML, streaming `aws-chunked`
 * bodies included: fauxqs decodes them) and, once fauxqs answered it with success, the object
 * changes it made are handed to the bucket notifications. Notifications are built here rather than
 * from fauxqs's spy: the spy's S3 events carry no size or ETag, can only be awaited or read from a
 * bounded buffer (no callback), and are wired only by fauxqs's `startFauxqs`, which the local cloud
 * does not use (it listens on 0.0.0.0). What the door does not see (a write made on fauxqs's own
 * port) is not notified.
 */
export function s3FrontDoor(options: S3DoorOptions): LocalHandler {
  const door = awsFrontDoor({ upstream: options.upstream, agent: options.agent, pathPrefix: S3_DOOR_PATH });
  const sizeOf = async (bucket: string, key: string) => {
    const path = key.split('/').map(encodeURIComponent).join('/');
    const response = await fetch(`${options.upstream}/${encodeURIComponent(bucket)}/${path}`, { method: 'HEAD' });
    return response.ok ? Number(response.headers.get('content-length') ?? 0) : undefined;
  };
  return async (request) => {
    const answer = await door(request);
    if (answer.statusCode >= 200 && answer.statusCode < 300 && request.httpMethod !== 'GET' && request.httpMethod !== 'HEAD') {
      const call = { ...request, path: request.path.slice(S3_DOOR_PATH.length) };
      const body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body ?? '');
      void objectChangesOf(call, { statusCode: answer.statusCode, headerOf: headerIn(answer.headers), body }, sizeOf)
        .then((changes) => options.notifications.notify(changes))
        .catch((error: Error) => options.logger.warn(`s3 notifications of ${request.httpMethod} ${request.path}: ${error.message}`));
    }
    return answer;
  };
}
