import { AUTOLOGOUT_MS, FAILED_LOGIN_DELAY_MS } from '../src/protocol';
import { SandboxError } from './errors';
import type { SessionConfig } from './server-context';

/** The options behind a {@link SessionConfig}, each optional, wherever the sandbox runs. */
export interface SessionConfigOptions {
  /** Refuse cleartext logins until TLS is active (RFC 2595 §2.3); the default depends on where the sandbox listens. */
  requireTls?: boolean;
  /** Idle time before a session is closed without reply or UPDATE (RFC 1939 §3); default 10 minutes. */
  autologoutMs?: number;
  /** Pause before answering a failed login, growing with repeated failures; default 300 ms. */
  failedLoginDelayMs?: number;
  /** Minimum seconds between logins to one account, announced as LOGIN-DELAY (RFC 2449 §6.5); default none. */
  loginDelaySeconds?: number;
}

/** Checks a whole-number option. @throws SandboxError `BAD_OPTION` naming it. */
export function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new SandboxError('BAD_OPTION', `${name} must be a whole number of at least ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Applies defaults to the session options and checks them.
 * @throws SandboxError `BAD_OPTION` naming the option.
 */
export function resolveSessionConfig(options: SessionConfigOptions, requireTlsByDefault: boolean): SessionConfig {
  return {
    requireTls: options.requireTls ?? requireTlsByDefault,
    autologoutMs: checkCount('autologoutMs', options.autologoutMs ?? AUTOLOGOUT_MS, 1),
    failedLoginDelayMs: checkCount('failedLoginDelayMs', options.failedLoginDelayMs ?? FAILED_LOGIN_DELAY_MS, 0),
    loginDelaySeconds: checkCount('loginDelaySeconds', options.loginDelaySeconds ?? 0, 0),
  };
}
