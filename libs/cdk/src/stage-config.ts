import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { ShopCdkError } from './errors';

/** The stages every CDK app of the shop can be synthesized for. */
export const STAGE_NAMES = ['dev', 'prod', 'local'] as const;

/** One of {@link STAGE_NAMES}. */
export type StageName = (typeof STAGE_NAMES)[number];

/** Log levels understood by Powertools (`POWERTOOLS_LOG_LEVEL`). */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Where alarms notify: `ops-topic` sends them to the platform's ops alarm topic (its ARN found in
 * SSM at `/shop/<stage>/platform/alarm-topic-arn`); `none` leaves them visible in CloudWatch only.
 */
export type AlarmActions = 'ops-topic' | 'none';

/**
 * A real custom domain for the shop's API, served by API Gateway with an ACM certificate that
 * is validated through DNS in the given Route 53 hosted zone (owned by the platform app).
 */
export interface ApiDomainConfig {
  /** The API's host name, e.g. `api.shop.example.com`. */
  readonly domainName: string;
  /** Id of the public hosted zone that holds `domainName`. */
  readonly hostedZoneId: string;
  /** Name of that hosted zone, e.g. `shop.example.com`. */
  readonly hostedZoneName: string;
}

/** Everything that differs between stages, in one typed place. */
export interface StageConfig {
  /** The stage's name: part of every stack name and SSM parameter name. */
  readonly stage: StageName;
  /**
   * What happens to stateful resources (tables, log groups) when their stack is deleted or they
   * are replaced: DESTROY where data is disposable (dev, local), RETAIN where it is not (prod).
   */
  readonly removalPolicy: RemovalPolicy;
  /** How long Lambda and API Gateway logs are kept. */
  readonly logRetention: RetentionDays;
  /** `POWERTOOLS_LOG_LEVEL` of every function. */
  readonly logLevel: LogLevel;
  /** Where alarms notify. */
  readonly alarmActions: AlarmActions;
  /**
   * Cognito threat protection (the Plus feature plan, billed per monthly active user): on where
   * real customers sign in.
   */
  readonly userPoolThreatProtection: boolean;
  /**
   * Whether the simulated payment provider's failure tokens (`tok_transient_<n>`: fail n times,
   * then approve) work. On where tests drive the saga through failures (dev, local); off where real
   * customers pay (prod), where such a token is refused as a declined payment, so no customer can
   * send an order to NEEDS_ATTENTION, and page the on-call, at will.
   */
  readonly simulatedPaymentFailures: boolean;
  /**
   * The real custom domain of the shop's API, created by the platform app. Absent where there is
   * no DNS (local): see {@link StageConfig.apiDomainName}.
   */
  readonly apiDomain?: ApiDomainConfig;
  /**
   * The API domain name the platform publishes in SSM (`/shop/<stage>/platform/api-domain-name`)
   * and onto which every service maps its base path. Equal to `apiDomain.domainName` where a real
   * domain exists, a placeholder otherwise (see docs/decisions/0003-api-domain-and-base-paths.md).
   */
  readonly apiDomainName: string;
}

/**
 * The stage table. The dev and prod domains are examples: point them at the team's own hosted
 * zone before the first deploy (docs/decisions/0003-api-domain-and-base-paths.md).
 */
const STAGES: Readonly<Record<StageName, StageConfig>> = {
  dev: {
    stage: 'dev',
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: RetentionDays.ONE_WEEK,
    logLevel: 'DEBUG',
    alarmActions: 'none',
    userPoolThreatProtection: false,
    simulatedPaymentFailures: true,
    apiDomain: {
      domainName: 'api.dev.shop.example.com',
      hostedZoneId: 'Z0000000000DEVEXAMPLE',
      hostedZoneName: 'dev.shop.example.com',
    },
    apiDomainName: 'api.dev.shop.example.com',
  },
  prod: {
    stage: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: RetentionDays.THREE_MONTHS,
    logLevel: 'INFO',
    alarmActions: 'ops-topic',
    userPoolThreatProtection: true,
    simulatedPaymentFailures: false,
    apiDomain: {
      domainName: 'api.shop.example.com',
      hostedZoneId: 'Z000000000PRODEXAMPLE',
      hostedZoneName: 'shop.example.com',
    },
    apiDomainName: 'api.shop.example.com',
  },
  local: {
    stage: 'local',
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: RetentionDays.ONE_DAY,
    logLevel: 'INFO',
    alarmActions: 'none',
    userPoolThreatProtection: false,
    simulatedPaymentFailures: true,
    apiDomainName: 'api.shop.localhost',
  },
};

/** Thrown when a stage name is not one of {@link STAGE_NAMES}. */
export class UnknownStageError extends ShopCdkError {
  constructor(readonly stage: string) {
    super(`Unknown stage "${stage}": expected one of ${STAGE_NAMES.join(', ')}.`);
    this.name = 'UnknownStageError';
  }
}

/** Narrows a string to a {@link StageName}. */
export const isStageName = (value: string): value is StageName => (STAGE_NAMES as readonly string[]).includes(value);

/**
 * The configuration of one stage.
 * @throws UnknownStageError for a name that is not a stage.
 */
export const stageConfig = (stage: string): StageConfig => {
  if (!isStageName(stage)) throw new UnknownStageError(stage);
  return STAGES[stage];
};

/** The CDK context key that selects the stage (`cdk synth -c stage=prod`). */
export const STAGE_CONTEXT_KEY = 'stage';

/** The stage used when the context does not name one. */
export const DEFAULT_STAGE: StageName = 'dev';

/**
 * The configuration of the stage named by the CDK context `stage` of `scope` (usually the App).
 * @default stage `dev` when the context is not set
 * @throws UnknownStageError when the context names an unknown stage.
 */
export const stageFromContext = (scope: IConstruct): StageConfig => {
  const value: unknown = scope.node.tryGetContext(STAGE_CONTEXT_KEY);
  return stageConfig(typeof value === 'string' && value !== '' ? value : DEFAULT_STAGE);
};

/**
 * The shop's naming convention for a service's resources in a stage: `shop-<stage>-<service>`
 * (stack names, API names). One place, because deploy scripts and the local cloud rely on it.
 */
export const serviceStackName = (stage: StageConfig, service: string): string => `shop-${stage.stage}-${service}`;
