import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ReleaseStockResultSchema, type ReleaseStockInput } from '@shop/inventory-contracts';
import { RefundPaymentResultSchema, type RefundPaymentInput } from '@shop/payment-contracts';
import * as z from 'zod/mini';
import type { CompensationResult, SagaCompensations } from '../domain/ports';

/**
 * A participant function answered with an error. Its `name` is the error type the function
 * reported (`PaymentProviderUnavailableError`, `ValidationError`, `Sandbox.Timedout`, ...), as Step
 * Functions would see it, so whoever records the failure records the participant's own error name.
 */
export class ParticipantFunctionError extends Error {
  constructor(
    readonly functionArn: string,
    readonly errorType: string,
    message: string,
  ) {
    super(`${functionArn} failed with ${errorType}: ${message}`);
    this.name = errorType;
  }
}

/** A participant answered something its contract does not allow (a bug on one side: not retried). */
export class ParticipantContractError extends Error {
  constructor(
    readonly functionArn: string,
    options?: ErrorOptions,
  ) {
    super(`${functionArn} answered a result its contract does not allow.`, options);
    this.name = 'ParticipantContractError';
  }
}

/** How a failing call is retried in-process. */
export interface CompensationRetryPolicy {
  /** Calls in all, the first included. */
  readonly attempts: number;
  /** Wait before the first retry; it doubles after each, up to {@link maxDelayMs}. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * 4 calls over about 1.4 s (0.2, 0.4, 0.8 s apart): enough for the participants' contention and a
 * provider blip; the reconciler's own retries (EventBridge, Lambda async) and the sweep come after.
 */
export const DEFAULT_COMPENSATION_RETRY: CompensationRetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 2_000 };

/** Function errors no retry can fix: the payload is wrong (a bug), or the answer breaks the contract. */
const NEVER_RETRIED = new Set(['ValidationError', 'ParticipantContractError']);

/** SDK errors of the client's own making that are still worth retrying (throttling). */
const RETRIED_CLIENT_FAULTS = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'EC2ThrottledException',
  'ResourceNotReadyException',
]);

/**
 * Whether a failed call may succeed when repeated: any participant error but a {@link NEVER_RETRIED}
 * one (the compensations are idempotent, so a repeat never acts twice), Lambda's server faults and
 * throttling, and network failures; not the caller's own faults (no such function, no permission).
 */
export const isRetryable = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  if (NEVER_RETRIED.has(error.name)) return false;
  if (error instanceof ParticipantFunctionError) return true;
  const fault = (error as { $fault?: string }).$fault;
  return fault !== 'client' || RETRIED_CLIENT_FAULTS.has(error.name);
};

/** The participant functions, by ARN (from the SSM parameters the saga uses, in the function's environment). */
export interface CompensationFunctions {
  /** payment's `refund-payment` (env `REFUND_PAYMENT_FUNCTION_ARN`). */
  readonly refundPayment: string;
  /** inventory's `release-stock` (env `RELEASE_STOCK_FUNCTION_ARN`). */
  readonly releaseStock: string;
}

const decoder = new TextDecoder();

/**
 * The saga's compensations invoked directly with the Lambda API (`RequestResponse`), with the
 * payloads the saga's Tasks send (`{ orderId, correlationId }`, the participants' contracts), each
 * answer checked against its contract. A failing call is retried in-process with exponential
 * backoff while {@link isRetryable}; the last error is thrown.
 */
export class LambdaSagaCompensations implements SagaCompensations {
  /**
   * @param lambda a Lambda client, built once per module (tracer-wrapped in the handlers); only `send` is used.
   * @param functions the participants' function ARNs; the role needs `lambda:InvokeFunction` on exactly these.
   * @param sleep waits between retries (tests pass one that records).
   */
  constructor(
    private readonly lambda: Pick<LambdaClient, 'send'>,
    private readonly functions: CompensationFunctions,
    private readonly retry: CompensationRetryPolicy = DEFAULT_COMPENSATION_RETRY,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async refundPayment(orderId: string, correlationId: string): Promise<CompensationResult> {
    const input: RefundPaymentInput = { orderId, correlationId };
    const result = await this.invoke(this.functions.refundPayment, input, RefundPaymentResultSchema);
    return { undone: result.refunded };
  }

  async releaseStock(orderId: string, correlationId: string): Promise<CompensationResult> {
    const input: ReleaseStockInput = { orderId, correlationId };
    const result = await this.invoke(this.functions.releaseStock, input, ReleaseStockResultSchema);
    return { undone: result.released };
  }

  private async invoke<S extends z.core.$ZodType>(functionArn: string, payload: unknown, schema: S): Promise<z.output<S>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.invokeOnce(functionArn, payload, schema);
      } catch (error) {
        if (attempt >= this.retry.attempts || !isRetryable(error)) throw error;
        await this.sleep(Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs));
      }
    }
  }

  private async invokeOnce<S extends z.core.$ZodType>(functionArn: string, payload: unknown, schema: S): Promise<z.output<S>> {
    const output = await this.lambda.send(
      new InvokeCommand({ FunctionName: functionArn, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }),
    );
    const text = output.Payload ? decoder.decode(output.Payload) : '';
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch (error) {
      if (output.FunctionError) throw new ParticipantFunctionError(functionArn, 'Unhandled', text);
      throw new ParticipantContractError(functionArn, { cause: error });
    }
    if (output.FunctionError) {
      // The Node.js runtime reports `{ errorType, errorMessage }`; a timeout or a crash may report less.
      const { errorType, errorMessage } = (body ?? {}) as { errorType?: unknown; errorMessage?: unknown };
      throw new ParticipantFunctionError(
        functionArn,
        typeof errorType === 'string' && errorType !== '' ? errorType : output.FunctionError,
        typeof errorMessage === 'string' ? errorMessage : text,
      );
    }
    const result = z.safeParse(schema, body);
    if (!result.success) throw new ParticipantContractError(functionArn, { cause: result.error });
    return result.data;
  }
}
