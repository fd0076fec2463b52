import type { CryptoPort } from '../src/protocol';
import type { AccountRegistry } from './accounts';
import type { FaultRegistry } from './fault-registry';
import type { RandomPool } from './random-pool';
import type { SessionLog } from './session-log';
import type { MailStorage } from './storage';

/** What sessions obey, however the sandbox runs (defaults and checks: session-config.ts). */
export interface SessionConfig {
  /** Refuse cleartext logins until TLS is active (RFC 2595 §2.3). */
  requireTls: boolean;
  /** Idle time before a session is closed without reply or UPDATE (RFC 1939 §3). */
  autologoutMs: number;
  /** Pause before answering a failed login, growing with repeated failures (RFC 1939 §13). */
  failedLoginDelayMs: number;
  /** Minimum seconds between logins to one account, announced as LOGIN-DELAY (RFC 2449 §6.5). */
  loginDelaySeconds: number;
}

/** What every session of one sandbox shares. */
export interface ServerContext {
  readonly config: SessionConfig;
  readonly accounts: AccountRegistry;
  readonly storage: MailStorage;
  readonly faults: FaultRegistry;
  readonly log: SessionLog;
  /** MD5 for APOP, HMAC-MD5 for CRAM-MD5, random bytes and constant-time compares. */
  readonly crypto: CryptoPort;
  /** Random bytes for greeting timestamps, drawn from `crypto` in batches. */
  readonly random: RandomPool;
  /**
   * The server's key and certificate as the transports' TLS takes them (Node: a SecureContext),
   * for STLS (RFC 2595 §4); undefined when the sandbox has none, and then STLS is not offered.
   */
  readonly stlsContext: unknown;
  /**
   * Maildrop locks still being released by sessions that ended without QUIT, by account: the
   * maildrop is no longer in use (RFC 1939 §4), so a login waits for these instead of [IN-USE].
   */
  readonly releasing: Map<string, Promise<void>>;
  /** When each account last logged in, for LOGIN-DELAY (RFC 2449 §6.5). */
  readonly lastLogin: Map<string, number>;
  /** The process-ID part of APOP timestamps (RFC 1939 §7: `<process-ID.clock@hostname>`). */
  readonly processId: number;
  /** The host part of APOP and CRAM-MD5 timestamps. */
  readonly timestampHost: string;
  /** Unexpected handler failures; each was answered with -ERR and survived. */
  readonly internalErrors: Error[];
  /** A new session id: `s1`, `s2`, ... */
  nextSessionId(): string;
}
