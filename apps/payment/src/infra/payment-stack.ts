import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { type ServiceApi, type ServiceFunction, ServiceStack, type ServiceStackProps, ServiceTable, type StageConfig } from '@shop/cdk';
import type { FailureTokens } from '../adapters/failure-tokens';
import { PAYMENT_ENV } from '../config/env';

/** The service's name: SSM namespace, bundle folder, Powertools service name. */
export const SERVICE = 'payment';

/** Where the payment API is mounted on the shop's API domain (`https://<domain>/payments/...`). */
export const BASE_PATH = 'payments';

/** SSM parameter names (under `/shop/<stage>/payment/`) of the saga command functions' ARNs. */
export const SAGA_COMMAND_PARAMETERS = {
  chargePayment: 'charge-payment-function-arn',
  refundPayment: 'refund-payment-function-arn',
} as const;

/**
 * Stateful resources: the payment table (one payment per order, plus the simulated provider's
 * per-order failure counters, which expire through TTL). Kept in its own construct, with ids that
 * never change, so that no refactoring of the functions or the API can replace it.
 */
export class PaymentState extends Construct {
  /** `PAYMENT#<orderId>` / `PAYMENT` and `SIMULATOR#<orderId>` / `TRANSIENT_FAILURES` items. */
  readonly table: ServiceTable;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.table = new ServiceTable(this, 'Payments', { stage });
  }
}

/**
 * The payment service: a REST API for administrators (read the payment of an order) and the two
 * saga commands the order saga invokes directly (Step Functions `lambda:invoke`), whose ARNs are
 * published in SSM: `ChargePayment` (authorize and capture at the simulated provider) and
 * `RefundPayment` (its compensation). Both are idempotent per order id.
 */
export class PaymentStack extends ServiceStack {
  /** The table. */
  readonly state: PaymentState;
  /** The `{proxy+}` router behind the REST API. */
  readonly router: ServiceFunction;
  /** The `ChargePayment` saga command. */
  readonly chargePayment: ServiceFunction;
  /** The `RefundPayment` compensation. */
  readonly refundPayment: ServiceFunction;
  /** The REST API. */
  readonly api: ServiceApi;
  /** The SSM parameters publishing the saga command functions' ARNs. */
  readonly sagaCommandParameters: Readonly<Record<keyof typeof SAGA_COMMAND_PARAMETERS, ssm.StringParameter>>;

  constructor(scope: Construct, props: ServiceStackProps) {
    super(scope, { service: SERVICE, description: 'payment service' }, props);
    const { stage } = this;

    // --- Stateful -------------------------------------------------------------------------------
    this.state = new PaymentState(this, 'State', stage);
    const { table } = this.state;

    // --- Stateless ------------------------------------------------------------------------------
    this.router = this.addFunction('router', {
      description: 'Payment REST API (admins): get the payment of an order',
    }).bindTable(table, { items: 'read' }, PAYMENT_ENV.tableName);

    // Every write is a conditional UpdateItem (payments and the simulator's counters): no Put, no Delete.
    // A charge reads nothing: a failed attempt write returns the stored payment (ALL_OLD).
    this.chargePayment = this.addFunction('charge-payment', {
      description: 'Saga command ChargePayment: authorize and capture once per order (simulated provider)',
      // The stage decides whether the simulator's failure tokens work: in prod they are declined.
      environment: { [PAYMENT_ENV.failureTokens.name]: (stage.simulatedPaymentFailures ? 'enabled' : 'disabled') satisfies FailureTokens },
      // Business refusals (declined cards) reach the saga as function errors: a sale can make most calls
      // refusals. Unexpected failures page through the saga's own alarms (failed executions,
      // NEEDS_ATTENTION); this one fires only when most calls fail.
      alarms: { errorRate: { threshold: 0.5 } },
    }).bindTable(table, { items: ['UpdateItem'] }, PAYMENT_ENV.tableName);

    this.refundPayment = this.addFunction('refund-payment', {
      description: 'Saga compensation RefundPayment: gives a captured payment back, once',
    }).bindTable(table, { items: ['GetItem', 'UpdateItem'] }, PAYMENT_ENV.tableName);

    this.sagaCommandParameters = {
      chargePayment: this.chargePayment.publishArn(
        SAGA_COMMAND_PARAMETERS.chargePayment,
        `ARN of the payment ChargePayment saga command function (${stage.stage})`,
      ),
      refundPayment: this.refundPayment.publishArn(
        SAGA_COMMAND_PARAMETERS.refundPayment,
        `ARN of the payment RefundPayment saga compensation function (${stage.stage})`,
      ),
    };

    // Payments are for administrators only (checked by the router): every method needs a token.
    this.api = this.addApi({ basePath: BASE_PATH, router: this.router });
  }
}
