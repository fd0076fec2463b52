/**
 * The sandbox POP3 server in Node: RFC 1939 with CAPA, STLS, SASL, UTF8 and response codes, a
 * seeded mailbox, a session log for lessons, and injectable faults. It listens on TCP and runs
 * sessions on any other transport with `accept`; `./browser` is the same sandbox without Node.
 */
export { createNodeSandbox, startSandbox } from './sandbox';
export type { NodeSandbox, NodeSandboxOptions, Sandbox } from './sandbox';
export { applyStartState } from './start-state';
export type { SandboxStartState } from './start-state';
export { createCertificateAuthority, issueServerCertificate } from './certificates';
export type { CertificateAuthority, SandboxCertificates } from './certificates';
export type { AcceptedSession, SandboxCore } from './sandbox-core';
export type { SandboxOptions } from './options';
export { isLoopback } from '../src/protocol/address';
export { SessionLog, DEFAULT_LOG_LIMIT } from './session-log';
export { SandboxError } from './errors';
export type { AccountOption, UserOption } from './accounts';
export type { MailStorage, NewMessage, StoredMessage, ReleaseLock } from './storage';
export { createMemoryStorage } from './memory-storage';
export type { MemoryStorageOptions } from './memory-storage';
export { contentDigest, deriveUid, isValidUid } from './uid';
export { loadSeed, loadEmlDir, SEED_DIR } from './seed-loader';
export type { Seed, SeedAccount, SeedMessage } from './seed';
export { FAULT_LOGIN_DELAY_SECONDS } from './fault-registry';
export { splitMessage, topOfMessage } from './top';
export { apopDigest } from './handlers/authorization';
export { decodeBase64Strict } from './sasl';
