import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** An account to create: its password (stored in the clear, `{PLAIN}`) and its messages in order. */
export interface DovecotUser {
  name: string;
  password: string;
  /** Raw messages, stored byte for byte; message-number n is `messages[n - 1]`. */
  messages?: readonly Buffer[];
}

/** Who owns the mail files, and so which uid/gid the pop3 processes run as. */
export interface MailOwner {
  uid: number;
  gid: number;
}

// passwd-file fields are colon-separated, one account per line.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;
const UNSAFE_PASSWORD = /[:\r\n\0]/;

/** The home directory of `user` under the harness' temporary directory. */
export function homeOf(root: string, user: string): string {
  return path.join(root, 'home', user);
}

/** The Maildir (`cur/`, `new/`, `tmp/`) of `user`. */
export function maildirOf(root: string, user: string): string {
  return path.join(homeOf(root, user), 'Maildir');
}

/**
 * Writes one Maildir per user, seeded with its messages in `new/`, owned by `owner`, and
 * returns the passwd-file text that serves as both passdb and userdb.
 *
 * Dovecot numbers new Maildir files by the timestamp at the start of their names, so each
 * message gets a strictly larger one: message-number n is messages[n - 1].
 */
export async function writeMailAccounts(root: string, users: readonly DovecotUser[], owner: MailOwner): Promise<string> {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const user of users) {
    if (!SAFE_NAME.test(user.name)) throw new Error(`unsupported user name for the Dovecot harness: ${JSON.stringify(user.name)}`);
    if (UNSAFE_PASSWORD.test(user.password)) throw new Error(`the password of ${user.name} contains ':', CR, LF or NUL`);
    if (seen.has(user.name)) throw new Error(`user ${user.name} is listed twice`);
    seen.add(user.name);

    const home = homeOf(root, user.name);
    await fs.mkdir(path.join(root, 'home'), { recursive: true, mode: 0o755 });
    const maildir = maildirOf(root, user.name);
    for (const sub of ['cur', 'new', 'tmp']) await fs.mkdir(path.join(maildir, sub), { recursive: true, mode: 0o700 });
    const messages = user.messages ?? [];
    for (const [index, bytes] of messages.entries()) {
      const file = path.join(maildir, 'new', `${1_000_000_000 + index}.M${index}P${process.pid}.pop3-playground`);
      await fs.writeFile(file, bytes, { mode: 0o600 });
    }
    await chownTree(home, owner);
    // name:password:uid:gid:(gecos):home:(shell):extra
    lines.push(`${user.name}:{PLAIN}${user.password}:${owner.uid}:${owner.gid}::${home}::`);
  }
  if (process.getuid?.() === 0) await fs.chown(path.join(root, 'home'), owner.uid, owner.gid);
  return lines.join('\n') + '\n';
}

async function chownTree(dir: string, owner: MailOwner): Promise<void> {
  if (process.getuid?.() !== 0) return; // only root can (and needs to) give files away
  await fs.chown(dir, owner.uid, owner.gid);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, owner);
    else await fs.chown(full, owner.uid, owner.gid);
  }
}
