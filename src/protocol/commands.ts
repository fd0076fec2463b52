import type { Pop3State, SessionState } from './states';

/** Every keyword the sandbox knows (RFC 1939, 2449, 2595, 5034, 6856) plus the obsolete RPOP and LAST. */
export type Keyword =
  | 'USER' | 'PASS' | 'APOP' | 'QUIT' | 'STAT' | 'LIST' | 'RETR' | 'DELE' | 'NOOP' | 'RSET'
  | 'TOP' | 'UIDL' | 'CAPA' | 'STLS' | 'AUTH' | 'UTF8' | 'RPOP' | 'LAST';

/**
 * How the server answers a command:
 * - `single`: one status line;
 * - `multi`: on +OK, a dot-terminated body follows;
 * - `multi-if-no-arg`: multi-line without an argument, single with one (LIST, UIDL);
 * - `sasl`: +OK/-ERR, or "+ " continuation lines the client must answer (AUTH).
 */
export type ReplyShape = 'single' | 'multi' | 'multi-if-no-arg' | 'sasl';

/** One row of the command table. */
export interface CommandSpec {
  /** States in which the command is valid; empty for obsolete commands. */
  states: readonly Pop3State[];
  /** Fewest and most arguments. `rest` means the last argument takes the rest of the line. */
  minArgs: number;
  maxArgs: number;
  rest?: boolean;
  reply: ReplyShape;
  /** Where the command is defined. */
  rfc: string;
  /** One line for help texts. */
  summary: string;
  /** Indexes of arguments that are secrets, redacted in logs, traces and errors. */
  secretArgs?: readonly number[];
  /** Set for commands that were removed from the protocol. */
  obsolete?: string;
  /**
   * The state a +OK moves the session to, by the state the command was sent in; a state not
   * listed stays as it is. A -ERR never changes state.
   */
  onOk: Readonly<Partial<Record<Pop3State, SessionState>>>;
  /**
   * True when a client may send it while earlier replies are outstanding, once the server
   * offers PIPELINING (RFC 2449 §6.6). False where what may follow depends on the reply
   * (USER, login, STLS, AUTH, UTF8, QUIT) and for the obsolete RPOP and LAST.
   */
  pipelinable: boolean;
}

const AUTH: readonly Pop3State[] = ['AUTHORIZATION'];
const TRANS: readonly Pop3State[] = ['TRANSACTION'];
const BOTH: readonly Pop3State[] = ['AUTHORIZATION', 'TRANSACTION'];
/** The state stays as it is. */
const UNCHANGED: CommandSpec['onOk'] = {};
/** RFC 1939 §4: a successful login opens the maildrop and enters TRANSACTION. */
const OPENS_MAILDROP: CommandSpec['onOk'] = { AUTHORIZATION: 'TRANSACTION' };
/** RFC 1939 §6: QUIT in TRANSACTION enters UPDATE; in AUTHORIZATION it just ends the session (§4). */
const ENDS_SESSION: CommandSpec['onOk'] = { AUTHORIZATION: 'CLOSED', TRANSACTION: 'UPDATE' };

