import type { SecureContext, SecureContextOptions } from 'node:tls';
import type { AccountRegistry } from './accounts';
import type { FaultRegistry } from './fault-registry';
import type { SandboxConfig } from './options';
import type { SessionLog } from './session-log';
import type { MailStorage } from './storage';

/** What every session of one sandbox shares. */
export interface ServerContext {
  readonly config: SandboxConfig;
  readonly accounts: AccountRegistry;
  readonly storage: MailStorage;
  readonly faults: FaultRegistry;
  readonly log: SessionLog;
  /** Key, certificate and protocol floor (TLS 1.2, RFC 8997), for the implicit-TLS listener. */
  readonly tlsOptions: SecureContextOptions;
  /** The same settings as a context, for STLS. */
  readonly secureContext: SecureContext;
  /** When each account last logged in, for LOGIN-DELAY (RFC 2449 §6.5). */
  readonly lastLogin: Map<string, number>;
  /** The host part of APOP and CRAM-MD5 timestamps (RFC 1939 §7: `<process-ID.clock@hostname>`). */
  readonly timestampHost: string;
  /** Unexpected handler failures; each was answered with -ERR and survived. */
  readonly internalErrors: Error[];
  /** A new session id: `s1`, `s2`, ... */
  nextSessionId(): string;
}
