import { SandboxError } from './errors';
import type { Seed } from './seed';
import type { NewMessage } from './storage';

/** An account to add to the seed's, or to replace one of them with. */
export interface AccountOption {
  name: string;
  password: string;
  /** Its mailbox, replacing the seed mailbox; without it a seed account keeps its own and a new one is empty. */
  messages?: readonly NewMessage[];
}

/** An account given from code or the CLI (`--user NAME:PASSWORD[:EML_DIR]`), in Node. */
export interface UserOption {
  name: string;
  password: string;
  /** A folder of .eml files, stored in file-name order, replacing the seed mailbox. */
  emlDir?: string;
}

/** One account: credentials and the messages its mailbox is reset to. */
export interface Account {
  readonly name: string;
  readonly password: string;
  /** What the mailbox holds after a reset to the seed. */
  readonly seed: readonly NewMessage[];
}

/** Printable ASCII without spaces, so the name fits `APOP name digest` (RFC 1939 §7). */
const NAME = /^[\x21-\x7e]{1,255}$/;

/** Validates one account option. @throws SandboxError `BAD_OPTION`. */
export function checkUserOption(user: Pick<AccountOption, 'name' | 'password'>): void {
  if (!NAME.test(user.name)) {
    throw new SandboxError('BAD_OPTION', `account name ${JSON.stringify(user.name)} must be 1-255 printable ASCII characters without spaces`);
  }
  if (user.password === '' || /[\r\n\0]/.test(user.password) || Buffer.byteLength(user.password) > 255) {
    throw new SandboxError('BAD_OPTION', `the password of ${user.name} must be 1-255 octets without CR, LF or NUL`);
  }
}

/** The sandbox's accounts: the seed's, then those added or replaced by options. */
export class AccountRegistry {
  readonly #accounts = new Map<string, Account>();
  readonly #seed: Seed;

  private constructor(seed: Seed) {
    this.#seed = seed;
  }

  /**
   * Builds the registry: every seed account, then each account option in turn. An option naming
   * an existing account replaces its password, and its mailbox too when `messages` is given; a
   * new name without `messages` gets an empty mailbox.
   * @throws SandboxError `BAD_OPTION` for an invalid name or password.
   */
  static build(seed: Seed, users: readonly AccountOption[] = []): AccountRegistry {
    const registry = new AccountRegistry(seed);
    for (const account of seed.accounts) {
      registry.#accounts.set(account.name, {
        name: account.name,
        password: account.password,
        seed: registry.resolveMessages(account.messages),
      });
    }
    for (const user of users) {
      checkUserOption(user);
      const previous = registry.#accounts.get(user.name);
      const messages = user.messages ?? previous?.seed ?? [];
      registry.#accounts.set(user.name, { name: user.name, password: user.password, seed: messages });
    }
    return registry;
  }

  /** The account with this exact name, or undefined (USER accepts any name, RFC 1939 §13). */
  find(name: string): Account | undefined {
    return this.#accounts.get(name);
  }

  /** The account with this name. @throws SandboxError `UNKNOWN_ACCOUNT`. */
  get(name: string): Account {
    const account = this.#accounts.get(name);
    if (!account) {
      throw new SandboxError('UNKNOWN_ACCOUNT', `no account named ${JSON.stringify(name)}; accounts: ${this.names().join(', ')}`);
    }
    return account;
  }

  /** Every account, seed accounts first. */
  list(): Account[] {
    return [...this.#accounts.values()];
  }

  names(): string[] {
    return [...this.#accounts.keys()];
  }

  /**
   * Turns seed message names and raw messages into messages to store.
   * @throws SandboxError `UNKNOWN_SEED_MESSAGE` for a name the manifest does not define.
   */
  resolveMessages(items: readonly (string | NewMessage)[]): NewMessage[] {
    return items.map((item) => {
      if (typeof item !== 'string') return item;
      const message = this.#seed.messages.get(item);
      if (!message) {
        throw new SandboxError(
          'UNKNOWN_SEED_MESSAGE',
          `no seed message named ${JSON.stringify(item)}; known: ${[...this.#seed.messages.keys()].join(', ')}`,
        );
      }
      return { bytes: message.bytes, seedName: message.name };
    });
  }
}
