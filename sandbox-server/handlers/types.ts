import type { FaultSpec, Keyword, Pop3State, TranscriptEvent } from '../../src/protocol';
import type { Maildrop } from '../maildrop';
import type { Reply } from '../reply';
import type { SaslExchange, SaslMechanism } from '../sasl';
import type { ServerContext } from '../server-context';
import type { ReleaseLock } from '../storage';

/** A command that passed the state and arity checks of the command table. */
export interface Command {
  keyword: Keyword;
  /** Arguments as sent, read as latin1 (see parseCommandLine). */
  args: string[];
}

/** A SASL exchange waiting for the client's next response line (RFC 5034 §4). */
export interface SaslState {
  mechanism: SaslMechanism;
  exchange: SaslExchange;
}

/** What a handler may read and change of its session. */
export interface SessionContext {
  readonly id: string;
  readonly server: ServerContext;
  state: Pop3State;
  /** True once TLS is active (implicit port or after STLS). */
  readonly secure: boolean;
  /**
   * Why STLS cannot start TLS on this connection (already active, a transport that cannot
   * carry TLS, a sandbox without a certificate), or undefined when it can (RFC 2595 §4).
   */
  readonly stlsRefusal: string | undefined;
  /** True once the connection has ended: a handler finishing late must release what it took. */
  readonly closed: boolean;
  /** RFC 6856 §2: UTF-8 mode. */
  utf8: boolean;
  /** The name the session knows: given to USER, APOP or AUTH, or logged in. */
  user: string | undefined;
  /** The name of a successful USER command, which PASS must follow at once (RFC 1939 §7). */
  pendingUser: string | undefined;
  /** The snapshot taken at login (TRANSACTION state). */
  maildrop: Maildrop | undefined;
  /** Releases the maildrop lock taken at login. */
  releaseLock: ReleaseLock | undefined;
  /** A SASL exchange in progress. */
  sasl: SaslState | undefined;
  /** The APOP timestamp of this session's greeting (RFC 1939 §7). */
  readonly timestamp: string;
  /** Failed logins so far, for the growing delay. */
  failedLogins: number;
  /** The faults in force for this session now. */
  faults(): FaultSpec;
  /** Appends a `*` event to the session log. */
  logEvent(keyword: TranscriptEvent, text: string, extras?: { uids?: string[]; fault?: string }): void;
}

/** RFC-defined behaviour of one command: takes the command, returns the one reply. */
export type Handler = (command: Command, session: SessionContext) => Reply | Promise<Reply>;
