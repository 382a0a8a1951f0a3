import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { eventBusNameOf, functionNameOf, queueNameOf, queueUrl } from '../assembly/naming';
import type { Messaging } from '../emulators/messaging';
import type { EventBridge, TargetDelivery } from '../events/event-bridge';
import type { AsyncInvoker } from '../lambda/async-invoker';
import type { Logger } from '../log';
import type { StepFunctions } from '../sfn/step-functions';

export interface DestinationDeps {
  messaging(): Promise<Messaging>;
  asyncInvoker(): AsyncInvoker;
  events(): EventBridge;
  sfn(): StepFunctions;
  logger: Logger;
}

/**
 * Where the runtimes send what they hand on: Lambda's destinations and dead-letter queues, a
 * stream's OnFailure, EventBridge's targets. Each call throws when the delivery fails.
 */
export class Destinations {
  constructor(private readonly deps: DestinationDeps) {}

  /** Sends a record to a destination ARN (SQS, SNS, a function invoked asynchronously, an event bus). */
  async send(arn: string, payload: unknown, attributes?: Record<string, string>): Promise<void> {
    const body = JSON.stringify(payload);
    if (arn.startsWith('arn:aws:sqs:')) {
      await this.sendMessage(arn, body, { attributes });
    } else if (arn.startsWith('arn:aws:sns:')) {
      await (
        await this.deps.messaging()
      ).sns.send(new PublishCommand({ TopicArn: arn, Message: body, MessageAttributes: stringAttributes(attributes) }));
    } else if (arn.startsWith('arn:aws:lambda:')) {
      this.deps.asyncInvoker().accept(functionNameOf(arn), payload, 'destination');
    } else if (arn.startsWith('arn:aws:events:')) {
      const success = (payload as { requestContext?: { condition?: string } }).requestContext?.condition === 'Success';
      const result = this.deps.events().putEvents([
        {
          Source: 'lambda',
          DetailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`,
          Detail: body,
          EventBusName: eventBusNameOf(arn),
        },
      ]);
      if (result.FailedEntryCount > 0) throw new Error(`destination ${arn} refused the record: ${JSON.stringify(result.Entries[0])}`);
    } else {
      this.deps.logger.warn(`destination ${arn} is not emulated`);
    }
  }

  async sendMessage(
    queueArnOrUrl: string,
    body: string,
    options: { messageGroupId?: string; attributes?: Record<string, string> } = {},
  ): Promise<void> {
    const messaging = await this.deps.messaging();
    await messaging.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl(messaging.endpoint, queueNameOf(queueArnOrUrl)),
        MessageBody: body,
        MessageGroupId: options.messageGroupId,
        MessageAttributes: stringAttributes(options.attributes),
      }),
    );
  }

  /** How EventBridge reaches its targets here. */
  targetDelivery(): TargetDelivery {
    return {
      invokeAsync: (functionName, payload, source) => {
        this.deps.asyncInvoker().accept(functionName, payload, source);
      },
      sendMessage: (queue, body, options) => this.sendMessage(queue, body, options),
      publish: async (topicArn, message) => {
        await (await this.deps.messaging()).sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
      },
      startExecution: async (stateMachineArn, input) => {
        this.deps.sfn().startExecution({ stateMachineArn, input });
      },
    };
  }
}

/** SQS/SNS message attributes of type String from a plain record (undefined when there are none). */
function stringAttributes(attributes: Record<string, string> | undefined): Record<string, MessageAttributeValue> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));
}
