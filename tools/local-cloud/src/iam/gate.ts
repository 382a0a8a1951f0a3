import { LOCAL_ACCOUNT_ID } from '../assembly/naming';
import type { Logger } from '../log';
import { AccessKeys } from './access-keys';
import type { RequestedAction } from './requested-action';
import type { IamAuthority, IamDecision, IamPrincipal } from './types';

/** `--iam`: refuse denied calls (`enforce`), only log and record them (`warn`), or ask nothing (`off`). */
export type IamMode = 'enforce' | 'warn' | 'off';

export const IAM_MODES: readonly IamMode[] = ['enforce', 'warn', 'off'];

/** A call the gate refused (in `enforce`): the message AWS would write, for the protocol's AccessDenied. */
export interface IamRefusal {
  message: string;
  requested: RequestedAction;
  decision: IamDecision;
}

/** `arn:aws:iam::<acct>:role/<path/>name` -> `name`. */
const roleNameOf = (roleArn: string) => roleArn.slice(roleArn.lastIndexOf('/') + 1);

/** How AWS names a principal in an error: an assumed role's session, or the service. */
export function principalName(principal: IamPrincipal): string {
  if (principal.kind === 'service') return principal.service;
  return `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${roleNameOf(principal.roleArn)}/${principal.sessionName ?? 'local'}`;
}

/**
 * The message AWS writes when IAM refuses a call ("User: <assumed role> is not authorized to
 * perform: <action> on resource: <arn> because no identity-based policy allows the <action>
 * action", or "... with an explicit deny in an identity-based policy").
 */
