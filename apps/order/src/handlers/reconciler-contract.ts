/*
 * The reconciler's contract with its stack: the Step Functions events its rule matches (its
 * environment is in `config/env.ts`). No imports, so the stack (CDK) shares these names with the
 * handlers without loading any runtime code.
 */

/** `source` of the events Step Functions sends to the default bus. */
export const STEP_FUNCTIONS_SOURCE = 'aws.states';

/** `detail-type` of an execution's status change. */
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/** The execution ends the reconciler acts on (the rule's pattern; anything else is ignored). */
export const RECONCILED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
