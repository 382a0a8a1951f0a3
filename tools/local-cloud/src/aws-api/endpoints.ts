import type { HttpAnswer, LocalHandler } from '../api/gateway';
import type { SsmParameters, SsmParameterValue } from '../assembly/ssm-parameters';
import { functionNameOf, lambdaArn } from '../assembly/naming';
import type { FunctionPool } from '../lambda/function-pool';
import { EventPatternError, compileEventPattern } from '../events/event-pattern';
import { RuleNotFoundError, type EventBridge, type PutEventsEntry } from '../events/event-bridge';
import { FunctionNotFoundError } from '../lambda/async-invoker';
import { SfnApiError, type Execution, type StepFunctions } from '../sfn/step-functions';
import { accessDeniedAnswer, type AccessDeniedProtocol } from '../faults/aws-errors';
import type { IamGate } from '../iam/gate';
import { eventBridgeActions, lambdaInvokeActions, ssmActions, stepFunctionsActions, type RequestedAction } from '../iam/request-mapping';

/** How an endpoint asks IAM about a function's call (undefined: not checked). */
interface EndpointIam {
  gate: IamGate;
  protocol: AccessDeniedProtocol;
  actions: (operation: string, input: Record<string, unknown>) => RequestedAction[];
}

/**
 * The AWS APIs the local cloud answers itself, for the SDK calls handlers make
 * (AWS_ENDPOINT_URL_SFN / _SSM / _LAMBDA / _EVENTBRIDGE point here): Step Functions, SSM and
 * EventBridge speak the JSON protocol (`X-Amz-Target`), Lambda Invoke is REST-JSON.
 */

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

const epochSeconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

function jsonProtocol(
  version: '1.0' | '1.1',
  prefix: string,
  operations: Record<string, (input: Record<string, unknown>) => Promise<unknown> | unknown>,
  iam?: EndpointIam,
): LocalHandler {
  const contentType = `application/x-amz-json-${version}`;
  return async (request) => {
    const target = request.headerOf('x-amz-target') ?? '';
    const operation = target.startsWith(`${prefix}.`) ? target.slice(prefix.length + 1) : '';
    const answer = (statusCode: number, body: unknown): HttpAnswer => ({
      statusCode,
      headers: { 'Content-Type': contentType, 'x-amzn-RequestId': crypto.randomUUID() },
      body: JSON.stringify(body),
    });
    const handler = operations[operation];
    if (request.httpMethod !== 'POST' || !handler) {
      return answer(400, { __type: 'UnknownOperationException', message: `${target || 'no X-Amz-Target'} is not emulated locally` });
    }
    try {
      const input = request.body.length ? (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>) : {};
      if (iam?.gate.active) {
        const refusal = iam.gate.checkRequest(request.headerOf('authorization'), () => iam.actions(operation, input));
        if (refusal) return accessDeniedAnswer(iam.protocol, refusal.message);
      }
      return answer(200, (await handler(input)) ?? {});
    } catch (error) {
      if (error instanceof ApiError) return answer(error.statusCode, { __type: error.code, message: error.message });
      if (error instanceof SfnApiError) return answer(400, { __type: error.code, message: error.message });
      if (error instanceof EventPatternError || error instanceof RuleNotFoundError)
        return answer(400, { __type: error.name, message: error.message });
      if (error instanceof SyntaxError) return answer(400, { __type: 'SerializationException', message: error.message });
      throw error;
    }
  };
}

/* ------------------------------------------------------------------ Step Functions */

function describe(execution: Execution) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: epochSeconds(execution.startDate),
    stopDate: epochSeconds(execution.stopDate),
    input: execution.input,
    inputDetails: { included: true },
    ...(execution.output !== undefined ? { output: execution.output, outputDetails: { included: true } } : {}),
    ...(execution.error !== undefined ? { error: execution.error, cause: execution.cause } : {}),
  };
}

