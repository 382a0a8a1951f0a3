import type { CloudModel, StateMachineDef } from '../assembly/model';
import { taskStates } from '../sfn/step-functions';
import type { FaultFunction } from './registry';
import type { FaultService, FaultTargets } from './rules';

const SDK_CLIENTS: Record<FaultService, string> = {
  dynamodb: '@aws-sdk/client-dynamodb',
  sqs: '@aws-sdk/client-sqs',
  sns: '@aws-sdk/client-sns',
};

const operations = new Map<FaultService, Promise<string[]>>();

/** The service's operation names, from the commands its SDK client exports (loaded on first use only). */
export function sdkOperations(service: FaultService): Promise<string[]> {
  let names = operations.get(service);
  if (!names) {
    names = import(SDK_CLIENTS[service]).then((client: Record<string, unknown>) =>
      Object.keys(client)
        .filter((name) => /^[A-Z]\w+Command$/.test(name) && name !== 'Command')
        .map((name) => name.slice(0, -'Command'.length))
        .sort(),
    );
    operations.set(service, names);
  }
  return names;
}

/** What fault rules may name, read from what the local cloud runs right now. */
export function faultTargets(source: {
  model: () => CloudModel | undefined;
  functions: () => FaultFunction[];
  stateMachines: () => StateMachineDef[];
}): FaultTargets {
  return {
    tables: () => source.model()?.tables.map((table) => table.tableName) ?? [],
    queues: () => source.model()?.queues.map(({ name, url }) => ({ name, url })) ?? [],
    topics: () => source.model()?.topics.map((topic) => topic.arn) ?? [],
    functions: source.functions,
    stateMachines: () =>
      source
        .stateMachines()
        .map(({ name, arn, definition }) => ({ name, arn, taskStates: [...taskStates(definition)].map(([state]) => state) })),
    operations: sdkOperations,
  };
}
