/**
 * The stage's setting for the simulated provider's failure tokens, shared by the payment stack (which
 * sets it in the charge function's environment) and the charge function (which reads it at cold
 * start). No SDK here: the stack imports it at synth time.
 */

/**
 * Whether the simulator's failure tokens work (`enabled`: dev, local) or are refused as declined
 * payments (`disabled`: prod). From the stage table (`StageConfig.simulatedPaymentFailures`), through
 * the charge function's environment ({@link FAILURE_TOKENS_ENV}).
 */
export type FailureTokens = 'enabled' | 'disabled';

/** Environment variable of the charge function that carries {@link FailureTokens}. */
export const FAILURE_TOKENS_ENV = 'SIMULATED_FAILURE_TOKENS';

/** Thrown at cold start when {@link FAILURE_TOKENS_ENV} holds anything but `enabled` or `disabled`. */
export class InvalidFailureTokensSettingError extends Error {
  constructor(readonly value: string) {
    super(`Environment variable ${FAILURE_TOKENS_ENV} must be "enabled" or "disabled", not "${value}".`);
    this.name = 'InvalidFailureTokensSettingError';
  }
}

/**
 * Reads the {@link FailureTokens} setting (the value of {@link FAILURE_TOKENS_ENV}).
 * @throws InvalidFailureTokensSettingError for any other value: a typo must not turn failures on or off silently.
 */
export const parseFailureTokens = (value: string): FailureTokens => {
  if (value === 'enabled' || value === 'disabled') return value;
  throw new InvalidFailureTokensSettingError(value);
};
