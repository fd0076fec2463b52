import { isIP } from 'node:net';
import type { FaultSpec } from '../src/protocol';
import { MAX_CONNECTIONS } from '../src/protocol';
import { isLoopback } from '../src/protocol/address';
import type { UserOption } from './accounts';
import { SandboxError } from './errors';
import type { SessionConfig } from './server-context';
import type { SessionConfigOptions } from './session-config';
import { checkCount, resolveSessionConfig } from './session-config';
import type { MailStorage } from './storage';

/** Options of {@link startSandbox}. Every one is optional. */
export interface SandboxOptions extends SessionConfigOptions {
  /** Address to listen on; default `127.0.0.1` (loopback only). */
  host?: string;
  /** POP3 port; default 0, a free port. */
  port?: number;
  /** Implicit-TLS port (RFC 8314); default 0, a free port; `false` for none. */
  tlsPort?: number | false;
  /** Certificate names besides localhost, 127.0.0.1 and ::1 (DNS names or IP addresses). */
  tlsNames?: string[];
  /** Refuse cleartext logins until TLS is active (RFC 2595 §2.3); default false on loopback, true beyond. */
  requireTls?: boolean;
  /** Accounts to add, or to replace when the name exists (password, and mailbox with `emlDir`). */
  users?: UserOption[];
  /** Where maildrops live; default in memory, a fresh copy of the seed. Used as given (not seeded). */
  storage?: MailStorage;
  /** Persistent Maildir storage in this folder. */
  maildir?: string;
  /** Simultaneous connections accepted, both ports together; default 4000. */
  maxConnections?: number;
  /** Faults for every account (see {@link Sandbox.setFaults}); default none. */
  faults?: FaultSpec;
  /** Session-log entries kept (oldest dropped first); default 100,000. */
  logLimit?: number;
}

/** Options with defaults applied and checked. */
export interface SandboxConfig extends SessionConfig {
  host: string;
  port: number;
  tlsPort: number | false;
  tlsNames: string[];
  maxConnections: number;
}

function checkPort(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new SandboxError('BAD_OPTION', `${name} must be a port number from 0 to 65535, got ${String(value)}`);
  }
  return value;
}

/**
 * Applies defaults and checks every option.
 * @throws SandboxError `BAD_OPTION` naming the option.
 */
export function resolveOptions(options: SandboxOptions): SandboxConfig {
  const host = options.host ?? '127.0.0.1';
  if (host === '') throw new SandboxError('BAD_OPTION', 'host must not be empty');
  const tlsNames = options.tlsNames ?? [];
  for (const name of tlsNames) {
    if (isIP(name) === 0 && !/^(?=.{1,253}$)(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/.test(name)) {
      throw new SandboxError('BAD_OPTION', `TLS name ${JSON.stringify(name)} is neither a DNS name nor an IP address`);
    }
  }
  const port = checkPort('port', options.port ?? 0);
  const tlsPort = options.tlsPort === false ? false : checkPort('tlsPort', options.tlsPort ?? 0);
  return {
    host,
    port,
    tlsPort,
    tlsNames,
    ...resolveSessionConfig(options, !isLoopback(host)),
    maxConnections: checkCount('maxConnections', options.maxConnections ?? MAX_CONNECTIONS, 1),
  };
}
