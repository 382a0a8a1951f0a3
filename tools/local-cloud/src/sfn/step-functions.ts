import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { StateMachineDef } from '../assembly/model';
import { executionArn, functionNameOf } from '../assembly/naming';
import type { ExecutionFaults } from '../faults/registry';
import type { InvokeOptions, InvokeOutcome } from '../lambda/function-pool';
import type { Logger } from '../log';
import { integrationEmulated } from './service-integrations';
import { TaskCallbackFailure, TaskTokenError, TaskTokens } from './task-tokens';

/** An error the Step Functions API answers (`__type` in the JSON protocol). */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface HistoryEvent {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

export interface PathStep {
  state: string;
  type: string;
  enteredAt: string;
  exitedAt?: string;
  status: 'running' | 'succeeded' | 'failed' | 'caught' | 'retried';
  error?: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  events: HistoryEvent[];
  path: PathStep[];
  done: Promise<void>;
  abort: () => void;
  /** Set the moment the execution stops (its end, a timeout or StopExecution): no task starts or records anything after it. */
  ended?: boolean;
}

/** Calls the service integrations other than Lambda (SNS, SQS, DynamoDB) on the local emulators. */
export type ServiceIntegration = (service: string, action: string, parameters: Record<string, unknown>) => Promise<unknown>;

export interface StepFunctionsDeps {
  invokeFunction: (functionName: string, payload: unknown, options: InvokeOptions) => Promise<InvokeOutcome | undefined>;
  integration?: ServiceIntegration;
  logger: Logger;
  /** Test knob: wait this long between retries instead of IntervalSeconds x BackoffRate. */
  retryIntervalMs?: number;
  /** Finished executions kept per state machine, oldest dropped first (default 1000); running ones are never dropped. */
  maxExecutions?: number;
  /** Told when an execution of a STANDARD state machine starts (RUNNING) and when it ends, as Step Functions tells EventBridge. */
  onStatusChange?: (execution: Execution) => void;
  /** Executions stopped after a named state (`/_local/faults`). */
  faults?: ExecutionFaults;
  /**
   * IAM: may the state machine's role make this call (`lambda`/`invoke` with the FunctionName, or a
   * service integration with its Parameters)? A refusal is the error and cause the Task fails with.
   */
  authorize?: (stateMachineArn: string, service: string, action: string, parameters: Record<string, unknown>) => TaskRefusal | undefined;
}

/** How a Task fails when the state machine's role may not make its call (see iam/on-behalf.ts). */
export interface TaskRefusal {
  error: string;
  cause: string;
}

interface TaskState {
  Type: 'Task';
  Resource: string;
  HeartbeatSeconds?: number;
  TimeoutSeconds?: number;
}

/**
 * What `$$.Task.Token` resolves to in a state's Parameters: the library's context object is one per
 * execution, so each callback task swaps this stand-in for a token of its own before its call.
 */
const TASK_TOKEN_STAND_IN = 'local-cloud:task-token';
/** aws-local-stepfunctions' timeout of a Task state without TimeoutSeconds. */
const LIBRARY_TASK_TIMEOUT_SECONDS = 60;

/** A failure a Task reports, routed by Retry and Catch on its `name` (the error) with `message` as the cause. */
class TaskError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

const LAMBDA_INVOKE = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/;
const SERVICE_INTEGRATION = /^arn:aws:states:::([a-z0-9-]+):([A-Za-z]+)(\.sync(?::2)?|\.waitForTaskToken)?$/;
const LAMBDA_ARN = /^arn:aws:lambda:[^:]*:[^:]*:function:/;

/**
 * Step Functions on aws-local-stepfunctions: state machines from the assemblies, Task states run
 * by the local functions (a function ARN as Resource, or the `arn:aws:states:::lambda:invoke`
 * integration with FunctionName and Payload), SNS/SQS/DynamoDB integrations on the local
 * emulators, Retry and Catch by the library. Executions keep an AWS-shaped history and a path.
 */
export class StepFunctions {
  private readonly machines = new Map<string, { def: StateMachineDef; machine: StateMachine }>();
  private readonly executions = new Map<string, Execution>();
  /** Finished executions per state machine, in the order they finished: what is dropped first. */
  private readonly finished = new Map<string, string[]>();
  private readonly tokens = new TaskTokens();

  constructor(private readonly deps: StepFunctionsDeps) {}

  register(defs: StateMachineDef[]): void {
    for (const def of defs) {
      const machine = new StateMachine(def.definition as unknown as StateMachineDefinition, { validationOptions: { checkPaths: false } });
      this.machines.set(def.arn, { def, machine });
    }
  }

  unregister(service: string): void {
    for (const [arn, { def }] of this.machines) if (def.service === service) this.machines.delete(arn);
  }

  list(): StateMachineDef[] {
    return [...this.machines.values()].map(({ def }) => def);
  }

  describeStateMachine(arn: string): StateMachineDef {
    const entry = this.machines.get(arn);
    if (!entry) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return entry.def;
  }

  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): Execution {
    const entry = this.machines.get(request.stateMachineArn);
    if (!entry) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    const name = request.name ?? randomUUID();
    const arn = executionArn(entry.def.name, name);
    const inputText = request.input ?? '{}';
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.input === inputText && existing.status === 'RUNNING') return existing;
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not valid JSON');
    }
    return this.run(entry.def, entry.machine, arn, name, inputText, input);
  }

  describeExecution(arn: string): Execution {
    const execution = this.executions.get(arn) ?? [...this.executions.values()].find((candidate) => candidate.name === arn);
    if (!execution) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  listExecutions(stateMachineArn: string, statusFilter?: string): Execution[] {
    return [...this.executions.values()]
      .filter((execution) => execution.stateMachineArn === stateMachineArn && (!statusFilter || execution.status === statusFilter))
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  /** StopExecution: the execution ends ABORTED (with the error and cause given, if any); its running task is abandoned. */
  stopExecution(arn: string, reason: { error?: string; cause?: string } = {}): Execution {
    const execution = this.describeExecution(arn);
    if (execution.status === 'RUNNING' && !execution.ended) {
      execution.ended = true;
      execution.error = reason.error;
      execution.cause = reason.cause;
      execution.abort();
    }
    return execution;
  }

  /** The state machine whose waiting task holds `token` (IAM checks SendTask* on it, where CDK's grantTaskResponse grants). */
  machineOfTaskToken(token: string): string | undefined {
    return this.tokens.ownerOf(token);
  }

  /** SendTaskSuccess: the callback task waiting for `token` succeeds with `output` (JSON text). */
  sendTaskSuccess(token: string, output: string): void {
    this.callback(() => this.tokens.succeed(token, output));
  }

  /** SendTaskFailure: the callback task waiting for `token` fails with `error` and `cause` (its Retry and Catch see them). */
  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.callback(() => this.tokens.fail(token, error, cause));
  }

  /** SendTaskHeartbeat: the task's HeartbeatSeconds start again. */
  sendTaskHeartbeat(token: string): void {
    this.callback(() => this.tokens.heartbeat(token));
  }

  private callback(call: () => void): void {
    try {
      call();
    } catch (error) {
      if (error instanceof TaskTokenError) throw new SfnApiError(error.code, error.message);
      throw error;
    }
  }

  /** Waits for every running execution (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((execution) => execution.done));
  }

  private run(def: StateMachineDef, machine: StateMachine, arn: string, name: string, inputText: string, input: unknown): Execution {
    const startDate = new Date();
    const execution: Execution = {
      executionArn: arn,
      stateMachineArn: def.arn,
      name,
      status: 'RUNNING',
      input: inputText,
      startDate,
      events: [],
      path: [],
      done: Promise.resolve(),
      abort: () => undefined,
    };
    this.executions.set(arn, execution);
    const label = `${def.name}/${name}`;
    this.deps.logger.line('sfn', `${label} started`);
    const statusChanged = () => {
      if (def.type !== 'EXPRESS') this.deps.onStatusChange?.(execution);
    };

    const handlers: Record<string, (taskInput: unknown) => Promise<unknown>> = {};
    for (const [stateName, state] of taskStates(def.definition)) {
      handlers[stateName] = (taskInput) => this.runTask(execution, stateName, state, taskInput, label);
    }
    const retryIntervalMs = this.deps.retryIntervalMs;
    const retryIntervalOverrides =
      retryIntervalMs === undefined
        ? undefined
        : Object.fromEntries([...retryStates(def.definition)].map((stateName) => [stateName, retryIntervalMs]));

    const run = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
      context: {
        Execution: { Id: arn, Input: input as never, Name: name, RoleArn: def.roleArn, StartTime: startDate.toISOString() },
        StateMachine: { Id: def.arn, Name: def.name },
        Task: { Token: TASK_TOKEN_STAND_IN },
      } as never,
    });
    execution.abort = run.abort;
    const logging = this.collect(
      execution,
      run.eventLogs as unknown as AsyncGenerator<Record<string, unknown> & { type: string; timestamp: number }>,
      def,
      label,
    );
    // The library settles `result` the moment the execution succeeds, fails, times out or is aborted.
    const ended = <T>(value: T) => {
      execution.ended = true;
      return value;
    };
    execution.done = run.result
      .then(
        (output) => ended({ ok: true as const, output }),
        (error: Error) => ended({ ok: false as const, error }),
      )
      .then(async (result) => {
        await logging;
        if (result.ok) {
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(result.output);
        } else if (result.error.name === 'ExecutionAbortedError') {
          execution.status = 'ABORTED';
        } else if (result.error.name === 'ExecutionTimeoutError') {
          execution.status = 'TIMED_OUT';
          execution.error = 'States.Timeout';
          execution.cause = `The execution ran longer than the state machine's TimeoutSeconds (${String(def.definition.TimeoutSeconds)})`;
        } else {
          execution.status = 'FAILED';
          const failure = [...execution.events].reverse().find((event) => event.type === 'ExecutionFailed')?.executionFailedEventDetails as
            { error?: string; cause?: string } | undefined;
          execution.error = failure?.error ?? result.error.name;
          execution.cause = failure?.cause ?? result.error.message;
        }
        execution.stopDate = new Date();
        const path = execution.path
          .map(
            (step) => `${step.state}${step.status === 'failed' || step.status === 'caught' ? '✗' : step.status === 'retried' ? '↻' : ''}`,
          )
          .join(' → ');
        this.deps.logger.line('sfn', `${label} ${execution.status}${execution.error ? ` ${execution.error}` : ''} path: ${path}`);
        this.keepFinished(execution);
        statusChanged();
      });
    statusChanged();
    return execution;
  }

  /** Bounds the memory executions hold: beyond the limit, the state machine's oldest finished execution is forgotten. */
  private keepFinished(execution: Execution): void {
    const finished = this.finished.get(execution.stateMachineArn) ?? [];
    this.finished.set(execution.stateMachineArn, finished);
    finished.push(execution.executionArn);
    const limit = Math.max(0, this.deps.maxExecutions ?? 1000);
    while (finished.length > limit) {
      const arn = finished.shift();
      if (arn !== undefined && this.executions.get(arn)?.status !== 'RUNNING') this.executions.delete(arn);
    }
  }

  private async collect(
    execution: Execution,
    events: AsyncGenerator<Record<string, unknown> & { type: string; timestamp: number }>,
    def: StateMachineDef,
    label: string,
  ) {
    for await (const event of events) {
      const state = (event.state ?? { name: '?', type: '', input: null }) as {
        name: string;
        type: string;
        input: unknown;
        output?: unknown;
      };
      switch (event.type) {
        case 'ExecutionStarted':
          this.append(
            execution,
            'ExecutionStarted',
            {
              executionStartedEventDetails: {
                input: JSON.stringify(event.input),
                inputDetails: { truncated: false },
                roleArn: def.roleArn,
              },
            },
            event.timestamp,
          );
          break;
        case 'StateEntered':
          this.append(
            execution,
            `${state.type}StateEntered`,
            { stateEnteredEventDetails: { name: state.name, input: JSON.stringify(state.input), inputDetails: { truncated: false } } },
            event.timestamp,
          );
          execution.path.push({
            state: state.name,
            type: state.type,
            enteredAt: new Date(event.timestamp).toISOString(),
            status: 'running',
          });
          break;
        case 'StateExited': {
          this.append(
            execution,
            `${state.type}StateExited`,
            { stateExitedEventDetails: { name: state.name, output: JSON.stringify(state.output), outputDetails: { truncated: false } } },
            event.timestamp,
          );
          const step = this.openStep(execution, state.name);
          if (step) {
            step.status = step.status === 'running' ? 'succeeded' : step.status;
            step.exitedAt = new Date(event.timestamp).toISOString();
          }
          break;
        }
        case 'StateFailed': {
          const step = this.openStep(execution, state.name);
          if (step) {
            step.status = 'failed';
            step.error = String(event.Error);
            step.exitedAt = new Date(event.timestamp).toISOString();
          }
          this.deps.logger.line('sfn', `${label} ${state.name} failed: ${String(event.Error)}`);
          break;
        }
        case 'StateRetried': {
          const step = this.openStep(execution, state.name);
          if (step) step.status = 'retried';
          execution.path.push({
            state: state.name,
            type: state.type,
            enteredAt: new Date(event.timestamp).toISOString(),
            status: 'running',
          });
          this.deps.logger.line('sfn', `${label} ${state.name} retry ${(event.retry as { attempt: number }).attempt}`);
          break;
        }
        case 'StateCaught': {
          const step = [...execution.path].reverse().find((candidate) => candidate.state === state.name);
          if (step) step.status = 'caught';
          break;
        }
        case 'ExecutionSucceeded':
          this.append(
            execution,
            'ExecutionSucceeded',
            { executionSucceededEventDetails: { output: JSON.stringify(event.output), outputDetails: { truncated: false } } },
            event.timestamp,
          );
          break;
        case 'ExecutionFailed':
          this.append(
            execution,
            'ExecutionFailed',
            {
              executionFailedEventDetails: {
                error: String(event.Error),
                cause: typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause),
              },
            },
            event.timestamp,
          );
          break;
        case 'ExecutionAborted':
          this.append(
            execution,
            'ExecutionAborted',
            { executionAbortedEventDetails: withoutUndefined({ error: execution.error, cause: execution.cause }) },
            event.timestamp,
          );
          break;
        case 'ExecutionTimeout':
          this.append(execution, 'ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } }, event.timestamp);
          break;
        default:
          this.append(execution, event.type, {}, event.timestamp);
      }
    }
  }

  private openStep(execution: Execution, stateName: string): PathStep | undefined {
    return [...execution.path]
      .reverse()
      .find((step) => step.state === stateName && (step.status === 'running' || step.status === 'failed' || step.status === 'caught'));
  }

  private append(execution: Execution, type: string, details: Record<string, unknown>, timestamp = Date.now()): void {
    const id = execution.events.length + 1;
    execution.events.push({ timestamp, type, id, previousEventId: id - 1, ...details });
  }

  private async runTask(execution: Execution, stateName: string, state: TaskState, input: unknown, label: string): Promise<unknown> {
    const output = await this.callTask(execution, stateName, state, input, label);
    const machine = this.machines.get(execution.stateMachineArn)?.def;
    if (machine && this.deps.faults?.stopAfterState(machine, stateName)) this.stopAfter(execution, stateName, output);
    return output;
  }

  /**
   * Stops the execution the moment a state completed, as a StopExecution landing between two
   * states would: the state's exit is in the history, then ExecutionAborted; the next state never
   * starts (the library checks the abort before it enters one). The exit's output is the task's
   * result, before ResultSelector and ResultPath.
   */
  private stopAfter(execution: Execution, stateName: string, output: unknown): void {
    this.append(execution, 'TaskStateExited', {
      stateExitedEventDetails: { name: stateName, output: JSON.stringify(output), outputDetails: { truncated: false } },
    });
    const step = this.openStep(execution, stateName);
    if (step) {
      step.status = 'succeeded';
      step.exitedAt = new Date().toISOString();
    }
    execution.ended = true;
    execution.abort();
  }

  private async callTask(execution: Execution, stateName: string, state: TaskState, input: unknown, label: string): Promise<unknown> {
    // Let the library's StateEntered event reach the history first.
    await new Promise((resolve) => setImmediate(resolve));
    // The library may still retry a task of an execution that has stopped: nothing starts then.
    if (execution.ended) throw new TaskError('States.Runtime', 'the execution has stopped');
    const resource = state.Resource;
    if (resource.endsWith('.waitForTaskToken')) return this.callbackTask(execution, stateName, state, input, label);
    const lambdaInvoke = LAMBDA_INVOKE.exec(resource);
    if (lambdaInvoke || LAMBDA_ARN.test(resource)) {
      const parameters = (input ?? {}) as { FunctionName?: string; Payload?: unknown };
      const functionName = functionNameOf(lambdaInvoke ? String(parameters.FunctionName ?? '') : resource);
      const payload = lambdaInvoke ? (parameters.Payload ?? null) : input;
      const kind = lambdaInvoke ? 'Task' : 'LambdaFunction';
      this.append(
        execution,
        `${kind}Scheduled`,
        lambdaInvoke
          ? {
              taskScheduledEventDetails: {
                resourceType: 'lambda',
                resource: 'invoke',
                region: 'us-east-1',
                parameters: JSON.stringify(input),
              },
            }
          : { lambdaFunctionScheduledEventDetails: { resource, input: JSON.stringify(input) } },
      );
      this.append(execution, `${kind}Started`, {});
      const refusal = this.deps.authorize?.(execution.stateMachineArn, 'lambda', 'invoke', { FunctionName: functionName });
      if (refusal) {
        this.append(execution, `${kind}Failed`, {
          [`${lambdaInvoke ? 'task' : 'lambdaFunction'}FailedEventDetails`]: { error: refusal.error, cause: refusal.cause },
        });
        throw new TaskError(refusal.error, refusal.cause);
      }
      const outcome = await this.deps.invokeFunction(functionName, payload, {
        source: `sfn ${stateName}`,
        correlationId: correlationIdIn(input) ?? execution.name,
      });
      // A task that outlives its execution (timed out or stopped) is abandoned: its result goes nowhere.
      if (execution.ended) throw new TaskError('States.Runtime', 'the execution has stopped');
      if (!outcome) {
        this.append(execution, `${kind}Failed`, {
          [`${lambdaInvoke ? 'task' : 'lambdaFunction'}FailedEventDetails`]: {
            error: 'Lambda.ResourceNotFoundException',
            cause: `Function not found: ${functionName}`,
          },
        });
        throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${functionName}`);
      }
      if (!outcome.ok) {
        const failure = outcome.error ?? { errorType: 'Lambda.Unknown', errorMessage: 'the function failed' };
        const error = failure.errorType;
        const cause = JSON.stringify({
          errorMessage: failure.errorMessage,
          errorType: error,
          requestId: outcome.requestId,
          stackTrace: failure.trace ?? [],
        });
        this.append(execution, `${kind}Failed`, { [`${lambdaInvoke ? 'task' : 'lambdaFunction'}FailedEventDetails`]: { error, cause } });
        throw new TaskError(error, cause);
      }
      const output = lambdaInvoke
        ? {
            ExecutedVersion: '$LATEST',
            Payload: outcome.payload,
            SdkHttpMetadata: {
              HttpHeaders: { 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': outcome.requestId },
              HttpStatusCode: 200,
            },
            SdkResponseMetadata: { RequestId: outcome.requestId },
            StatusCode: 200,
          }
        : outcome.payload;
      this.append(
        execution,
        `${kind}Succeeded`,
        lambdaInvoke
          ? { taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify(output) } }
          : { lambdaFunctionSucceededEventDetails: { output: JSON.stringify(output) } },
      );
      return output;
    }
    const integration = SERVICE_INTEGRATION.exec(resource);
    const nested = integration?.[1] === 'states' && integration[2] === 'startExecution';
    if (integration && (nested || (!integration[3] && this.deps.integration))) {
      const [, service, action, mode] = integration;
      this.append(execution, 'TaskScheduled', {
        taskScheduledEventDetails: { resourceType: service, resource: action, region: 'us-east-1', parameters: JSON.stringify(input) },
      });
      try {
        const output = await this.callService(execution, service, action, (input ?? {}) as Record<string, unknown>, mode);
        if (execution.ended) throw new TaskError('States.Runtime', 'the execution has stopped');
        this.append(execution, 'TaskSucceeded', {
          taskSucceededEventDetails: { resourceType: service, resource: action, output: JSON.stringify(output) },
        });
        return output;
      } catch (error) {
        const name = error instanceof TaskError ? error.name : `${serviceErrorPrefix(service)}.${(error as Error).name}`;
        this.append(execution, 'TaskFailed', {
          taskFailedEventDetails: { resourceType: service, resource: action, error: name, cause: (error as Error).message },
        });
        throw new TaskError(name, (error as Error).message);
      }
    }
    this.deps.logger.warn(`${label} ${stateName}: ${resource} is not emulated locally`);
    throw new TaskError('States.Runtime', `${resource} is not emulated locally`);
  }

  /**
   * A service call of a Task: `states:startExecution` (a nested execution: its ARN, or with `.sync`
   * / `.sync:2` its DescribeExecution once it ends, Input and Output as text or JSON; a nested
   * execution that does not succeed fails the task with States.TaskFailed), else the emulators'
   * integrations.
   */
  private async callService(
    execution: Execution,
    service: string,
    action: string,
    parameters: Record<string, unknown>,
    mode: string | undefined,
  ): Promise<unknown> {
    const refusal = this.deps.authorize?.(execution.stateMachineArn, service, action, parameters);
    if (refusal) throw new TaskError(refusal.error, refusal.cause);
    if (service === 'states' && action === 'startExecution') {
      const child = this.startNested(parameters);
      if (mode !== '.sync' && mode !== '.sync:2') return { ExecutionArn: child.executionArn, StartDate: child.startDate.getTime() };
      // Stopping the parent stops the nested execution, as Step Functions does.
      const stopChild = setInterval(() => {
        if (execution.ended && child.status === 'RUNNING') this.stopExecution(child.executionArn);
      }, 100);
      try {
        await child.done;
      } finally {
        clearInterval(stopChild);
      }
      const described = nestedDescription(child, mode === '.sync:2');
      if (child.status !== 'SUCCEEDED') throw new TaskError('States.TaskFailed', JSON.stringify(described));
      return described;
    }
    if (!this.deps.integration) throw new TaskError('States.Runtime', `arn:aws:states:::${service}:${action} is not emulated locally`);
    return this.deps.integration(service, action, parameters);
  }

  private startNested(parameters: Record<string, unknown>): Execution {
    const input = parameters.Input;
    try {
      return this.startExecution({
        stateMachineArn: String(parameters.StateMachineArn ?? ''),
        name: parameters.Name === undefined ? undefined : String(parameters.Name),
        input: input === undefined ? undefined : typeof input === 'string' ? input : JSON.stringify(input),
      });
    } catch (error) {
      if (error instanceof SfnApiError) throw new TaskError(`StepFunctions.${error.code}Exception`, error.message);
      throw error;
    }
  }

  /**
   * A `.waitForTaskToken` task: its Parameters get a token of their own (`$$.Task.Token`), the call
   * is made (Lambda invoke, or a service integration: SQS, SNS, a nested execution), and the task
   * waits for SendTaskSuccess or SendTaskFailure with that token, a heartbeat timeout
   * (HeartbeatSeconds), or the state's timeout.
   */
  private async callbackTask(execution: Execution, stateName: string, state: TaskState, input: unknown, label: string): Promise<unknown> {
    const resource = state.Resource;
    const match = LAMBDA_INVOKE.exec(resource) ? ['', 'lambda', 'invoke'] : SERVICE_INTEGRATION.exec(resource);
    if (!match) throw new TaskError('States.Runtime', `${resource} is not emulated locally`);
    const [, service, action] = match;
    const issued = this.tokens.issue({ heartbeatSeconds: state.HeartbeatSeconds, owner: execution.stateMachineArn });
    const text = JSON.stringify(input ?? {});
    if (!text.includes(JSON.stringify(TASK_TOKEN_STAND_IN))) {
      issued.cancel();
      throw new TaskError('States.Runtime', `${stateName}: a .waitForTaskToken task must pass $$.Task.Token in its Parameters`);
    }
    const parameters = JSON.parse(text.replaceAll(JSON.stringify(TASK_TOKEN_STAND_IN), JSON.stringify(issued.token))) as Record<
      string,
      unknown
    >;
    const details = { resourceType: service, resource: `${action}.waitForTaskToken` };
    this.append(execution, 'TaskScheduled', {
      taskScheduledEventDetails: {
        ...details,
        region: 'us-east-1',
        parameters: JSON.stringify(parameters),
        heartbeatInSeconds: state.HeartbeatSeconds,
      },
    });
    this.append(execution, 'TaskStarted', { taskStartedEventDetails: details });
    // The library gives up on the task after TimeoutSeconds (60 by default): so does the token.
    const timeout = setTimeout(() => issued.cancel('the state timed out'), (state.TimeoutSeconds ?? LIBRARY_TASK_TIMEOUT_SECONDS) * 1000);
    // A stopped execution's task is abandoned: its token is no longer valid.
    const stopped = setInterval(() => execution.ended && issued.cancel('the execution has stopped'), 100);
    timeout.unref();
    stopped.unref();
    try {
      const submitted = await this.submit(execution, service, action, parameters, stateName);
      this.append(execution, 'TaskSubmitted', { taskSubmittedEventDetails: { ...details, output: JSON.stringify(submitted) } });
      this.deps.logger.line('sfn', `${label} ${stateName} waits for its task token`);
      const output = await issued.result;
      if (execution.ended) throw new TaskError('States.Runtime', 'the execution has stopped');
      this.append(execution, 'TaskSucceeded', { taskSucceededEventDetails: { ...details, output: JSON.stringify(output) } });
      return output;
    } catch (error) {
      const failure =
        error instanceof TaskCallbackFailure || error instanceof TaskError ? error : new TaskError('States.Runtime', String(error));
      this.append(execution, 'TaskFailed', { taskFailedEventDetails: { ...details, error: failure.name, cause: failure.message } });
      throw new TaskError(failure.name, failure.message);
    } finally {
      clearTimeout(timeout);
      clearInterval(stopped);
      issued.cancel();
    }
  }

  /** The call a callback task makes before it waits: a failed call fails the task at once. */
  private async submit(
    execution: Execution,
    service: string,
    action: string,
    parameters: Record<string, unknown>,
    stateName: string,
  ): Promise<unknown> {
    if (service !== 'lambda') {
      try {
        return await this.callService(execution, service, action, parameters, undefined);
      } catch (error) {
        if (error instanceof TaskError) throw error;
        throw new TaskError(`${serviceErrorPrefix(service)}.${(error as Error).name}`, (error as Error).message);
      }
    }
    const functionName = functionNameOf(String(parameters.FunctionName ?? ''));
    const refusal = this.deps.authorize?.(execution.stateMachineArn, 'lambda', 'invoke', { FunctionName: functionName });
    if (refusal) throw new TaskError(refusal.error, refusal.cause);
    const invocation = this.deps.invokeFunction(functionName, parameters.Payload ?? null, {
      source: `sfn ${stateName}`,
      correlationId: correlationIdIn(parameters) ?? execution.name,
    });
    // InvocationType Event: the function runs on its own; the task waits for the token only.
    if (parameters.InvocationType === 'Event') {
      invocation.catch(() => undefined);
      return { StatusCode: 202 };
    }
    const outcome = await invocation;
    if (!outcome) throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${functionName}`);
    if (!outcome.ok) {
      const failure = outcome.error ?? { errorType: 'Lambda.Unknown', errorMessage: 'the function failed' };
      throw new TaskError(failure.errorType, JSON.stringify({ errorMessage: failure.errorMessage, errorType: failure.errorType }));
    }
    return { StatusCode: 200, Payload: outcome.payload };
  }
}

/** What a `.sync` nested execution task returns: DescribeExecution's answer (`.sync:2`: Input and Output as JSON). */
function nestedDescription(child: Execution, asJson: boolean) {
  const value = (text: string | undefined) => (asJson && text !== undefined ? (JSON.parse(text) as unknown) : text);
  return withoutUndefined({
    ExecutionArn: child.executionArn,
    StateMachineArn: child.stateMachineArn,
    Name: child.name,
    Status: child.status,
    StartDate: child.startDate.getTime(),
    StopDate: child.stopDate?.getTime(),
    Input: value(child.input),
    InputDetails: { Included: true },
    Output: value(child.output),
    OutputDetails: child.output === undefined ? undefined : { Included: true },
    Error: child.error,
    Cause: child.cause,
  });
}

/**
 * The `detail` of a "Step Functions Execution Status Change" event, as Step Functions sends it to
 * EventBridge: what DescribeExecution answers, dates in epoch milliseconds, null where unset.
 */
export function statusChangeDetail(execution: Execution) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate.getTime(),
    stopDate: execution.stopDate?.getTime() ?? null,
    input: execution.input,
    inputDetails: { included: true },
    output: execution.output ?? null,
    outputDetails: execution.output === undefined ? null : { included: true },
    error: execution.error ?? null,
    cause: execution.cause ?? null,
  };
}

