import type { FaultSpec } from '../protocol/faults';
import type { ByteTransport } from '../protocol/transport';
import type { TranscriptEntry } from '../protocol/transcript';
import type { LessonStartState } from '../tutor';

/** The connection options of the server the REPL talks to (`sandbox` at the prompt). */
export interface SandboxConnection {
  host: string;
  port: number;
  /** PEM of the CA that signed the server's certificate. */
  ca?: string;
  /** The implicit-TLS port (RFC 8314), when there is one. */
  tlsPort?: number;
  /** Connect with implicit TLS (a --server given with --tls). */
  tls?: boolean;
  accounts: readonly { name: string; password?: string }[];
}

/** The server's session log, when the server runs in this process. */
export interface TranscriptLog {
  readonly entries: readonly TranscriptEntry[];
  on(event: 'entry', listener: (entry: TranscriptEntry) => void): unknown;
  off(event: 'entry', listener: (entry: TranscriptEntry) => void): unknown;
}

/** The POP3 server the REPL is pointed at: the embedded sandbox, or another with --server. */
export interface PlaygroundTarget {
  connection: SandboxConnection;
  /** One line for the welcome, e.g. "the sandbox on 127.0.0.1:40110". */
  description: string;
  /** Facts come from this log when present, else from the client trace. */
  log?: TranscriptLog;
  /** Puts the mailboxes and faults in a lesson's starting state (embedded sandbox only). */
  applyState?(state: LessonStartState | undefined): Promise<void>;
  /** Resolves once the server has let go of every closed session (so no login meets [IN-USE]). */
  settle?(): Promise<void>;
  /**
   * Resolves once `log` holds every entry of what the server has done so far, for a log that
   * arrives apart from the replies (a classroom's stream); the REPL waits for it before checking goals.
   */
  sync?(): Promise<void>;
  /** Switches faults on for every account, or off, leaving the mailboxes alone (embedded sandbox only). */
  setFaults?(faults: FaultSpec | undefined): void;
  /**
   * Opens a connection to the server that is not TCP (e.g. an in-memory pair to a sandbox in
   * this process). When present, every connection to the target's address (`connect(sandbox)`
   * and `.raw`) goes over a transport from here; other addresses still use TCP.
   */
  openTransport?(): ByteTransport;
}

/** The TypeScript type of `sandbox` at the prompt. */
export const SANDBOX_SCOPE_TYPE =
  '{ readonly host: string; readonly port: number; readonly ca?: string; readonly tlsPort?: number; readonly accounts: readonly { readonly name: string; readonly password?: string }[] }';

/** `sandbox` as the learner holds it: the target's connection options, frozen all the way down. */
export function frozenConnection(connection: SandboxConnection): Readonly<SandboxConnection> {
  return Object.freeze({ ...connection, accounts: Object.freeze(connection.accounts.map((a) => Object.freeze({ ...a }))) });
}

/**
 * The client's connect as the REPL uses it: connections to the target's own address go over
 * the target's transport when it opens one (docs/architecture.md, POP3 over any byte stream).
 */
export function connectThroughTarget<O extends object, C>(connect: (options: O) => Promise<C>, target: PlaygroundTarget): (options: O) => Promise<C> {
  const open = target.openTransport;
  if (!open) return connect;
  const { host, port } = target.connection;
  return (options) => {
    const wanted = options as { host?: string; port?: number };
    const toTarget = (wanted.host ?? 'localhost') === host && wanted.port === port;
    return connect(toTarget ? { ...options, transport: open() } : options);
  };
}
