import { createSecureContext } from 'node:tls';
import { nodeCrypto } from '../src/ports/node-crypto';
import { AccountRegistry } from './accounts';
import { sandboxCertificates } from './certificates';
import { openStorage } from './open-storage';
import type { SandboxOptions } from './options';
import { resolveOptions } from './options';
import type { SandboxCore } from './sandbox-core';
import { createSandboxCore } from './sandbox-core';
import { loadSeed, loadUsers } from './seed-loader';
import { Pop3Server } from './server';

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

/**
 * Starts the sandbox: seed accounts plus `options.users`, storage, a CA and server certificate
 * (generated at the first start in a process, see sandboxCertificates), the POP3 listener and
 * (unless `tlsPort: false`) the implicit-TLS listener.
 * @throws SandboxError for bad options (`BAD_OPTION`), an unreadable seed or folder, or a port in use (`LISTEN_FAILED`).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveOptions(options);
  const [seed, users] = await Promise.all([loadSeed(), loadUsers(options.users ?? [])]);
  const accounts = AccountRegistry.build(seed, users);
  const [{ storage, owned }, certificates] = await Promise.all([
    openStorage(options, accounts, nodeCrypto),
    sandboxCertificates(config.tlsNames),
  ]);
  // TLS 1.2 at least (RFC 8997), for the implicit-TLS port and STLS alike.
  const tlsOptions = { key: certificates.key, cert: certificates.cert, minVersion: 'TLSv1.2' } as const;
  let core: SandboxCore;
  try {
    core = createSandboxCore({
      config,
      accounts,
      storage,
      ownsStorage: owned,
      crypto: nodeCrypto,
      faults: options.faults,
      logLimit: options.logLimit,
      stlsContext: createSecureContext(tlsOptions),
      processId: process.pid,
    });
  } catch (error) {
    if (owned) await storage.close();
    throw error;
  }
  const server = new Pop3Server(config, tlsOptions, (transport) => core.accept(transport));
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
    ca: certificates.ca,
    close() {
      // Sessions end first (logged as a shutdown), then the listeners cut what is left.
      closing ??= Promise.all([core.close(), server.close()]).then(() => undefined);
      return closing;
    },
  };
}
