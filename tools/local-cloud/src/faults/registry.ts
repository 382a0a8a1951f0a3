import type { Logger } from '../log';
import { MAX_FAULT_RULES, matchesFunction, matchesMachine, type AwsFaultRule, type FaultRule, type FaultService } from './rules';

/** One AWS API call a function made, as far as fault rules look at it. */
export interface AwsCall {
  service: FaultService;
  operation: string;
  /** Table names, queue URLs (or names), topic ARNs the call names. */
  resources: string[];
}

/** A function as fault rules name it. */
export interface FaultFunction {
  name: string;
  label: string;
}

/** What a function pool asks before and after it runs a handler. */
export interface FunctionFaults {
  /** True: fail this invocation as a crash without running the handler. */
  crashBefore(fn: FaultFunction): boolean;
  /** Once the handler returned (its effects are done): the failure to report instead of its answer. */
  afterHandler(fn: FaultFunction): 'crash' | 'timeout' | undefined;
}

/** What Step Functions asks when a Task state completed successfully. */
export interface ExecutionFaults {
  /** True: stop (abort) the execution now, before the next state. */
  stopAfterState(machine: { name: string; arn: string }, state: string): boolean;
}

/** A rule as `GET /_local/faults` shows it. */
export type FaultView = FaultRule & {
  id: string;
  /** How often it fired. */
  hits: number;
  /** Calls or invocations it will still fail (null: bounded by time only). */
  remaining: number | null;
  /** Seconds it stays active (null: bounded by count only). */
  secondsLeft: number | null;
  active: boolean;
  createdAt: string;
};

interface Entry {
  id: string;
  rule: FaultRule;
  createdAt: number;
  expiresAt?: number;
  hits: number;
}

/**
 * The fault rules of a running local cloud: the front door asks it about every AWS call while a
 * rule for that service is active, the function pools about every invocation, Step Functions about
 * every completed Task state. A rule fires until its count is spent or its time is up; spent rules
 * stay listed with their hits until deleted. Each firing is one log line.
 */
export class FaultRegistry implements FunctionFaults, ExecutionFaults {
  private entries: Entry[] = [];
  private nextId = 1;
  private readonly now: () => number;

  /** `onChange`: told after a rule is added or removed. */
  constructor(private readonly deps: { logger: Logger; now?: () => number; onChange?: () => void }) {
    this.now = deps.now ?? Date.now;
  }

  /** Whether any AWS rule for this service is listed, active or not (spent and expired rules stay until deleted). */
  lists(service: FaultService): boolean {
    return this.entries.some((entry) => entry.rule.kind === 'aws' && entry.rule.service === service);
  }

  /** Adds a rule; undefined when MAX_FAULT_RULES are kept already. */
  add(rule: FaultRule): FaultView | undefined {
    if (this.entries.length >= MAX_FAULT_RULES) return undefined;
    const createdAt = this.now();
    const entry: Entry = {
      id: `fault-${this.nextId++}`,
      rule,
      createdAt,
      hits: 0,
      expiresAt: rule.seconds === undefined ? undefined : createdAt + rule.seconds * 1000,
    };
    this.entries.push(entry);
    this.deps.onChange?.();
    return this.view(entry);
  }

  list(): FaultView[] {
    return this.entries.map((entry) => this.view(entry));
  }

  get(id: string): FaultView | undefined {
    const entry = this.entries.find((candidate) => candidate.id === id);
    return entry && this.view(entry);
  }

  remove(id: string): FaultView | undefined {
    const entry = this.entries.find((candidate) => candidate.id === id);
    if (!entry) return undefined;
    this.entries = this.entries.filter((candidate) => candidate !== entry);
    this.deps.onChange?.();
    return this.view(entry);
  }

  clear(): number {
    const removed = this.entries.length;
    this.entries = [];
    this.deps.onChange?.();
    return removed;
  }

  /** Whether any active rule looks at this service's calls: when none does, the front door only forwards. */
  watches(service: FaultService): boolean {
    if (this.entries.length === 0) return false;
    const now = this.now();
    return this.entries.some((entry) => entry.rule.kind === 'aws' && entry.rule.service === service && this.active(entry, now));
  }

  /** The rule that fails this call, if any (it counts as a hit). */
  awsFault(call: AwsCall): AwsFaultRule | undefined {
    const entry = this.firstActive(
      (rule) =>
        rule.kind === 'aws' &&
        rule.service === call.service &&
        (!rule.operations || rule.operations.includes(call.operation)) &&
        (rule.resource === undefined || call.resources.some((resource) => resource.includes(rule.resource as string))),
    );
    if (!entry || entry.rule.kind !== 'aws') return undefined;
    this.fire(
      entry,
      `${call.service} ${call.operation}${call.resources.length ? ` ${call.resources.join(',')}` : ''} → ${entry.rule.error}`,
    );
    return entry.rule;
  }

  crashBefore(fn: FaultFunction): boolean {
    const entry = this.firstActive(
      (rule) => rule.kind === 'function' && rule.mode === 'crash-before' && matchesFunction(rule.function, fn),
    );
    if (entry) this.fire(entry, `${fn.label} crashes before its handler runs`);
    return entry !== undefined;
  }

  afterHandler(fn: FaultFunction): 'crash' | 'timeout' | undefined {
    const entry = this.firstActive(
      (rule) => rule.kind === 'function' && rule.mode !== 'crash-before' && matchesFunction(rule.function, fn),
    );
    if (!entry || entry.rule.kind !== 'function') return undefined;
    const outcome = entry.rule.mode === 'timeout-after' ? 'timeout' : 'crash';
    this.fire(entry, `${fn.label} ran its handler, reported as a ${outcome}`);
    return outcome;
  }

  stopAfterState(machine: { name: string; arn: string }, state: string): boolean {
    const entry = this.firstActive(
      (rule) => rule.kind === 'execution' && rule.afterState === state && matchesMachine(rule.stateMachine, machine),
    );
    if (entry) this.fire(entry, `${machine.name}: stopped after ${state}`);
    return entry !== undefined;
  }

  private firstActive(matches: (rule: FaultRule) => boolean): Entry | undefined {
    if (this.entries.length === 0) return undefined;
    const now = this.now();
    return this.entries.find((entry) => matches(entry.rule) && this.active(entry, now));
  }

  private active(entry: Entry, now: number): boolean {
    return (entry.rule.count === undefined || entry.hits < entry.rule.count) && (entry.expiresAt === undefined || now < entry.expiresAt);
  }

  private fire(entry: Entry, what: string): void {
    entry.hits += 1;
    const left = entry.rule.count === undefined ? '' : `, ${entry.rule.count - entry.hits} left`;
    this.deps.logger.line('fault', `${entry.id} ${what} (hit ${entry.hits}${left})`);
  }

  private view(entry: Entry): FaultView {
    const now = this.now();
    return {
      id: entry.id,
      ...entry.rule,
      hits: entry.hits,
      remaining: entry.rule.count === undefined ? null : Math.max(0, entry.rule.count - entry.hits),
      secondsLeft: entry.expiresAt === undefined ? null : Math.max(0, Math.round((entry.expiresAt - now) / 100) / 10),
      active: this.active(entry, now),
      createdAt: new Date(entry.createdAt).toISOString(),
    };
  }
}
