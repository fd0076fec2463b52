import type { ByteTransport, CryptoPort, FaultSpec } from '../src/protocol';
import type { AccountRegistry } from './accounts';
import { SandboxError } from './errors';
import { FaultRegistry } from './fault-registry';
import { RandomPool } from './random-pool';
import type { ServerContext, SessionConfig } from './server-context';
import { Session } from './session';
import { SessionLog } from './session-log';
import type { MailStorage, NewMessage } from './storage';

/** A POP3 session running on a transport given to {@link SandboxCore.accept}. */
export interface AcceptedSession {
  /** Its id in the session log: `s1`, `s2`, ... */
  readonly id: string;
  /** Resolves once the connection is gone and the maildrop lock released. */
  readonly done: Promise<void>;
}

/**
 * A sandbox wherever it runs (Node, a browser worker): accounts, mailboxes, injected faults,
 * the session log, and POP3 sessions on any transport.
 */
export interface SandboxCore {
  /** Every account, seed accounts first. */
  readonly accounts: readonly { name: string; password: string }[];
  /** Every TranscriptEntry of every session. */
  readonly log: SessionLog;
  /** Unexpected handler failures (each answered -ERR [SYS/TEMP] and survived); empty in a healthy run. */
  readonly internalErrors: readonly Error[];
  /**
   * Replaces an account's mailbox: with seed message names or raw messages, or by default with the
   * account's own seed. New messages get fresh unique-ids. A session already logged in keeps its
   * snapshot (RFC 1939 §4).
   * @throws SandboxError `UNKNOWN_ACCOUNT` or `UNKNOWN_SEED_MESSAGE`.
   */
  resetMailbox(account: string, messages?: readonly (string | NewMessage)[]): Promise<void>;
  /**
   * Sets injected faults for one account, or for all when `account` is omitted (which also drops
   * every per-account setting). `undefined` turns them off. Applies from the next command on.
   * @throws SandboxError `BAD_OPTION` for a malformed spec.
   */
  setFaults(spec: FaultSpec | undefined, account?: string): void;
  /**
   * Runs a POP3 session on a connected transport: greeting first (RFC 1939 §4), logged and
   * faulted as every session is. STLS is offered only where the transport can upgrade and the
   * sandbox has a certificate (RFC 2595 §4).
   * @throws SandboxError `SANDBOX_CLOSED` once {@link close} was called (the transport is destroyed).
   */
  accept(transport: ByteTransport): AcceptedSession;
  /** Ends every session without UPDATE, waits until all are gone, releases storage it owns. */
  close(): Promise<void>;
}

/** What a sandbox is made of. */
export interface SandboxParts {
  config: SessionConfig;
  accounts: AccountRegistry;
  storage: MailStorage;
  /** True when closing the sandbox closes the storage too. */
  ownsStorage: boolean;
  /** `nodeCrypto` in Node, `pureCrypto` elsewhere: the unique-ids are the same with both. */
  crypto: CryptoPort;
  /** Faults for every account from the start. */
  faults?: FaultSpec;
  /** Session-log entries kept; see SessionLog. */
  logLimit?: number;
  /** What the transports' STLS upgrade takes as the server's certificate; none: no STLS. */
  stlsContext?: unknown;
  /** The process-ID part of APOP timestamps (RFC 1939 §7); default 0. */
  processId?: number;
}

/**
 * Puts a sandbox together from its parts.
 * @throws SandboxError `BAD_OPTION` for a malformed fault spec.
 */
export function createSandboxCore(parts: SandboxParts): SandboxCore {
  const { accounts, storage } = parts;
  const faults = new FaultRegistry(parts.faults);
  const log = new SessionLog(parts.logLimit);
  const internalErrors: Error[] = [];
  let sessionCount = 0;
  const context: ServerContext = {
    config: parts.config,
    accounts,
    storage,
    faults,
    log,
    crypto: parts.crypto,
    random: new RandomPool(parts.crypto),
    stlsContext: parts.stlsContext,
    releasing: new Map(),
    lastLogin: new Map(),
    processId: parts.processId ?? 0,
    timestampHost: 'sandbox.localhost',
    internalErrors,
    nextSessionId: () => `s${++sessionCount}`,
  };
  const sessions = new Set<Session>();
  let closing: Promise<void> | undefined;
  return {
    accounts: accounts.list().map(({ name, password }) => ({ name, password })),
    log,
    internalErrors,
    async resetMailbox(account, messages) {
      const found = accounts.get(account);
      const items = messages === undefined ? found.seed : accounts.resolveMessages(messages);
      await storage.replace(found.name, items);
    },
    setFaults(spec, account) {
      faults.set(spec, account);
    },
    accept(transport) {
      if (closing) {
        transport.destroy();
        throw new SandboxError('SANDBOX_CLOSED', 'the sandbox is closed and accepts no more sessions');
      }
      const session = new Session(context, transport, (finished) => sessions.delete(finished));
      sessions.add(session);
      void session.start();
      return { id: session.id, done: session.done };
    },
    close() {
      closing ??= (async () => {
        const open = [...sessions];
        for (const session of open) session.shutdown('server shutting down');
        await Promise.all(open.map((session) => session.done));
        if (parts.ownsStorage) await storage.close();
      })();
      return closing;
    },
  };
}