export function accessDeniedMessage(principal: IamPrincipal, requested: RequestedAction, decision: IamDecision): string {
  const because =
    decision.outcome === 'explicitly-denied'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${requested.action} action`;
  return `User: ${principalName(principal)} is not authorized to perform: ${requested.action} on resource: ${requested.resource} ${because}`;
}

export interface IamGateOptions {
  mode: IamMode;
  logger: Logger;
}

/**
 * Where the wire asks IAM: who a function is (its access key, its role), and whether the calls a
 * request needs are allowed. In `warn` a denial is logged and recorded and the call goes through;
 * in `off` nothing is asked (and no request body is read for it). The authority (what the
 * templates grant) is set once the assemblies are read.
 */
export class IamGate {
  readonly keys = new AccessKeys();
  authority?: IamAuthority;

  constructor(private readonly options: IamGateOptions) {}

  get mode(): IamMode {
    return this.options.mode;
  }

  /** True when calls are to be checked: a mode other than `off`, and the templates read. */
  get active(): boolean {
    return this.options.mode !== 'off' && this.authority !== undefined;
  }

  /** The role a function runs as, as the principal of its calls. */
  functionPrincipal(functionName: string): IamPrincipal | undefined {
    const roleArn = this.authority?.roleOf('function', functionName);
    return roleArn ? { kind: 'role', roleArn, sessionName: functionName } : undefined;
  }

  /** The role a state machine runs as. */
  stateMachinePrincipal(stateMachineArn: string): IamPrincipal | undefined {
    const roleArn = this.authority?.roleOf('stateMachine', stateMachineArn);
    const name = stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1);
    return roleArn ? { kind: 'role', roleArn, sessionName: name } : undefined;
  }

  /**
   * The principal of a request to `/_aws/*` by its signature: undefined for the control key (the
   * user's CLI and tests: all-powerful, like an administrator), a function's role for its key.
   * A function whose role the templates do not name (or a key never issued) is refused with a clear
   * explanation rather than let through unchecked.
   */
  callerOf(authorization: string | undefined): { principal?: IamPrincipal; unknown?: string; who: string } {
    const signer = this.keys.signerOf(authorization);
    if (signer.kind === 'control') return { who: 'the control key' };
    if (signer.kind === 'unknown')
      return { unknown: `access key ${signer.accessKeyId || '(none)'} was not issued by this local cloud`, who: 'unknown' };
    const principal = this.functionPrincipal(signer.functionName);
    return principal
      ? { principal, who: signer.functionName }
      : { unknown: `function ${signer.functionName} has no role the templates describe`, who: signer.functionName };
  }

  /**
   * Asks the authority about each permission a request needs; the first denial is logged (who,
   * action, resource, explanation) and, in `enforce`, returned for the caller to answer with its
   * protocol's AccessDenied. In `warn` it is logged and recorded, and undefined is returned.
   */
  check(principal: IamPrincipal, requested: RequestedAction[], who: string): IamRefusal | undefined {
    return this.evaluate(principal, requested, who).refusal;
  }

  /** check(), and whether every permission was allowed (in `warn`, a denial is not refused but is not allowed either). */
  private evaluate(principal: IamPrincipal, requested: RequestedAction[], who: string): { refusal?: IamRefusal; allowed: boolean } {
    const authority = this.authority;
    if (!authority || this.options.mode === 'off') return { allowed: true };
    const mode = this.options.mode;
    let allowed = true;
    for (const one of requested) {
      const decision = authority.authorize({ principal, ...one }, mode);
      if (decision.allowed) continue;
      allowed = false;
      this.options.logger.line(
        'iam',
        `${mode === 'enforce' ? 'DENIED' : 'would deny (warn)'} ${who}: ${one.action} on ${one.resource}: ${decision.explanation}`,
      );
      if (mode === 'enforce')
        return { refusal: { message: accessDeniedMessage(principal, one, decision), requested: one, decision }, allowed };
    }
    return { allowed };
  }

  /**
   * A caller the templates say nothing about (a key never issued, a function or state machine with no
   * known role): logged, and refused in `enforce` (never let through unchecked).
   */
  refuseUnknown(who: string, first: RequestedAction, why: string): IamRefusal | undefined {
    if (this.options.mode === 'off') return undefined;
    const decision: IamDecision = { allowed: false, outcome: 'implicitly-denied', explanation: why };
    this.options.logger.line(
      'iam',
      `${this.mode === 'enforce' ? 'DENIED' : 'would deny (warn)'} ${who}: ${first.action} on ${first.resource}: ${why}`,
    );
    if (this.mode !== 'enforce') return undefined;
    return {
      message: `User: ${who} is not authorized to perform: ${first.action} on resource: ${first.resource} (${why})`,
      requested: first,
      decision,
    };
  }

  /**
   * The check of a request signed by a function (`authorization` is its header): undefined when the
   * control key signed it or every permission is allowed (or only warned about).
   */
  checkRequest(authorization: string | undefined, requested: () => RequestedAction[]): IamRefusal | undefined {
    if (!this.active) return undefined;
    const caller = this.callerOf(authorization);
    if (caller.unknown !== undefined) {
      const first = requested()[0];
      return first && this.refuseUnknown(caller.who, first, caller.unknown);
    }
    return caller.principal ? this.check(caller.principal, requested(), caller.who) : undefined;
  }

  /**
   * checkRequest(), and whether IAM admits every request of this kind (the same permissions by the same signer) without
   * being asked again: with `--iam off`; for the control key; for a function whose every permission here is allowed, by a
   * role whose policies (and every resource policy) test no condition key, so that nothing else in a request can change
   * the decision. Only a new set of templates can: the authority says when (lambda/dynamodb-direct.ts).
   */
  admitRequest(authorization: string | undefined, requested: () => RequestedAction[]): { refusal?: IamRefusal; admitted: boolean } {
    if (this.options.mode === 'off') return { admitted: true };
    const authority = this.authority;
    if (!authority) return { admitted: false };
    const caller = this.callerOf(authorization);
    if (caller.unknown !== undefined) {
      const first = requested()[0];
      return { refusal: first && this.refuseUnknown(caller.who, first, caller.unknown), admitted: false };
    }
    if (!caller.principal) return { admitted: true };
    const asked = requested();
    const { refusal, allowed } = this.evaluate(caller.principal, asked, caller.who);
    const resources = asked.map(({ resource }) => resource);
    const conditionFree = caller.principal.kind === 'role' && (authority.conditionFree?.(caller.principal.roleArn, resources) ?? false);
    return { refusal, admitted: allowed && conditionFree };
  }
}
