import type { CryptoPort } from '../../src/protocol';
import { toHex, utf8Bytes } from '../../src/protocol';
import { pureCrypto } from '../../src/ports/pure-crypto';
import { isUtf8 } from '../display';
import { err, ok } from '../reply';
import { cleartextAllowed, cleartextRefused, completeLogin } from './login';
import type { Handler } from './types';

/** Decodes a name argument: UTF-8 when it is valid UTF-8 (RFC 6856 §2.2), else as received. */
export function decodeName(latin1: string): string {
  const bytes = Buffer.from(latin1, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : latin1;
}

/** Compares a received password (latin1 string of the received octets) with the account's, in constant time. */
function passwordMatches(crypto: CryptoPort, received: string, password: string): boolean {
  return crypto.timingSafeEqual(Buffer.from(received, 'latin1'), utf8Bytes(password));
}

/** RFC 1939 §7 USER: names the maildrop. +OK for every name, so names cannot be probed (§13). */
export const user: Handler = (command, session) => {
  if (!cleartextAllowed(session)) return cleartextRefused('USER/PASS login');
  const name = decodeName(command.args[0]!);
  session.user = name;
  session.pendingUser = name;
  return ok('now send PASS with the password');
};

/** RFC 1939 §7 PASS: valid only right after a successful USER; the rest of the line is the password. */
export const pass: Handler = (command, session) => {
  const name = session.pendingUser;
  session.pendingUser = undefined;
  if (!cleartextAllowed(session)) return cleartextRefused('USER/PASS login');
  if (name === undefined) {
    return err('PASS must come right after a successful USER command (RFC 1939 section 7); send USER first', { bad: true });
  }
  const password = command.args[0]!;
  return completeLogin(session, name, (account) => passwordMatches(session.server.crypto, password, account.password), 'invalid user name or password');
};

/** RFC 1939 §7: the APOP digest, MD5 of the greeting timestamp followed by the shared secret, in lower-case hex. */
export function apopDigest(timestamp: string, secret: string, crypto: CryptoPort = pureCrypto): string {
  return toHex(crypto.md5(utf8Bytes(timestamp + secret)));
}

/** RFC 1939 §7 APOP: name and MD5(timestamp + secret) as 32 hex digits. */
export const apop: Handler = (command, session) => {
  const [nameArg, digest] = command.args as [string, string];
  if (!/^[0-9a-fA-F]{32}$/.test(digest)) {
    return err('the APOP digest must be 32 hex digits: MD5 of the greeting timestamp followed by the password (RFC 1939 section 7)', {
      code: 'AUTH',
      bad: true,
    });
  }
  return completeLogin(
    session,
    decodeName(nameArg),
    (account) => {
      const { crypto } = session.server;
      return crypto.timingSafeEqual(utf8Bytes(apopDigest(session.timestamp, account.password, crypto)), utf8Bytes(digest.toLowerCase()));
    },
    'authentication failed: unknown name or wrong APOP digest',
  );
};

/**
 * RFC 1939 §6 QUIT. In AUTHORIZATION: sign off. In TRANSACTION: enter UPDATE, remove the messages
 * marked as deleted, and answer only once storage confirmed the removal (RFC 1939 §6: the reply
 * reports "the status of this operation").
 */
export const quit: Handler = async (_command, session) => {
  const { maildrop } = session;
  if (session.state !== 'TRANSACTION' || !maildrop) {
    return ok('POP3 sandbox signing off', { after: 'close', closeReason: 'QUIT' });
  }
  session.state = 'UPDATE';
  const uids = maildrop.deletedUids();
  const owner = session.user!;
  try {
    await session.server.storage.remove(owner, uids);
  } catch (error) {
    session.logEvent('UPDATE', `UPDATE failed: ${(error as Error).message}`, { uids: [] });
    return err(`some deleted messages not removed: ${(error as Error).message}`, {
      code: 'SYS/TEMP',
      after: 'close',
      closeReason: 'QUIT',
    });
  }
  session.logEvent('UPDATE', `UPDATE removed ${uids.length} message${uids.length === 1 ? '' : 's'}`, { uids });
  // RFC 1939 §6: then the lock is released; before the reply, so a client that logs in again at once finds it free.
  const release = session.releaseLock;
  session.releaseLock = undefined;
  await release?.();
  const { count } = maildrop.stat();
  const left = count === 0 ? 'maildrop empty' : `${count} message${count === 1 ? '' : 's'} left`;
  return ok(`POP3 sandbox signing off (${left})`, { after: 'close', closeReason: 'QUIT' });
};
