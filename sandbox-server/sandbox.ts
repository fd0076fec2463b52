import { createSecureContext } from 'node:tls';
import type { FaultSpec } from '../src/protocol';
import { AccountRegistry } from './accounts';
import { sandboxCertificates } from './certificates';
import { FaultRegistry } from './fault-registry';
import { openStorage } from './open-storage';
import type { SandboxOptions } from './options';
import { resolveOptions } from './options';
import { loadSeed } from './seed-loader';
import { Pop3Server } from './server';
import type { ServerContext } from './server-context';
import { SessionLog } from './session-log';
import type { NewMessage } from './storage';

/** A running sandbox POP3 server. */
export interface Sandbox {
  /** The address it listens on. */
  readonly host: string;
  /** The POP3 port (RFC 1939). */
  readonly port: number;
  /** The implicit-TLS port (RFC 8314), or undefined when `tlsPort: false`. */
  readonly tlsPort: number | undefined;
  /** PEM of the CA that signed the server certificate: trust it instead of turning verification off. */
  readonly ca: string;
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
  /** Stops listening, ends every session without UPDATE, releases storage. */
  close(): Promise<void>;
}

/**
 * Starts the sandbox: seed accounts plus `options.users`, storage, a CA and server certificate
 * (generated at the first start in a process, see sandboxCertificates), the POP3 listener and
 * (unless `tlsPort: false`) the implicit-TLS listener.
 * @throws SandboxError for bad options (`BAD_OPTION`), an unreadable seed or folder, or a port in use (`LISTEN_FAILED`).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveOptions(options);
  const faults = new FaultRegistry(options.faults);
  const accounts = await AccountRegistry.build(await loadSeed(), options.users ?? []);
  const [{ storage, owned }, certificates] = await Promise.all([openStorage(options, accounts), sandboxCertificates(config.tlsNames)]);
  const log = new SessionLog(options.logLimit);
  const internalErrors: Error[] = [];
  let sessions = 0;
  const tlsOptions = { key: certificates.key, cert: certificates.cert, minVersion: 'TLSv1.2' } as const;
  const context: ServerContext = {
    config,
    accounts,
    storage,
    faults,
    log,
    tlsOptions,
    secureContext: createSecureContext(tlsOptions),
    lastLogin: new Map(),
    timestampHost: 'sandbox.localhost',
    internalErrors,
    nextSessionId: () => `s${++sessions}`,
  };
  const server = new Pop3Server(context);
  let ports: { port: number; tlsPort: number | undefined };
  try {
    ports = await server.listen();
  } catch (error) {
    await server.close();
    if (owned) await storage.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    host: config.host,
    port: ports.port,
    tlsPort: ports.tlsPort,
    ca: certificates.ca,
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
    close() {
      closing ??= (async () => {
        await server.close();
        if (owned) await storage.close();
      })();
      return closing;
    },
  };
}
