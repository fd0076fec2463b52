import type { SecureContext } from 'node:tls';
import { createSecureContext } from 'node:tls';
import { nodeCrypto } from '../src/ports/node-crypto';
import { AccountRegistry } from './accounts';
import type { SandboxCertificates } from './certificates';
import { sandboxCertificates } from './certificates';
import { openStorage } from './open-storage';
import type { SandboxOptions } from './options';
import { resolveOptions } from './options';
import type { SandboxCore } from './sandbox-core';
import { createSandboxCore } from './sandbox-core';
import { loadSeed, loadUsers } from './seed-loader';
import { Pop3Server } from './server';
import type { SessionConfigOptions } from './session-config';
import { resolveSessionConfig } from './session-config';

/**
 * A running sandbox POP3 server: listening on TCP (and implicit TLS), and able to run a
 * session on any other transport with {@link SandboxCore.accept}.
 */
export interface Sandbox extends SandboxCore {
  /** The address it listens on. */
  readonly host: string;
  /** The POP3 port (RFC 1939). */
  readonly port: number;
  /** The implicit-TLS port (RFC 8314), or undefined when `tlsPort: false`. */
  readonly tlsPort: number | undefined;
  /** PEM of the CA that signed the server certificate: trust it instead of turning verification off. */
  readonly ca: string;
  /** Stops listening, ends every session without UPDATE, releases storage. */
  close(): Promise<void>;
}

/** Options of {@link createNodeSandbox}: a sandbox's accounts, storage and faults, without listeners. */
export interface NodeSandboxOptions
  extends SessionConfigOptions,
    Pick<SandboxOptions, 'users' | 'storage' | 'maildir' | 'faults' | 'logLimit' | 'tlsNames'> {
  /**
   * The key and certificate for STLS and the CA clients trust; default: generated (once per
   * process and set of names). Sandboxes given the same object share one TLS context.
   */
  certificates?: SandboxCertificates;
}

/** A sandbox in Node without listeners: its host brings the connections (`accept`). */
export interface NodeSandbox extends SandboxCore {
  /** PEM of the CA that signed the server certificate. */
  readonly ca: string;
  /** The key and certificate, as `tls.createServer` takes them (TLS 1.2 at least, RFC 8997). */
  readonly tlsOptions: { readonly key: string; readonly cert: string; readonly minVersion: 'TLSv1.2' };
  /** The TLS context STLS upgrades use (RFC 2595 §4), for a host's own implicit-TLS handshakes. */
  readonly secureContext: SecureContext;
}

const contexts = new WeakMap<SandboxCertificates, SecureContext>();

/** One TLS context per certificates object, so a hundred sandboxes sharing a key share one context. */
function contextFor(certificates: SandboxCertificates): SecureContext {
  let context = contexts.get(certificates);
  if (!context) {
    context = createSecureContext({ key: certificates.key, cert: certificates.cert, minVersion: 'TLSv1.2' });
    contexts.set(certificates, context);
  }
  return context;
}

/**
 * Puts a Node sandbox together: seed accounts plus `options.users`, storage (memory, Maildir or
 * given), certificates, faults and the session log; sessions start with `accept(transport)`.
 * Cleartext logins are allowed unless `requireTls` says otherwise: the host decides, per
 * transport, whether a connection is local (`TransportInfo.local`).
 * @throws SandboxError for bad options (`BAD_OPTION`) or an unreadable seed or folder.
 */
export async function createNodeSandbox(options: NodeSandboxOptions = {}): Promise<NodeSandbox> {
  const config = resolveSessionConfig(options, false);
  const [seed, users] = await Promise.all([loadSeed(), loadUsers(options.users ?? [])]);
  const accounts = AccountRegistry.build(seed, users);
  const [{ storage, owned }, certificates] = await Promise.all([
    openStorage(options, accounts, nodeCrypto),
    options.certificates ?? sandboxCertificates(options.tlsNames ?? []),
  ]);
  const secureContext = contextFor(certificates);
  try {
    const core = createSandboxCore({
      config,
      accounts,
      storage,
      ownsStorage: owned,
      crypto: nodeCrypto,
      faults: options.faults,
      logLimit: options.logLimit,
      stlsContext: secureContext,
      processId: process.pid,
    });
    const tlsOptions = { key: certificates.key, cert: certificates.cert, minVersion: 'TLSv1.2' } as const;
    return { ...core, ca: certificates.ca, tlsOptions, secureContext };
  } catch (error) {
    if (owned) await storage.close();
    throw error;
  }
}

/**
 * Starts the sandbox: seed accounts plus `options.users`, storage, a CA and server certificate
 * (generated at the first start in a process, see sandboxCertificates), the POP3 listener and
 * (unless `tlsPort: false`) the implicit-TLS listener.
 * @throws SandboxError for bad options (`BAD_OPTION`), an unreadable seed or folder, or a port in use (`LISTEN_FAILED`).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveOptions(options);
  const core = await createNodeSandbox({ ...options, requireTls: config.requireTls });
  const server = new Pop3Server(config, core.tlsOptions, (transport) => core.accept(transport));
  let ports: { port: number; tlsPort: number | undefined };
  try {
    ports = await server.listen();
  } catch (error) {
    await Promise.all([core.close(), server.close()]);
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    ...core,
    host: config.host,
    port: ports.port,
    tlsPort: ports.tlsPort,
    ca: core.ca,
    close() {
      // Sessions end first (logged as a shutdown), then the listeners cut what is left.
      closing ??= Promise.all([core.close(), server.close()]).then(() => undefined);
      return closing;
    },
  };
}
