/**
 * The longest an execution of a state machine can run, read from its Amazon States Language
 * definition: every path from `StartAt` to an end (through `Next`, every `Catch` and every `Choice`
 * branch), each Task counted at its worst: all the attempts its retriers allow, each running to the
 * Task's `TimeoutSeconds`, plus the longest wait its retriers' backoff allows. Pass, Choice, Succeed
 * and Fail take no time. The order stack's execution timeout must cover it (see the order README).
 */

/** The parts of a Retry rule that decide how long it can take (ASL defaults apply to missing fields). */
export interface AslRetrier {
  readonly ErrorEquals: readonly string[];
  /** @default 1 */
  readonly IntervalSeconds?: number;
  /** @default 3 */
  readonly MaxAttempts?: number;
  /** @default 2 */
  readonly BackoffRate?: number;
  /** @default - no cap */
  readonly MaxDelaySeconds?: number;
}

/** The parts of a state the walk reads. */
export interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly TimeoutSeconds?: number;
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly { readonly Next: string }[];
  readonly Choices?: readonly { readonly Next: string }[];
  readonly Default?: string;
}

/** The parts of a definition the walk reads. */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly TimeoutSeconds?: number;
}

/** One Task on the worst path, with what it costs. */
export interface WorstCaseStep {
  readonly state: string;
  /** First attempt plus every retry its retriers allow. */
  readonly attempts: number;
  readonly timeoutSeconds: number;
  /** Longest total wait between its attempts. */
  readonly backoffSeconds: number;
  /** `attempts × timeoutSeconds + backoffSeconds`. */
  readonly seconds: number;
}

/** The longest path through a definition. */
export interface WorstCase {
  readonly seconds: number;
  /** Every state on the path, in order. */
  readonly path: readonly string[];
  /** The Tasks on the path and what each costs. */
  readonly tasks: readonly WorstCaseStep[];
}

/** Thrown when the walk cannot bound a definition (a loop, a Task without a timeout, a missing state). */
export class UnboundedDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnboundedDefinitionError';
  }
}

const ASL_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 } as const;

/** The longest total wait one retrier allows: `IntervalSeconds × BackoffRate^n`, each capped at `MaxDelaySeconds`. */
export const retrierBackoffSeconds = (retrier: AslRetrier): number => {
  const interval = retrier.IntervalSeconds ?? ASL_DEFAULTS.IntervalSeconds;
  const rate = retrier.BackoffRate ?? ASL_DEFAULTS.BackoffRate;
  const attempts = retrier.MaxAttempts ?? ASL_DEFAULTS.MaxAttempts;
  let total = 0;
  const cap = retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY;
  for (let retry = 0; retry < attempts; retry++) total += Math.min(interval * rate ** retry, cap);
  return total;
};

/**
 * What one Task costs at worst. Each retrier counts its own attempts (a Task that fails with one
 * retrier's errors, then another's, is retried by both), so the retries of all retriers add up;
 * jitter only shortens the waits, so it is left out.
 * @throws UnboundedDefinitionError when the Task has no `TimeoutSeconds` (it could wait for a year).
 */
export const taskWorstCase = (name: string, state: AslState): WorstCaseStep => {
  if (state.TimeoutSeconds === undefined) throw new UnboundedDefinitionError(`Task ${name} has no TimeoutSeconds.`);
  const retriers = state.Retry ?? [];
  const attempts = 1 + retriers.reduce((sum, retrier) => sum + (retrier.MaxAttempts ?? ASL_DEFAULTS.MaxAttempts), 0);
  const backoffSeconds = retriers.reduce((sum, retrier) => sum + retrierBackoffSeconds(retrier), 0);
  const seconds = attempts * state.TimeoutSeconds + backoffSeconds;
  return { state: name, attempts, timeoutSeconds: state.TimeoutSeconds, backoffSeconds, seconds };
};

const successors = (state: AslState): string[] => [
  ...(state.Next === undefined ? [] : [state.Next]),
  ...(state.Catch ?? []).map((handler) => handler.Next),
  ...(state.Choices ?? []).map((choice) => choice.Next),
  ...(state.Default === undefined ? [] : [state.Default]),
];

/**
 * The longest path of `definition` (see the module comment).
 * @throws UnboundedDefinitionError for a loop (no bound without a count), a Task without a timeout,
 * a Map or Parallel state (not walked), or a transition to a state that does not exist.
 */
export const worstCase = (definition: AslDefinition): WorstCase => {
  const memo = new Map<string, WorstCase>();
  const visiting = new Set<string>();

  const walk = (name: string): WorstCase => {
    const known = memo.get(name);
    if (known) return known;
    const state = definition.States[name];
    if (!state) throw new UnboundedDefinitionError(`A transition goes to ${name}, which is not a state.`);
    if (visiting.has(name)) throw new UnboundedDefinitionError(`The definition loops through ${name}.`);
    if (state.Type === 'Map' || state.Type === 'Parallel' || state.Type === 'Wait') {
      throw new UnboundedDefinitionError(`${state.Type} state ${name} is not walked.`);
    }
    visiting.add(name);
    const own = state.Type === 'Task' ? [taskWorstCase(name, state)] : [];
    const longestNext = successors(state)
      .map(walk)
      .reduce<WorstCase | undefined>(
        (longest, next) => (longest === undefined || next.seconds > longest.seconds ? next : longest),
        undefined,
      );
    visiting.delete(name);
    const result: WorstCase = {
      seconds: (own[0]?.seconds ?? 0) + (longestNext?.seconds ?? 0),
      path: [name, ...(longestNext?.path ?? [])],
      tasks: [...own, ...(longestNext?.tasks ?? [])],
    };
    memo.set(name, result);
    return result;
  };

  return walk(definition.StartAt);
};
