import type { FaultSpec } from '../src/protocol';
import type { SandboxCore } from './sandbox-core';

/**
 * A state to put a sandbox in: mailboxes per account (`'seed'`, or seed message names) and
 * faults for every account or per account. The tutor's lesson `start` has this shape
 * (docs/lesson-format.md, "start: the sandbox state").
 */
export interface SandboxStartState {
  readonly mailboxes?: Readonly<Record<string, 'seed' | readonly string[]>>;
  readonly faults?: FaultSpec;
  readonly accountFaults?: Readonly<Record<string, FaultSpec>>;
}

/**
 * Puts every account of `sandbox` in `state`: each mailbox reset (fresh unique-ids, the seed
 * for accounts not named), then the faults. Undefined is the plain seed without faults.
 * @throws SandboxError `UNKNOWN_ACCOUNT`, `UNKNOWN_SEED_MESSAGE` or `BAD_OPTION` (a malformed fault).
 */
export async function applyStartState(sandbox: SandboxCore, state: SandboxStartState | undefined): Promise<void> {
  for (const account of sandbox.accounts) {
    const mailbox = state?.mailboxes?.[account.name];
    await sandbox.resetMailbox(account.name, mailbox === undefined || mailbox === 'seed' ? undefined : mailbox);
  }
  sandbox.setFaults(state?.faults);
  for (const [account, spec] of Object.entries(state?.accountFaults ?? {})) sandbox.setFaults(spec, account);
}
