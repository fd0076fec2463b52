import type { CryptoPort } from '../src/protocol';
import { toCanonicalCrlf } from '../src/protocol';
import { pureCrypto } from '../src/ports/pure-crypto';
import type { AccountRegistry } from './accounts';
import type { MailStorage, NewMessage, ReleaseLock, StoredMessage } from './storage';
import { contentDigest, deriveUid } from './uid';

interface MemoryMaildrop {
  messages: StoredMessage[];
  /** Resets so far; part of every unique-id so a reset never reissues one. */
  generation: number;
  /** Messages stored in this generation. */
  sequence: number;
  /** The current lock holder's token; a stale release cannot free a newer lock. */
  lock: symbol | undefined;
}

/**
 * Canonical bytes and content digest per stored Buffer: seed messages are the same Buffers in
 * every sandbox of a process, so each is canonicalised and hashed once.
 */
const prepared = new WeakMap<Buffer, { canonical: Buffer; digest: Uint8Array }>();

function prepare(crypto: CryptoPort, raw: Buffer): { canonical: Buffer; digest: Uint8Array } {
  let found = prepared.get(raw);
  if (!found) {
    const canonical = toCanonicalCrlf(raw);
    found = { canonical, digest: contentDigest(crypto, canonical) };
    prepared.set(raw, found);
  }
  return found;
}

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /** Hashes for the unique-ids; default the pure implementation (every port gives the same ids). */
  crypto?: CryptoPort;
}

/**
 * Storage that lives and dies with the process: each sandbox start is a fresh copy of the seed.
 * Unique-ids come from {@link deriveUid}: the same for every fresh start, new after a reset.
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): MailStorage {
  const crypto = options.crypto ?? pureCrypto;
  const maildrops = new Map<string, MemoryMaildrop>();

  const maildrop = (account: string): MemoryMaildrop => {
    let found = maildrops.get(account);
    if (!found) {
      found = { messages: [], generation: 0, sequence: 0, lock: undefined };
      maildrops.set(account, found);
    }
    return found;
  };

  const store = (account: string, drop: MemoryMaildrop, message: NewMessage): StoredMessage => {
    const { canonical: bytes, digest } = prepare(crypto, message.bytes);
    const uid = deriveUid(crypto, account, drop.generation, drop.sequence++, digest);
    const stored: StoredMessage = { uid, size: bytes.length, read: () => Promise.resolve(bytes) };
    if (message.seedName !== undefined) stored.seedName = message.seedName;
    return stored;
  };

  return {
    list(account) {
      return Promise.resolve([...(maildrops.get(account)?.messages ?? [])]);
    },
    remove(account, uids) {
      const drop = maildrops.get(account);
      if (drop) {
        const gone = new Set(uids);
        drop.messages = drop.messages.filter((m) => !gone.has(m.uid));
      }
      return Promise.resolve();
    },
    replace(account, messages) {
      const drop = maildrop(account);
      // A fresh maildrop keeps generation 0, so the first seeding is reproducible.
      if (drop.sequence > 0) {
        drop.generation += 1;
        drop.sequence = 0;
      }
      drop.messages = messages.map((m) => store(account, drop, m));
      return Promise.resolve();
    },
    append(account, messages) {
      const drop = maildrop(account);
      drop.messages.push(...messages.map((m) => store(account, drop, m)));
      return Promise.resolve();
    },
    lock(account) {
      const drop = maildrop(account);
      if (drop.lock) return Promise.resolve<ReleaseLock | undefined>(undefined);
      const token = Symbol(account);
      drop.lock = token;
      const release: ReleaseLock = () => {
        if (drop.lock === token) drop.lock = undefined;
        return Promise.resolve();
      };
      return Promise.resolve(release);
    },
    close() {
      for (const drop of maildrops.values()) drop.lock = undefined;
      return Promise.resolve();
    },
  };
}

/**
 * Memory storage holding every account's seed mail. The first seeding's unique-ids are the same
 * on every start, wherever the sandbox runs (see deriveUid).
 */
export async function createSeededMemoryStorage(accounts: AccountRegistry, crypto: CryptoPort): Promise<MailStorage> {
  const storage = createMemoryStorage({ crypto });
  for (const account of accounts.list()) await storage.replace(account.name, account.seed);
  return storage;
}
