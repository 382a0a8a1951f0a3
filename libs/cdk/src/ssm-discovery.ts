import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ShopCdkError } from './errors';
import type { StageName } from './stage-config';

/**
 * Service discovery through SSM Parameter Store. An owner publishes what others need (a topic
 * ARN, a user pool, an API id) under `/shop/<stage>/<service>/<name>`; a consumer reads it when
 * its own stack deploys (a CloudFormation `AWS::SSM::Parameter::Value<String>` parameter), never
 * through `Fn::ImportValue`, so every stack deploys, updates and deletes on its own.
 */

const SEGMENT = /^[a-z0-9][a-z0-9-]*$/;

/** Thrown when a stage, service or parameter name is not a lower-case kebab-case segment. */
export class InvalidParameterSegmentError extends ShopCdkError {
  constructor(readonly segment: string) {
    super(`"${segment}" is not a valid SSM path segment: use lower-case letters, digits and dashes.`);
    this.name = 'InvalidParameterSegmentError';
  }
}

const checked = (segment: string): string => {
  if (!SEGMENT.test(segment)) throw new InvalidParameterSegmentError(segment);
  return segment;
};

/**
 * The SSM parameter name `/shop/<stage>/<service>/<name>`.
 * @throws InvalidParameterSegmentError when a segment is not lower-case kebab-case.
 */
export const parameterName = (stage: StageName, service: string, name: string): string =>
  `/shop/${checked(stage)}/${checked(service)}/${checked(name)}`;

/**
 * Publishes `value` as the String parameter `/shop/<stage>/<service>/<name>`, as a child of
 * `scope` with the construct id `Param-<name>`.
 */
export const publish = (
  scope: Construct,
  stage: StageName,
  service: string,
  name: string,
  value: string,
  description?: string,
): ssm.StringParameter =>
  new ssm.StringParameter(scope, `Param-${name}`, {
    parameterName: parameterName(stage, service, name),
    stringValue: value,
    description: description ?? `${service} ${name} (${stage}), for service discovery`,
  });

/**
 * A token for the value of `/shop/<stage>/<service>/<name>`, resolved by CloudFormation when the
 * consuming stack deploys (`ssm.StringParameter.valueForStringParameter`). Looking the same
 * parameter up twice in one stack reuses one template parameter.
 */
export const lookup = (scope: Construct, stage: StageName, service: string, name: string): string =>
  ssm.StringParameter.valueForStringParameter(scope, parameterName(stage, service, name));
