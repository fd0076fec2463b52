/**
 * The sandbox without Node, for a docs page that runs it in a Web Worker: memory storage, the
 * pure crypto port, no TLS (STLS is not offered), and seed mail given as data instead of read
 * from a folder. Sessions run on any transport: a `MessagePort` to the page's client, or an
 * in-memory pair. Bundles for the browser with the npm `buffer` package as the one polyfill.
 */
import { pureCrypto } from '../src/ports/pure-crypto';
import type { FaultSpec } from '../src/protocol';
import type { AccountOption } from './accounts';
import { AccountRegistry } from './accounts';
import { createSeededMemoryStorage } from './memory-storage';
import type { SandboxCore } from './sandbox-core';
import { createSandboxCore } from './sandbox-core';
import { buildSeed, parseSeedManifest } from './seed';
import type { SessionConfigOptions } from './session-config';
import { resolveSessionConfig } from './session-config';

export { createMemoryPair } from '../src/ports/memory-transport';
export { messagePortTransport } from '../src/ports/message-port-transport';
export type { AcceptedSession, SandboxCore } from './sandbox-core';
export type { AccountOption } from './accounts';

/** The seed's files as data: `manifest.json`'s text, and each message file's bytes by the name the manifest gives it. */
export interface SeedData {
  manifest: string;
  files: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
}

/** Options of {@link createBrowserSandbox}. */
export interface BrowserSandboxOptions extends SessionConfigOptions {
  /** The seed mail (sandbox-server/seed/ as data). */
  seed: SeedData;
  /** Accounts to add, or to replace when the name exists. */
  users?: readonly AccountOption[];
  /** Faults for every account from the start. */
  faults?: FaultSpec;
  /** Session-log entries kept (oldest dropped first); default 100,000. */
  logLimit?: number;
}

/**
 * Creates a sandbox that runs wherever JavaScript does. Its transports are in the page, so
 * cleartext logins are allowed unless `requireTls` says otherwise (RFC 2595 §2.3).
 * @throws SandboxError `SEED_INVALID` for a broken seed, `BAD_OPTION` for a bad option.
 */
export async function createBrowserSandbox(options: BrowserSandboxOptions): Promise<SandboxCore> {
  const config = resolveSessionConfig(options, false);
  const { manifest, files } = options.seed;
  const seed = buildSeed(parseSeedManifest(manifest, 'the seed given'), files instanceof Map ? files : new Map(Object.entries(files)));
  const accounts = AccountRegistry.build(seed, options.users ?? []);
  const storage = await createSeededMemoryStorage(accounts, pureCrypto);
  return createSandboxCore({
    config,
    accounts,
    storage,
    ownsStorage: true,
    crypto: pureCrypto,
    faults: options.faults,
    logLimit: options.logLimit,
  });
}
