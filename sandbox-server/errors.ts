import { CodedError, Pop3Error } from '../src/protocol';

/**
 * A sandbox misconfiguration or misuse from code: an unknown account, a seed name that does
 * not exist, a bad option. Codes: `UNKNOWN_ACCOUNT`, `UNKNOWN_SEED_MESSAGE`, `BAD_OPTION`,
 * `SEED_INVALID`, `LISTEN_FAILED`, `SANDBOX_CLOSED`.
 */
export class SandboxError extends CodedError {}

/**
 * A handler's refusal: the session answers `-ERR [code] message` and carries on.
 * Handlers throw it from deep helpers (a bad message-number, say) instead of threading
 * error values back by hand; anything else thrown is an internal error.
 */
export class CommandRefusal extends Pop3Error {
  /** RFC 2449 §8 response code, without brackets. */
  readonly responseCode: string | undefined;
  /** True when the refusal counts as a protocol mistake towards MAX_BAD_COMMANDS. */
  readonly bad: boolean;
  constructor(message: string, options: { responseCode?: string; bad?: boolean } = {}) {
    super('COMMAND_REFUSED', message);
    this.responseCode = options.responseCode;
    this.bad = options.bad ?? false;
  }
}
