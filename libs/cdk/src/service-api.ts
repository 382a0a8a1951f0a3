import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { numericSettings, standardAlarm, type AlarmSettings } from './alarms';
import { suppressNag } from './nag';
import { ServiceDashboard, type DashboardSection } from './service-dashboard';
import { lookup, publish } from './ssm-discovery';
import { serviceStackName, type StageConfig } from './stage-config';

/** Every method a {@link ServiceApi} routes to its router. */
export const HTTP_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The methods that only read: public for an API whose resources anyone may see (a catalog). */
export const READ_METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'OPTIONS'];

/** SSM parameter names (under the platform service) that a {@link ServiceApi} reads. */
export const PLATFORM_PARAMETERS = {
  userPoolArn: 'user-pool-arn',
  apiDomainName: 'api-domain-name',
} as const;

/** Stage-wide request throttling of a {@link ServiceApi}. */
export interface ApiThrottling {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Burst capacity in requests. */
  readonly burstLimit: number;
}

/** Properties of a {@link ServiceApi}. */
export interface ServiceApiProps {
  /** The owning service, e.g. `product`. */
  readonly service: string;
  /** The stage: log retention, SSM paths, the API stage's name. */
  readonly stage: StageConfig;
  /** The service's router function, which receives every request (`/` and `/{proxy+}`). */
  readonly handler: lambda.IFunction;
  /**
   * Base path of the service on the shop's API domain, `https://<domain>/<basePath>/...`: the
   * resource the service serves, e.g. `products`, `basket`, `orders`.
   */
  readonly basePath: string;
  /**
   * Methods anyone may call without a token; every other method needs an ID token of the shop's
   * user pool. A catalog passes {@link READ_METHODS}.
   * @default ['OPTIONS'] (CORS preflights carry no token)
   */
  readonly publicMethods?: readonly HttpMethod[];
  /**
   * Stage-wide throttling (per-account limits still apply above it).
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttling?: ApiThrottling;
  /**
   * Overrides of the API's standard alarms.
   * @default - the defaults of {@link ApiAlarms}
   */
  readonly alarms?: ApiAlarms;
}

/**
 * The standard alarms of every {@link ServiceApi}, on the metrics of its stage (`ApiName`, `Stage`);
 * each field overrides that alarm's defaults.
 */
export interface ApiAlarms {
  /**
   * 5XX rate: the share of requests answered 5XX (`5XXError` Average) above the threshold.
   * @default threshold 0.05 (5 %), period 1 minute, 3 of 5 datapoints: AWS's recommended 5XX alarm;
   * the router answers every handled failure with a 4XX, so a 5XX is a bug or an outage
   */
  readonly serverErrorRate?: AlarmSettings;
  /**
   * p99 latency (`Latency` p99) above the threshold.
   * @default threshold 2.5 seconds, period 1 minute, 3 of 5 datapoints: AWS's recommended latency
   * threshold, taken at p99 so the slowest customers count; a cold start (about a second) stays
   * under it
   */
  readonly p99Latency?: AlarmSettings<Duration>;
}

/**
 * A service's REST API (API Gateway v1, regional): `/` and `/{proxy+}` route every method to
 * the service's router Lambda (which routes on the path below the API root). Methods not listed in
 * `publicMethods` need an ID token of the shop's Cognito user pool (found through SSM). Request
 * validation is the router's (zod, problem+json). The stage has JSON access logs, execution logs
 * (errors and info, never bodies), X-Ray tracing, metrics and throttling. The API is mounted on
 * the shop's API domain (its name from SSM) at the service's base path. It has the standard
 * alarms ({@link ApiAlarms}) and a section of the stack's {@link ServiceDashboard}.
 */
export class ServiceApi extends Construct {
  /** The REST API. */
  readonly restApi: apigw.RestApi;
  /** The Cognito user pool authorizer of the write methods. */
  readonly authorizer: apigw.CognitoUserPoolsAuthorizer;
  /** The API's base path on the shop's API domain. */
  readonly basePath: string;
  /** The mapping of the API's stage onto the shop's API domain at {@link basePath}. */
  readonly basePathMapping: apigw.CfnBasePathMapping;
  /** The stage's access log group. */
  readonly accessLogs: logs.LogGroup;
  /** In alarm while too many requests are answered 5XX: see {@link ApiAlarms.serverErrorRate}. */
  readonly serverErrorAlarm: cloudwatch.Alarm;
  /** In alarm while the API is slow: see {@link ApiAlarms.p99Latency}. */
  readonly latencyAlarm: cloudwatch.Alarm;
  /** The API's section of the stack's dashboard. */
  readonly dashboardSection: DashboardSection;