/** The command table: the hinge between server dispatch, client framing and the REPL's raw mode. */
export const COMMANDS = {
  USER: { states: AUTH, onOk: UNCHANGED, pipelinable: false, minArgs: 1, maxArgs: 1, rest: true, reply: 'single', rfc: 'RFC 1939 §7', summary: 'USER name: name the maildrop, then send PASS' },
  PASS: { states: AUTH, onOk: OPENS_MAILDROP, pipelinable: false, minArgs: 1, maxArgs: 1, rest: true, reply: 'single', rfc: 'RFC 1939 §7', summary: 'PASS secret: the password, right after USER', secretArgs: [0] },
  APOP: { states: AUTH, onOk: OPENS_MAILDROP, pipelinable: false, minArgs: 2, maxArgs: 2, reply: 'single', rfc: 'RFC 1939 §7', summary: 'APOP name digest: log in with MD5(timestamp + secret)', secretArgs: [1] },
  QUIT: { states: BOTH, onOk: ENDS_SESSION, pipelinable: false, minArgs: 0, maxArgs: 0, reply: 'single', rfc: 'RFC 1939 §5, §6', summary: 'QUIT: end the session; in TRANSACTION, deletions happen now (UPDATE)' },
  STAT: { states: TRANS, onOk: UNCHANGED, pipelinable: true, minArgs: 0, maxArgs: 0, reply: 'single', rfc: 'RFC 1939 §5', summary: 'STAT: message count and total size in octets' },
  LIST: { states: TRANS, onOk: UNCHANGED, pipelinable: true, minArgs: 0, maxArgs: 1, reply: 'multi-if-no-arg', rfc: 'RFC 1939 §5', summary: 'LIST [msg]: scan listing (number and size)' },
  RETR: { states: TRANS, onOk: UNCHANGED, pipelinable: true, minArgs: 1, maxArgs: 1, reply: 'multi', rfc: 'RFC 1939 §5', summary: 'RETR msg: the whole message' },
  DELE: { states: TRANS, onOk: UNCHANGED, pipelinable: true, minArgs: 1, maxArgs: 1, reply: 'single', rfc: 'RFC 1939 §5', summary: 'DELE msg: mark for deletion at QUIT' },
  NOOP: { states: TRANS, onOk: UNCHANGED, pipelinable: true, minArgs: 0, maxArgs: 0, reply: 'single', rfc: 'RFC 1939 §5', summary: 'NOOP: do nothing, reply +OK' },
  RSET: { states: TRANS, onOk: UNCHANGED, pipelinable: true, minArgs: 0, maxArgs: 0, reply: 'single', rfc: 'RFC 1939 §5', summary: 'RSET: unmark every message marked for deletion' },
  TOP: { states: TRANS, onOk: UNCHANGED, pipelinable: true, minArgs: 2, maxArgs: 2, reply: 'multi', rfc: 'RFC 1939 §7', summary: 'TOP msg n: headers and the first n body lines' },
  UIDL: { states: TRANS, onOk: UNCHANGED, pipelinable: true, minArgs: 0, maxArgs: 1, reply: 'multi-if-no-arg', rfc: 'RFC 1939 §7', summary: 'UIDL [msg]: unique-id listing' },
  CAPA: { states: BOTH, onOk: UNCHANGED, pipelinable: true, minArgs: 0, maxArgs: 0, reply: 'multi', rfc: 'RFC 2449 §5', summary: 'CAPA: list the server capabilities' },
  STLS: { states: AUTH, onOk: UNCHANGED, pipelinable: false, minArgs: 0, maxArgs: 0, reply: 'single', rfc: 'RFC 2595 §4', summary: 'STLS: start TLS on this connection' },
  AUTH: { states: AUTH, onOk: OPENS_MAILDROP, pipelinable: false, minArgs: 1, maxArgs: 2, reply: 'sasl', rfc: 'RFC 5034 §4', summary: 'AUTH mechanism [initial-response]: SASL login', secretArgs: [1] },
  UTF8: { states: AUTH, onOk: UNCHANGED, pipelinable: false, minArgs: 0, maxArgs: 0, reply: 'single', rfc: 'RFC 6856 §2', summary: 'UTF8: switch to UTF-8 mode' },
  RPOP: { states: [], onOk: OPENS_MAILDROP, pipelinable: false, minArgs: 1, maxArgs: 1, reply: 'single', rfc: 'RFC 1081 §5', summary: 'RPOP user: obsolete, removed by RFC 1460', obsolete: 'RFC 1460 removed RPOP and added APOP: RPOP trusted the client\'s privileged port, which anyone can fake. Use APOP, SASL AUTH or USER/PASS over TLS' },
  LAST: { states: [], onOk: UNCHANGED, pipelinable: false, minArgs: 0, maxArgs: 0, reply: 'single', rfc: 'RFC 1081 §5', summary: 'LAST: obsolete, removed by RFC 1725', obsolete: 'RFC 1725 removed LAST: remember which messages you have seen by their UIDL unique-ids instead' },
} as const satisfies Record<Keyword, CommandSpec>;

/** Every keyword, in table order. */
export const KEYWORDS = Object.keys(COMMANDS) as Keyword[];

/** True when `word` is an (upper-case) keyword of the table. */
export function isKeyword(word: string): word is Keyword {
  return Object.prototype.hasOwnProperty.call(COMMANDS, word);
}

/**
 * Upper-cases ASCII letters only. RFC 1939 §3 keywords are ASCII; Unicode case mapping would
 * turn "PAß" (latin1 0xDF) into "PASS" or "ſtat" into "STAT".
 */
export function toAsciiUpperCase(word: string): string {
  return word.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** Looks up a keyword in any case (RFC 1939 §3: keywords are case-insensitive). */
export function lookupCommand(word: string): { keyword: Keyword; spec: CommandSpec } | undefined {
  return TABLE_ENTRIES.get(toAsciiUpperCase(word));
}

/** The table as a Map, built once: every command on both sides looks its keyword up here. */
const TABLE_ENTRIES: ReadonlyMap<string, { readonly keyword: Keyword; readonly spec: CommandSpec }> = new Map(
  KEYWORDS.map((keyword) => [keyword, Object.freeze({ keyword, spec: COMMANDS[keyword] })]),
);

/**
 * True when a +OK reply to this command carries a dot-terminated body.
 * Unknown keywords are single-line: a server answers them with one -ERR.
 */
export function expectsMultiline(keyword: string, args: readonly string[]): boolean {
  const found = lookupCommand(keyword);
  if (!found) return false;
  switch (found.spec.reply) {
    case 'multi':
      return true;
    case 'multi-if-no-arg':
      return args.length === 0;
    default:
      return false;
  }
}

/** The placeholder shown instead of a secret. */
export const REDACTED = '***';

/**
 * Returns the arguments with secrets replaced by {@link REDACTED}. Words past the last
 * argument of the table continue it (a password with spaces split into words, stray AUTH
 * words), so when that last argument is a secret they are redacted too.
 */
export function redactArgs(keyword: string, args: readonly string[]): string[] {
  const spec = lookupCommand(keyword)?.spec;
  const secret: readonly number[] = spec?.secretArgs ?? [];
  const secretTail = spec !== undefined && secret.includes(spec.maxArgs - 1);
  return args.map((arg, i) => (secret.includes(i) || (secretTail && i >= spec.maxArgs) ? REDACTED : arg));
}
