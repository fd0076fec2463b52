import type { FaultSpec } from '../protocol/faults';
import type { LessonStartState } from './lesson';

/** What putting a sandbox in a lesson's start state needs of it (the embedded sandbox, or the page's). */
export interface StartStateTarget {
  readonly accounts: readonly { readonly name: string }[];
  /** Replaces an account's mailbox with these seed messages, or with its own seed when none are given. */
  resetMailbox(account: string, messages?: readonly string[]): Promise<void>;
  /** Faults for one account, or for all (dropping per-account ones) when `account` is omitted. */
  setFaults(spec: FaultSpec | undefined, account?: string): void;
}

/**
 * Puts every mailbox and the faults in a lesson's start state (docs/lesson-format.md, "start"):
 * accounts not named get their seed mail, `faults` apply to all, `accountFaults` to one each.
 */
export async function applyStartState(target: StartStateTarget, state: LessonStartState | undefined): Promise<void> {
  for (const account of target.accounts) {
    const mailbox = state?.mailboxes?.[account.name];
    await target.resetMailbox(account.name, mailbox === undefined || mailbox === 'seed' ? undefined : mailbox);
  }
  target.setFaults(state?.faults);
  for (const [account, spec] of Object.entries(state?.accountFaults ?? {})) target.setFaults(spec, account);
}