  private readonly props: ServiceApiProps;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    this.props = props;
    const { service, stage } = props;
    this.basePath = props.basePath;
    const throttling = props.throttling ?? { rateLimit: 50, burstLimit: 100 };

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });

    this.restApi = new apigw.RestApi(this, 'Api', {
      restApiName: serviceStackName(stage, service),
      description: `${service} service API (${stage.stage})`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The account-wide CloudWatch role of API Gateway belongs to the platform app: a role per
      // service would fight over the one AWS::ApiGateway::Account setting of the region.
      cloudWatchRole: false,
      deployOptions: {
        stageName: stage.stage,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        // Request and response bodies may hold personal data: never in the execution logs.
        dataTraceEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
      },
    });

    const userPoolArn = lookup(this, stage.stage, 'platform', PLATFORM_PARAMETERS.userPoolArn);
    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      authorizerName: `shop-${stage.stage}-${service}-cognito`,
      cognitoUserPools: [cognito.UserPool.fromUserPoolArn(this, 'UserPool', userPoolArn)],
      identitySource: apigw.IdentitySource.header('Authorization'),
      resultsCacheTtl: Duration.minutes(5),
    });

    // One API-scoped invoke permission instead of one per method and resource.
    const integration = new apigw.LambdaIntegration(props.handler, { scopePermissionToMethod: false });
    const proxy = this.restApi.root.addResource('{proxy+}');
    const publicMethods = new Set<HttpMethod>(props.publicMethods ?? ['OPTIONS']);
    for (const resource of [this.restApi.root, proxy]) {
      for (const method of HTTP_METHODS) {
        if (!publicMethods.has(method)) {
          resource.addMethod(method, integration, {
            authorizationType: apigw.AuthorizationType.COGNITO,
            authorizer: this.authorizer,
          });
          continue;
        }
        const reason = `${method} on the ${service} API is public by design (publicMethods): it needs no caller identity.`;
        suppressNag(resource.addMethod(method, integration, { authorizationType: apigw.AuthorizationType.NONE }), [
          { id: 'AwsSolutions-APIG4', reason },
          { id: 'AwsSolutions-COG4', reason },
        ]);
      }
    }

    suppressNag(this.restApi, [
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Requests are validated by the router, with one zod schema per route, answering problem+json ' +
          'that names every bad field; an API Gateway validator would answer with its own error shape first.',
      },
    ]);
    suppressNag(this.restApi.deploymentStage, [
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF web ACL yet: stage throttling bounds abuse for now; a shared web ACL owned by the ' +
          'platform app is a planned follow-up (docs/decisions/0003-api-domain-and-base-paths.md).',
      },
    ]);

    this.basePathMapping = new apigw.CfnBasePathMapping(this, 'BasePathMapping', {
      domainName: lookup(this, stage.stage, 'platform', PLATFORM_PARAMETERS.apiDomainName),
      restApiId: this.restApi.restApiId,
      stage: this.restApi.deploymentStage.stageName,
      basePath: this.basePath,
    });

    const apiStage = this.restApi.deploymentStage;
    this.serverErrorAlarm = standardAlarm(this, 'ServerErrorRateAlarm', {
      stage,
      description: `${service} API: more than the threshold's share of requests were answered 5XX; see the router's logs.`,
      metric: apiStage.metricServerError({ statistic: cloudwatch.Stats.AVERAGE }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      defaults: { threshold: 0.05, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3 },
      settings: props.alarms?.serverErrorRate,
    });
    this.latencyAlarm = standardAlarm(this, 'LatencyAlarm', {
      stage,
      description: `${service} API: p99 latency is above the threshold (ms).`,
      metric: apiStage.metricLatency({ statistic: 'p99' }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      defaults: {
        threshold: Duration.millis(2500).toMilliseconds(),
        period: Duration.minutes(1),
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      },
      settings: numericSettings(props.alarms?.p99Latency, (latency) => latency.toMilliseconds()),
    });
    this.dashboardSection = ServiceDashboard.of(this)
      .addSection(`API ${service} (/${this.basePath})`)
      .addGraph('requests, 4XX, 5XX', [apiStage.metricCount(), apiStage.metricClientError(), apiStage.metricServerError()])
      .addAlarm('5XX rate', this.serverErrorAlarm)
      .addAlarm('latency p99 (ms)', this.latencyAlarm);
  }

  /**
   * Publishes the API's id and its execute-api URL in SSM as `/shop/<stage>/<service>/api-id`
   * and `/shop/<stage>/<service>/api-url`.
   */
  publishEndpoint(): { apiId: ssm.StringParameter; apiUrl: ssm.StringParameter } {
    const { stage, service } = this.props;
    const what = `the ${service} REST API (${stage.stage})`;
    return {
      apiId: publish(this, stage.stage, service, 'api-id', this.restApi.restApiId, `Id of ${what}`),
      apiUrl: publish(this, stage.stage, service, 'api-url', this.restApi.url, `execute-api URL of ${what}`),
    };
  }
}
