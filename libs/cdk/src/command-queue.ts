import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ConsumerQueue, type ConsumerQueueProps } from './consumer-queue';
import type { EnvName, ServiceFunction } from './service-function';
import { lookup, publish } from './ssm-discovery';
import type { StageName } from './stage-config';

/** SSM parameter names of a command queue called `name`: `<name>-queue-url` and `<name>-queue-arn`. */
export const commandQueueParameterNames = (name: string) => ({ url: `${name}-queue-url`, arn: `${name}-queue-arn` }) as const;

/** Properties of a {@link CommandQueue}. */
export interface CommandQueueProps extends ConsumerQueueProps {
  /** The owning service, e.g. `order`. */
  readonly service: string;
  /**
   * The queue's name within the service, e.g. `intake`: its URL and ARN are published as
   * `/shop/<stage>/<service>/<name>-queue-url` and `.../<name>-queue-arn`.
   */
  readonly name: string;
}

/**
 * The queue a service receives commands on (e.g. order's `intake` queue for `PlaceOrder`): a
 * {@link ConsumerQueue} (encrypted, TLS only, alarmed dead-letter queue) whose URL and ARN are
 * published in SSM, so senders in other stacks find it at deploy time without `Fn::ImportValue`.
 * Senders use {@link CommandQueue.bindSender}; the owner adds its consumer with `addConsumer`.
 */
export class CommandQueue extends ConsumerQueue {
  /** `/shop/<stage>/<service>/<name>-queue-url`. */
  readonly urlParameter: ssm.StringParameter;
  /** `/shop/<stage>/<service>/<name>-queue-arn`. */
  readonly arnParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: CommandQueueProps) {
    super(scope, id, props);
    const names = commandQueueParameterNames(props.name);
    const stage = props.stage.stage;
    this.urlParameter = publish(
      this,
      stage,
      props.service,
      names.url,
      this.queueUrl,
      `URL of the ${props.service} ${props.name} command queue (${stage})`,
    );
    this.arnParameter = publish(
      this,
      stage,
      props.service,
      names.arn,
      this.queueArn,
      `ARN of the ${props.service} ${props.name} command queue (${stage})`,
    );
  }

  /**
   * Lets `sender` (a function of another service's stack) send to the command queue `name` of
   * `service`, found through SSM: grants `sqs:SendMessage` on that queue's ARN only and sets
   * `envVar` to its URL. The sender sends to the URL it is given, so it needs neither
   * `GetQueueUrl` nor `GetQueueAttributes` (which the CDK's `grantSendMessages` would add). The
   * queue uses SQS-managed encryption, so no KMS grant is needed.
   */
  static bindSender(
    sender: ServiceFunction,
    target: { readonly stage: StageName; readonly service: string; readonly name: string },
    envVar: EnvName = 'COMMAND_QUEUE_URL',
  ): sqs.IQueue {
    const names = commandQueueParameterNames(target.name);
    const scope = sender;
    const queue = sqs.Queue.fromQueueAttributes(scope, `${target.service}-${target.name}-queue`, {
      queueArn: lookup(scope, target.stage, target.service, names.arn),
      queueUrl: lookup(scope, target.stage, target.service, names.url),
    });
    sender.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
      }),
    );
    sender.addEnvironment(envVar, queue.queueUrl);
    return queue;
  }
}