/** Step Functions' API; `iam` checks a function's calls (`machineOfToken`: the state machine a task token was issued by). */
export function stepFunctionsEndpoint(
  sfn: () => StepFunctions,
  iam?: { gate: IamGate; machineOfToken?: (token: string) => string | undefined },
): LocalHandler {
  const checked: EndpointIam | undefined = iam && {
    gate: iam.gate,
    protocol: 'sfn',
    actions: (operation, input) => stepFunctionsActions(operation, input, iam.machineOfToken),
  };
  return jsonProtocol(
    '1.0',
    'AWSStepFunctions',
    {
      StartExecution: (input) => {
        const execution = sfn().startExecution({
          stateMachineArn: String(input.stateMachineArn),
          name: input.name as string | undefined,
          input: input.input as string | undefined,
        });
        return { executionArn: execution.executionArn, startDate: epochSeconds(execution.startDate) };
      },
      StartSyncExecution: async (input) => {
        const execution = sfn().startExecution({
          stateMachineArn: String(input.stateMachineArn),
          name: input.name as string | undefined,
          input: input.input as string | undefined,
        });
        await execution.done;
        return describe(execution);
      },
      DescribeExecution: (input) => describe(sfn().describeExecution(String(input.executionArn))),
      SendTaskSuccess: (input) => {
        sfn().sendTaskSuccess(String(input.taskToken ?? ''), String(input.output ?? ''));
        return {};
      },
      SendTaskFailure: (input) => {
        sfn().sendTaskFailure(String(input.taskToken ?? ''), optionalString(input.error), optionalString(input.cause));
        return {};
      },
      SendTaskHeartbeat: (input) => {
        sfn().sendTaskHeartbeat(String(input.taskToken ?? ''));
        return {};
      },
      StopExecution: async (input) => {
        const execution = sfn().stopExecution(String(input.executionArn), {
          error: optionalString(input.error),
          cause: optionalString(input.cause),
        });
        await execution.done;
        return { stopDate: epochSeconds(execution.stopDate ?? new Date()) };
      },
      GetExecutionHistory: (input) => {
        const execution = sfn().describeExecution(String(input.executionArn));
        const includeData = input.includeExecutionData !== false;
        let events = execution.events.map((event) => {
          const copy: Record<string, unknown> = { ...event, timestamp: event.timestamp / 1000 };
          if (!includeData) {
            for (const [key, value] of Object.entries(copy)) {
              if (key.endsWith('EventDetails') && value && typeof value === 'object') {
                copy[key] = Object.fromEntries(
                  Object.entries(value as Record<string, unknown>).filter(([name]) => name !== 'input' && name !== 'output'),
                );
              }
            }
          }
          return copy;
        });
        if (input.reverseOrder === true) events = events.reverse();
        const start = Number(input.nextToken ?? 0);
        const max = Math.min(1000, Number(input.maxResults ?? 100) || 100);
        const page = events.slice(start, start + max);
        return { events: page, ...(start + max < events.length ? { nextToken: String(start + max) } : {}) };
      },
      ListExecutions: (input) => ({
        executions: sfn()
          .listExecutions(String(input.stateMachineArn), input.statusFilter as string | undefined)
          .map((execution) => ({
            executionArn: execution.executionArn,
            stateMachineArn: execution.stateMachineArn,
            name: execution.name,
            status: execution.status,
            startDate: epochSeconds(execution.startDate),
            stopDate: epochSeconds(execution.stopDate),
          })),
      }),
      DescribeStateMachine: (input) => {
        const def = sfn().describeStateMachine(String(input.stateMachineArn));
        return {
          stateMachineArn: def.arn,
          name: def.name,
          status: 'ACTIVE',
          definition: JSON.stringify(def.definition),
          roleArn: def.roleArn,
          type: def.type,
          creationDate: 0,
        };
      },
      ListStateMachines: () => ({
        stateMachines: sfn()
          .list()
          .map((def) => ({ stateMachineArn: def.arn, name: def.name, type: def.type, creationDate: 0 })),
      }),
    },
    checked,
  );
}

const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);

/* ------------------------------------------------------------------ EventBridge */

/** EventBridge's API; `gate` checks a function's calls (PutEvents on each bus). */
export function eventBridgeEndpoint(events: () => EventBridge, gate?: IamGate): LocalHandler {
  const ruleOf = (name: unknown) => {
    const rule = events()
      .describe()
      .find((candidate) => candidate.name === name || candidate.arn === name);
    if (!rule) throw new RuleNotFoundError(String(name));
    return rule;
  };
  const described = (rule: ReturnType<typeof ruleOf>) => ({
    Name: rule.name,
    Arn: rule.arn,
    EventBusName: rule.eventBusName,
    State: rule.state,
    ...(rule.eventPattern !== undefined
      ? { EventPattern: typeof rule.eventPattern === 'string' ? rule.eventPattern : JSON.stringify(rule.eventPattern) }
      : {}),
    ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
  });
  return jsonProtocol(
    '1.1',
    'AWSEvents',
    {
      PutEvents: (input) => {
        const entries = input.Entries;
        if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
          throw new ApiError(
            'ValidationException',
            "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
          );
        }
        return events().putEvents(entries as PutEventsEntry[]);
      },
      TestEventPattern: (input) => {
        let event: unknown;
        try {
          event = JSON.parse(String(input.Event));
        } catch {
          throw new ApiError('InvalidEventPatternException', 'Event is not valid JSON.');
        }
        return { Result: compileEventPattern(input.EventPattern)(event) };
      },
      ListRules: (input) => ({
        Rules: events()
          .describe()
          .filter(
            (rule) => rule.eventBusName === String(input.EventBusName ?? 'default') && rule.name.startsWith(String(input.NamePrefix ?? '')),
          )
          .map(described),
      }),
      DescribeRule: (input) => described(ruleOf(input.Name)),
      ListTargetsByRule: (input) => ({
        Targets: ruleOf(input.Rule).targets.map((target) => ({
          Id: target.id,
          Arn: target.arn,
          ...(target.deadLetterArn ? { DeadLetterConfig: { Arn: target.deadLetterArn } } : {}),
        })),
      }),
    },
    gate && { gate, protocol: 'events', actions: eventBridgeActions },
  );
}