const withoutUndefined = (value: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));

function serviceErrorPrefix(service: string): string {
  return { dynamodb: 'DynamoDB', sns: 'SNS', sqs: 'SQS', events: 'EventBridge' }[service] ?? service;
}

function correlationIdIn(input: unknown): string | undefined {
  const text = JSON.stringify(input ?? null);
  return /"correlationId":"([^"]+)"/.exec(text)?.[1];
}

type States = Record<string, Record<string, unknown>>;

/**
 * Whether a Task `Resource` runs locally: a function ARN, `lambda:invoke` (and its callback),
 * `states:startExecution` (plain, `.sync`, `.sync:2`, callback), and the emulators' integrations
 * (request-response; SNS and SQS also as callbacks).
 */
export function taskResourceEmulated(resource: string): boolean {
  if (LAMBDA_ARN.test(resource) || LAMBDA_INVOKE.test(resource)) return true;
  const match = SERVICE_INTEGRATION.exec(resource);
  if (!match) return false;
  const [, service, action, mode] = match;
  if (service === 'states' && action === 'startExecution') return true;
  if (mode === '.waitForTaskToken')
    return (
      (service === 'sns' && action === 'publish') ||
      (service === 'sqs' && action === 'sendMessage') ||
      (service === 'events' && action === 'putEvents')
    );
  return mode === undefined && integrationEmulated(service, action);
}

/** Every Task state, including those inside Parallel branches and Map iterators. */
export function* taskStates(definition: Record<string, unknown>): Generator<[string, TaskState]> {
  for (const [name, state] of Object.entries((definition.States ?? {}) as States)) {
    if (state.Type === 'Task') yield [name, state as unknown as TaskState];
    for (const branch of (state.Branches as Record<string, unknown>[] | undefined) ?? []) yield* taskStates(branch);
    const iterator = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
    if (iterator) yield* taskStates(iterator);
  }
}

function* retryStates(definition: Record<string, unknown>): Generator<string> {
  for (const [name, state] of Object.entries((definition.States ?? {}) as States)) {
    if (Array.isArray(state.Retry)) yield name;
    for (const branch of (state.Branches as Record<string, unknown>[] | undefined) ?? []) yield* retryStates(branch);
    const iterator = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
    if (iterator) yield* retryStates(iterator);
  }
}
