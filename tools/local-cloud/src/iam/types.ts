/**
 * The seam between what the templates grant (the IAM authority, `./authority.ts`) and where the local cloud
 * asks (the wire side: functions' SDK calls, calls made on behalf of a state machine, an API, a subscription, a rule).
 * Both sides code against exactly these types.
 */

/** Who makes a call: a function's (or state machine's) role, or an AWS service acting for a resource. */
export type IamPrincipal =
  | { kind: 'role'; roleArn: string; sessionName?: string } // sessionName: the function name, for messages
  | { kind: 'service'; service: string; sourceArn?: string }; // e.g. 'sns.amazonaws.com', 'apigateway.amazonaws.com'

/** One authorization question: may this principal do this action on this resource, in this context? */
export interface IamCall {
  principal: IamPrincipal;
  action: string; // 'dynamodb:Query'
  resource: string; // 'arn:aws:dynamodb:us-east-1:000000000000:table/x/index/gsi1'
  context?: Record<string, string | string[]>; // condition keys from the request, e.g. { 'dynamodb:LeadingKeys': ['c#1'] }
}

/** How a denial was acted on: refused (`enforce`) or only logged (`warn`); recorded with the denial in the report. */
export type IamEnforcementMode = 'enforce' | 'warn';

export type IamOutcome = 'allowed' | 'implicitly-denied' | 'explicitly-denied';

/** The answer to one `IamCall`. */
export interface IamDecision {
  readonly allowed: boolean;
  readonly outcome: IamOutcome;
  /** One line for the local log and the error message: who, action, resource, and what is missing or denies it. */
  readonly explanation: string;
}

/** What the local cloud knows of IAM, asked once per call (decisions cached per principal, action, resource, context). */
export interface IamAuthority {
  /**
   * The decision for one call. Records usage (an allowed action is "used" by its role) and denials; `mode`
   * (default `enforce`) is how the caller acts on a denial, kept with the denial in `report()`.
   */
  authorize(call: IamCall, mode?: IamEnforcementMode): IamDecision;
  /** The role ARN a function (by its function name) or a state machine (by its ARN) runs as, if the templates say. */
  roleOf(kind: 'function' | 'stateMachine', nameOrArn: string): string | undefined;
  /** Least privilege, measured: per role, actions granted and used, granted and never used; every denial. */
  report(): IamReport;
  /**
   * True when no policy that could decide this role's calls on these resources (its own, theirs) tests a condition key
   * or names a policy variable: the decisions depend on the action and the resource alone, until the templates change.
   */
  conditionFree?(roleArn: string, resources: string[]): boolean;
}

/** One role in the report. */
export interface IamRoleReport {
  roleArn: string;
  stack: string;
  logicalId: string;
  /** Who runs as it (`function orderFn`, `state machine arn:...`, `targets of rule arn:...`). */
  principals: string[];
  /** Every action its identity policies allow, wildcards expanded. */
  granted: string[];
  used: string[];
  /** Granted, of a service the local cloud sees calls to, and never used. */
  unused: string[];
  /** Granted, of a service whose calls the local cloud does not see (CloudWatch Logs, X-Ray, ...): neither used nor unused. */
  notObserved: string[];
}

/** `GET /_local/iam` and the shutdown line are read from this. */
export interface IamReport {
  roles: IamRoleReport[];
  denials: {
    principal: string;
    action: string;
    resource: string;
    explanation: string;
    count: number;
    mode: IamEnforcementMode;
  }[];
}