/* ------------------------------------------------------------------ SSM Parameter Store */

const asParameter = (value: SsmParameterValue) => ({
  Name: value.name,
  Type: value.type,
  Value: value.value,
  Version: value.version,
  LastModifiedDate: epochSeconds(value.lastModified),
  ARN: value.arn,
  DataType: 'text',
});

/** SSM Parameter Store's API; `gate` checks a function's calls (each parameter's ARN). */
export function ssmEndpoint(ssm: () => SsmParameters, gate?: IamGate): LocalHandler {
  const find = (name: string) => ssm().get(name.replace(/:[^/:]+$/, ''));
  return jsonProtocol(
    '1.1',
    'AmazonSSM',
    {
      GetParameter: (input) => {
        const value = find(String(input.Name));
        if (!value) throw new ApiError('ParameterNotFound', `Parameter ${String(input.Name)} not found.`);
        return { Parameter: asParameter(value) };
      },
      GetParameters: (input) => {
        const names = (input.Names as string[] | undefined) ?? [];
        const found = names.map((name) => [name, find(name)] as const);
        return {
          Parameters: found.flatMap(([, value]) => (value ? [asParameter(value)] : [])),
          InvalidParameters: found.filter(([, value]) => !value).map(([name]) => name),
        };
      },
      GetParametersByPath: (input) => {
        const path = String(input.Path).replace(/\/?$/, '/');
        const recursive = input.Recursive === true;
        return {
          Parameters: ssm()
            .all()
            .filter((value) => value.name.startsWith(path) && (recursive || !value.name.slice(path.length).includes('/')))
            .map(asParameter),
        };
      },
      PutParameter: (input) => {
        try {
          const stored = ssm().put(String(input.Name), String(input.Value), String(input.Type ?? 'String'), input.Overwrite === true);
          return { Version: stored.version, Tier: 'Standard' };
        } catch (error) {
          throw new ApiError('ParameterAlreadyExists', (error as Error).message);
        }
      },
    },
    gate && { gate, protocol: 'ssm', actions: ssmActions },
  );
}

/* ------------------------------------------------------------------ Lambda Invoke */

/** Lambda's Invoke. `invokeAsync` takes `InvocationType: Event` (Lambda's asynchronous invocation, with its retries and destinations). */
export function lambdaEndpoint(
  pool: (name: string) => FunctionPool | undefined,
  prefix: string,
  invokeAsync: (functionName: string, payload: unknown) => { requestId: string },
  gate?: IamGate,
): LocalHandler {
  return async (request): Promise<HttpAnswer> => {
    const match = new RegExp(`^${prefix}/2015-03-31/functions/([^/]+)/invocations$`).exec(request.path);
    const error = (statusCode: number, type: string, message: string): HttpAnswer => ({
      statusCode,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type },
      body: JSON.stringify({ Type: 'User', message }),
    });
    if (!match || request.httpMethod !== 'POST')
      return error(400, 'InvalidRequestContentException', `${request.httpMethod} ${request.path} is not emulated locally`);
    let name: string;
    try {
      name = functionNameOf(decodeURIComponent(match[1]));
    } catch {
      return error(400, 'InvalidRequestContentException', 'malformed function name');
    }
    if (gate?.active) {
      const refusal = gate.checkRequest(request.headerOf('authorization'), () => lambdaInvokeActions(name));
      if (refusal) return accessDeniedAnswer('lambda', refusal.message);
    }
    const target = pool(name);
    if (!target) return error(404, 'ResourceNotFoundException', `Function not found: ${lambdaArn(name)}`);
    let payload: unknown = null;
    try {
      payload = request.body.length ? JSON.parse(request.body.toString('utf8')) : null;
    } catch {
      return error(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const type = request.headerOf('x-amz-invocation-type') ?? 'RequestResponse';
    if (type === 'DryRun') return { statusCode: 204 };
    if (type === 'Event') {
      try {
        return { statusCode: 202, headers: { 'x-amzn-RequestId': invokeAsync(name, payload).requestId } };
      } catch (refused) {
        if (refused instanceof FunctionNotFoundError) return error(404, 'ResourceNotFoundException', refused.message);
        throw refused;
      }
    }
    const outcome = await target.invoke(payload, { source: 'lambda:invoke' });
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Amz-Executed-Version': '$LATEST',
      'x-amzn-RequestId': outcome.requestId,
    };
    if (outcome.kind === 'throttled') return error(429, 'TooManyRequestsException', 'Rate Exceeded.');
    if (!outcome.ok)
      return { statusCode: 200, headers: { ...headers, 'X-Amz-Function-Error': 'Unhandled' }, body: JSON.stringify(outcome.error) };
    return { statusCode: 200, headers, body: JSON.stringify(outcome.payload) };
  };
}
