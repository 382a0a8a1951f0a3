import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDbLocal } from '../emulators/dynamodb-local';
import type { Messaging } from '../emulators/messaging';
import type { EventBridge } from '../events/event-bridge';
import type { ServiceIntegration } from './step-functions';

/** What the integrations call: fauxqs's SNS and SQS clients and DynamoDB Local (started on first use). */
export interface IntegrationEmulators {
  messaging(): Promise<Pick<Messaging, 'sns' | 'sqs'>>;
  dynamodb(): Promise<Pick<DynamoDbLocal, 'call'>>;
  /** EventBridge's PutEvents (`events:putEvents`). */
  putEvents?: EventBridge['putEvents'];
}

const DYNAMODB_ITEM_ACTIONS = ['getItem', 'putItem', 'updateItem', 'deleteItem'];

/** Whether {@link serviceIntegrations} serves `arn:aws:states:::<service>:<action>` (request-response). */
export function integrationEmulated(service: string, action: string): boolean {
  return (
    (service === 'sns' && action === 'publish') ||
    (service === 'sqs' && action === 'sendMessage') ||
    (service === 'dynamodb' && DYNAMODB_ITEM_ACTIONS.includes(action)) ||
    (service === 'events' && action === 'putEvents')
  );
}

/**
 * Step Functions' optimized integrations on the local emulators: `sns:publish`, `sqs:sendMessage`
 * and DynamoDB's item calls, answered as Step Functions answers them. Any other is a
 * `States.Runtime` error naming it.
 */
export function serviceIntegrations(emulators: IntegrationEmulators): ServiceIntegration {
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  return async (service, action, parameters) => {
    if (service === 'sns' && action === 'publish') {
      const { sns } = await emulators.messaging();
      const result = await sns.send(
        new PublishCommand({ ...(parameters as object), Message: text(parameters.Message) } as ConstructorParameters<
          typeof PublishCommand
        >[0]),
      );
      return {
        MessageId: result.MessageId,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: result.$metadata.requestId },
      };
    }
    if (service === 'sqs' && action === 'sendMessage') {
      const { sqs } = await emulators.messaging();
      const result = await sqs.send(
        new SendMessageCommand({ ...(parameters as object), MessageBody: text(parameters.MessageBody) } as ConstructorParameters<
          typeof SendMessageCommand
        >[0]),
      );
      return { MessageId: result.MessageId, MD5OfMessageBody: result.MD5OfMessageBody, SdkHttpMetadata: { HttpStatusCode: 200 } };
    }
    if (service === 'dynamodb' && integrationEmulated(service, action)) {
      const dynamodb = await emulators.dynamodb();
      return dynamodb.call(`${action.charAt(0).toUpperCase()}${action.slice(1)}`, parameters);
    }
    if (service === 'events' && action === 'putEvents' && emulators.putEvents) {
      // Step Functions takes Detail as JSON (an object) and sends it as text.
      const entries = ((parameters.Entries as Record<string, unknown>[] | undefined) ?? []).map((entry) => ({
        ...entry,
        Detail: entry.Detail === undefined ? undefined : text(entry.Detail),
      }));
      const result = emulators.putEvents(entries);
      if (result.FailedEntryCount > 0) throw Object.assign(new Error(JSON.stringify(result)), { name: 'FailedEntry' }); // EventBridge.FailedEntry
      return result;
    }
    throw Object.assign(new Error(`arn:aws:states:::${service}:${action} is not emulated locally`), { name: 'States.Runtime' });
  };
}
