import type { CryptoPort } from '../src/protocol';
import type { AccountRegistry } from './accounts';
import { createSeededMemoryStorage } from './memory-storage';
import type { SandboxOptions } from './options';
import type { MailStorage } from './storage';

/** The storage a sandbox uses, and whether the sandbox owns it (closes it on close()). */
export interface OpenedStorage {
  storage: MailStorage;
  owned: boolean;
}

/**
 * The one place that builds the storage:
 * - `storage` given: used as it is (the caller seeded it; resetMailbox works on it);
 * - `maildir` given: persistent Maildir storage in that folder, each account seeded on first use;
 * - otherwise: in memory, every account seeded afresh (see createSeededMemoryStorage).
 */
export async function openStorage(options: SandboxOptions, accounts: AccountRegistry, crypto: CryptoPort): Promise<OpenedStorage> {
  if (options.storage) return { storage: options.storage, owned: false };
  if (options.maildir !== undefined) {
    // Loaded only when asked for: the embedded sandbox keeps mail in memory.
    const { createMaildirStorage } = await import('./maildir/storage');
    const storage = await createMaildirStorage(options.maildir, { seed: (name) => accounts.find(name)?.seed });
    return { storage, owned: true };
  }
  return { storage: await createSeededMemoryStorage(accounts, crypto), owned: true };
}
