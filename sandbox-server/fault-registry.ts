import type { FaultSpec } from '../src/protocol';
import { checkFaultSpec, InvalidArgumentError, isNoFault } from '../src/protocol';
import { SandboxError } from './errors';

/** Seconds CAPA announces as LOGIN-DELAY while a `refuse-login=LOGIN-DELAY` fault is on. */
export const FAULT_LOGIN_DELAY_SECONDS = 60;

const NONE: FaultSpec = Object.freeze({});

/**
 * The faults in force: one spec for every account, and per-account specs that replace it
 * for their account once a session knows the user name (USER, APOP or AUTH).
 */
export class FaultRegistry {
  #all: FaultSpec = NONE;
  readonly #perAccount = new Map<string, FaultSpec>();

  constructor(all?: FaultSpec) {
    this.set(all);
  }

  /**
   * Sets faults for one account, or for all when `account` is omitted. Without an account the
   * per-account specs are dropped as well, so `set(undefined)` turns every fault off.
   * @throws SandboxError `BAD_OPTION` for a malformed spec.
   */
  set(spec: FaultSpec | undefined, account?: string): void {
    const valid = spec === undefined || isNoFault(spec) ? NONE : checked(spec);
    if (account === undefined) {
      this.#all = valid;
      this.#perAccount.clear();
    } else if (valid === NONE && spec === undefined) {
      this.#perAccount.delete(account);
    } else {
      this.#perAccount.set(account, valid);
    }
  }

  /** The faults for a session whose user is `account` (undefined before any name was given). */
  forAccount(account: string | undefined): FaultSpec {
    if (account !== undefined) {
      const own = this.#perAccount.get(account);
      if (own) return own;
    }
    return this.#all;
  }

  /**
   * What CAPA announces for LOGIN-DELAY faults (RFC 2449 §6.5): the delay, and whether it
   * applies to some users only (then CAPA adds `USER`). Undefined when no such fault is on.
   */
  advertisedLoginDelay(): { seconds: number; perUser: boolean } | undefined {
    if (this.#all.refuseLogin === 'LOGIN-DELAY') return { seconds: FAULT_LOGIN_DELAY_SECONDS, perUser: false };
    for (const spec of this.#perAccount.values()) {
      if (spec.refuseLogin === 'LOGIN-DELAY') return { seconds: FAULT_LOGIN_DELAY_SECONDS, perUser: true };
    }
    return undefined;
  }
}

/** The table's check (src/protocol/faults.ts), as the sandbox reports a bad option. */
function checked(spec: FaultSpec): FaultSpec {
  try {
    return checkFaultSpec(spec);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new SandboxError('BAD_OPTION', error.message);
    throw error;
  }
}
