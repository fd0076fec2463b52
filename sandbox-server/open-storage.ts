import type { AccountRegistry } from './accounts';
import { SandboxError } from './errors';
import { createMemoryStorage } from './memory-storage';
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
 * - `maildir` given: persistent Maildir storage in that folder;
 * - otherwise: in memory, every account seeded afresh (the first seeding's unique-ids are the
 *   same on every start, see deriveUid).
 * @throws SandboxError `MAILDIR_UNAVAILABLE` while Maildir storage is not part of this build.
 */
export async function openStorage(options: SandboxOptions, accounts: AccountRegistry): Promise<OpenedStorage> {
  if (options.storage) return { storage: options.storage, owned: false };
  if (options.maildir !== undefined) {
    throw new SandboxError('MAILDIR_UNAVAILABLE', 'Maildir storage (--maildir) is not available in this build yet');
  }
  const storage = createMemoryStorage();
  for (const account of accounts.list()) await storage.replace(account.name, account.seed);
  return { storage, owned: true };
}
