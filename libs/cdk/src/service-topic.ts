import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { publish } from './ssm-discovery';
import type { StageName } from './stage-config';

/** Properties of a {@link ServiceTopic}. */
export interface ServiceTopicProps {
  /**
   * Key for server-side encryption of messages at rest. A customer-managed key is needed only
   * when an AWS service (e.g. CloudWatch alarms, EventBridge) must publish to the topic; its key
   * policy must then allow that service.
   * @default - the AWS-managed key `alias/aws/sns` (publishers in the account need no KMS grant)
   */
  readonly masterKey?: kms.IKey;
  /**
   * Human-readable name shown in the console and in email notifications.
   * @default - none
   */
  readonly displayName?: string;
}

/**
 * The SNS topic a service publishes its events to: encrypted at rest (SSE) and refusing any
 * request that does not use TLS (`aws:SecureTransport`).
 */
export class ServiceTopic extends Construct {
  /** The AWS-managed SNS key alias. */
  static readonly AWS_MANAGED_KEY_ALIAS = 'alias/aws/sns';

  /** The topic. */
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: ServiceTopicProps = {}) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      masterKey: props.masterKey,
      enforceSSL: true,
      displayName: props.displayName,
    });
    if (!props.masterKey) {
      // Set on the L1 rather than as an imported alias: the AWS-managed key's own policy lets every
      // principal of the account use it through SNS, so publishers need no KMS grant (and get none).
      (this.topic.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = ServiceTopic.AWS_MANAGED_KEY_ALIAS;
    }
  }

  /** The topic's ARN. */
  get topicArn(): string {
    return this.topic.topicArn;
  }

  /**
   * Grants `sns:Publish` on this topic only (and use of a customer-managed key, if any). Prefer
   * {@link ServiceFunction.bindTopic}, which also sets the ARN in the function's environment.
   */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.topic.grantPublish(grantee);
  }

  /** Publishes the topic's ARN in SSM as `/shop/<stage>/<service>/<name>`. */
  publishArn(stage: StageName, service: string, name = 'topic-arn'): ssm.StringParameter {
    return publish(this, stage, service, name, this.topicArn, `ARN of the ${service} events topic (${stage})`);
  }
}
