import { KEYWORDS, lookupCommand, REDACTED, redactArgs } from '../src/protocol';

/**
 * Hints for unknown commands: what the learner probably meant. Many come from other
 * protocols (IMAP, SMTP) or other clients (curl/curl#11 sent STARTTLS to POP3 servers).
 */
const ALIASES: Readonly<Record<string, string>> = {
  STARTTLS: 'STLS',
  STARTSSL: 'STLS',
  TLS: 'STLS',
  LOGIN: 'USER then PASS (or AUTH LOGIN)',
  USERNAME: 'USER',
  PASSWORD: 'PASS',
  AUTHENTICATE: 'AUTH',
  LOGOUT: 'QUIT',
  EXIT: 'QUIT',
  BYE: 'QUIT',
  CLOSE: 'QUIT',
  DELETE: 'DELE',
  DEL: 'DELE',
  REMOVE: 'DELE',
  RETRIEVE: 'RETR',
  GET: 'RETR',
  FETCH: 'RETR',
  READ: 'RETR',
  HEAD: 'TOP',
  HEADERS: 'TOP',
  CAPABILITY: 'CAPA',
  CAPABILITIES: 'CAPA',
  HELP: 'CAPA',
  UID: 'UIDL',
  UIDS: 'UIDL',
  RESET: 'RSET',
  UNDELETE: 'RSET',
  PING: 'NOOP',
  STATUS: 'STAT',
  HELO: 'CAPA (this is POP3, not SMTP)',
  EHLO: 'CAPA (this is POP3, not SMTP)',
  SELECT: 'STAT (POP3 has a single maildrop and no folders)',
  EXAMINE: 'STAT (POP3 has a single maildrop and no folders)',
};

/** Optimal string alignment distance, capped: enough to catch one typo or one swapped pair. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** What an unknown (upper-case) keyword probably meant, or undefined. */
export function suggestCommand(word: string): string | undefined {
  const alias = ALIASES[word];
  if (alias) return alias;
  if (word.length < 3 || word.length > 6) return undefined;
  const close = KEYWORDS.filter((k) => !lookupCommand(k)?.spec.obsolete && distance(word, k) === 1);
  return close.length > 0 ? close.join(' or ') : undefined;
}

/**
 * Redacts the arguments of an unknown command that looks like a login: `PASSWORD secret`,
 * a mistyped `PASS`, IMAP's `LOGIN name secret`. Logs must not keep a password a typo exposed.
 */
export function redactUnknownArgs(word: string, args: readonly string[]): string[] {
  if (word === 'LOGIN') return args.map((a, i) => (i >= 1 ? REDACTED : a));
  const first = suggestCommand(word)?.split(' ')[0];
  if (!first || !lookupCommand(first)) return [...args];
  // PASS takes the rest of the line, so every word of it may be part of the password.
  if (first === 'PASS') return args.map(() => REDACTED);
  return redactArgs(first, args);
}
