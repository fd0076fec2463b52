import fc from 'fast-check';
import { KEYWORDS } from '../../src/protocol';
import { RawPop3, showBytes } from '../helpers/raw-pop3';

/**
 * Fuzz sessions against a running sandbox: command streams made of every keyword with random
 * arguments, valid logins (so TRANSACTION commands run too), random bytes and mutated lines,
 * sent with random splits, pipelined or one at a time, over raw sockets.
 *
 * The oracle is the RFC, read independently of the server's code: every line gets exactly one
 * reply (RFC 1939 §3 and §5), a status line of at most 512 octets starting with +OK,
 * -ERR or a SASL "+" (RFC 1939 §3, RFC 5034 §4), a dot-terminated body after +OK to RETR, TOP,
 * CAPA and argument-less LIST and UIDL, and the connection ends only after a reply that says so.
 */

/** An account the fuzzer may log in to. */
export interface FuzzAccount {
  name: string;
  password: string;
}

/** One connection's worth of input. */
export interface FuzzScript {
  /** Command lines, each with its line end (CRLF, or a bare LF now and then). */
  lines: Buffer[];
  /** Where the concatenated bytes are cut into separate writes (offsets, ascending). */
  cuts: number[];
  /** Pipelined: everything written at once; lockstep: each line after the previous reply. */
  mode: 'pipelined' | 'lockstep';
  /** After the lines: QUIT, half-close (the server answers all, then closes) or abort. */
  ending: 'quit' | 'half-close' | 'abort';
}

/** What one fuzz session saw. */
export interface FuzzOutcome {
  linesSent: number;
  /** Replies read (status lines, SASL continuations included). */
  replies: number;
  /** Lines the server was expected to answer. */
  expected: number;
  /** Violations of the oracle; empty when the session behaved. */
  problems: string[];
}

/** Octets a status line may take before the reader gives up on it (the limit is 512, RFC 1939 §3; beyond is another problem). */
const MAX_STATUS_READ = 8192;

const CRLF = Buffer.from('\r\n');
const LF = Buffer.from('\n');

/** Keywords the table knows plus near misses learners and old clients send. */
const WORDS = [...KEYWORDS, 'STARTTLS', 'XTND', 'HELO', 'EHLO', 'LOGIN', 'GET', 'QUI', 'RETRX', ':', '', '.', '*'];

const mangleCase = (word: string): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constant(word), weight: 6 },
    fc.constant(word.toLowerCase()),
    fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((ups) =>
      [...word].map((c, i) => (ups[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
    ),
  );

const numberArg = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 16 }).map(String), weight: 8 },
  fc.integer({ min: -3, max: 40 }).map(String),
  fc.constantFrom('0', '00', '01', '+1', '-0', '1e3', '0x1', '1.5', '4294967296', '18446744073709551617', '9'.repeat(40), '٣'),
);

const wordArg = fc.oneof(
  fc.constantFrom('alice', 'wonderland', 'bob', 'PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'plain', '*', '=', 'AGFsaWNlAHdvbmRlcmxhbmQ=', '<1@x>'),
  fc.string({ maxLength: 20, unit: 'binary-ascii' }),
  fc.string({ maxLength: 12, unit: 'grapheme' }),
  fc.base64String({ maxLength: 40 }),
  fc.integer({ min: 200, max: 400 }).map((n) => 'x'.repeat(n)),
);

const argument = fc.oneof({ arbitrary: numberArg, weight: 3 }, { arbitrary: wordArg, weight: 2 });

const separator = fc.oneof({ arbitrary: fc.constant(' '), weight: 10 }, fc.constantFrom('  ', '\t', ' \t'));

/** A keyword (any case) with 0-3 random arguments. */
const keywordLine: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...WORDS).chain(mangleCase), fc.array(fc.tuple(separator, argument), { maxLength: 3 }), fc.boolean())
  .map(([word, args, trailingSpace]) => word + args.map(([sep, arg]) => sep + arg).join('') + (trailingSpace && args.length > 0 ? ' ' : ''));

/** Well-formed commands with plausible arguments: they reach deep into each handler. */
const validLine: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('STAT', 'LIST', 'UIDL', 'NOOP', 'RSET', 'CAPA', 'LAST', 'UTF8', 'AUTH', 'STLS'),
  numberArg.map((n) => `LIST ${n}`),
  numberArg.map((n) => `UIDL ${n}`),
  numberArg.map((n) => `RETR ${n}`),
  numberArg.map((n) => `DELE ${n}`),
  fc.tuple(numberArg, fc.oneof(fc.integer({ min: 0, max: 30 }).map(String), numberArg)).map(([n, k]) => `TOP ${n} ${k}`),
  fc.constantFrom('AUTH PLAIN', 'AUTH LOGIN', 'AUTH CRAM-MD5', 'AUTH XOAUTH2', 'AUTH PLAIN =', 'AUTH PLAIN !!!notbase64', 'AUTH DIGEST-MD5', 'APOP alice 0123456789abcdef0123456789abcdef', 'RPOP alice'),
);

/** Random bytes without line ends (a line end would make it two lines). */
const randomBytesLine = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes.map((b) => (b === 0x0a || b === 0x0d ? 0x20 : b))));

/** A line with a few bytes flipped, inserted or deleted. */
function mutated(line: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  const edit = fc.tuple(fc.constantFrom('flip', 'insert', 'delete', 'repeat'), fc.nat(), fc.integer({ min: 0, max: 255 }));
  return fc.tuple(line, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
    let bytes = [...Buffer.from(text, 'utf8')];
    for (const [kind, at, value] of edits) {
      const byte = value === 0x0a || value === 0x0d ? 0x00 : value;
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (kind === 'flip' && bytes.length > 0) bytes[i] = byte;
      else if (kind === 'insert') bytes.splice(i, 0, byte);
      else if (kind === 'delete') bytes.splice(i, 1);
      else if (kind === 'repeat') bytes = bytes.concat(bytes.slice(i, i + 40));
    }
    return Buffer.from(bytes);
  });
}

/** Inputs that crashed real POP3 servers (Dovecot 2.3.18 and 2.3.19.1 release notes, cyrusimap/cyrus-imapd#1513, CVE-2025-59028). */
const crashLine = fc.constantFrom(
  '', ':', '\0', ' ', '  ', 'TOP', 'TOP 1', 'TOP 1 -1', 'TOP -1 1', 'RETR', 'AUTH', 'AUTH PLAIN', 'AUTH PLAIN ====',
  'AUTH PLAIN AA==', 'AUTH LOGIN =', 'AUTH XOAUTH2 dXNlcj0BYXV0aD0BAQ==', 'USER', 'PASS', 'USER \0', 'PASS \0', 'APOP', 'APOP alice',
  'LIST 1 2', 'UIDL 0', 'DELE 0', 'CAPA x', 'QUIT now', 'STLS x', 'UTF8 x', 'X'.repeat(254), 'X'.repeat(255), 'X'.repeat(256),
  `AUTH PLAIN ${'A'.repeat(8000)}`, `AUTH PLAIN ${'A'.repeat(9000)}`, 'x'.repeat(70_000),
);

function loginLines(account: FuzzAccount): fc.Arbitrary<string[]> {
  const plain = Buffer.from(`\0${account.name}\0${account.password}`).toString('base64');
  return fc.constantFrom(
    [`USER ${account.name}`, `PASS ${account.password}`],
    [`user ${account.name}`, `pass ${account.password}`],
    [`AUTH PLAIN ${plain}`],
    ['AUTH PLAIN', plain],
    ['AUTH LOGIN', Buffer.from(account.name).toString('base64'), Buffer.from(account.password).toString('base64')],
    [`USER ${account.name}`, 'PASS wrong password'],
  );
}

/** One step of a script: a single line, or a short sequence such as a login. */
function step(accounts: readonly FuzzAccount[]): fc.Arbitrary<Buffer[]> {
  const text = (arb: fc.Arbitrary<string>) => arb.map((line) => [Buffer.from(line, 'utf8')]);
  return fc.oneof(
    { arbitrary: text(keywordLine), weight: 8 },
    { arbitrary: text(validLine), weight: 8 },
    { arbitrary: fc.constantFrom(...accounts).chain(loginLines).map((lines) => lines.map((l) => Buffer.from(l))), weight: 2 },
    { arbitrary: randomBytesLine.map((b) => [b]), weight: 2 },
    { arbitrary: mutated(fc.oneof(keywordLine, validLine)).map((b) => [b]), weight: 3 },
    { arbitrary: text(crashLine), weight: 1 },
  );
}

/** Scripts for one connection: usually a login first, then a mix of every kind of line. */
export function fuzzScript(accounts: readonly FuzzAccount[], maxSteps = 30): fc.Arbitrary<FuzzScript> {
  return fc
    .record({
      login: fc.option(fc.constantFrom(...accounts).chain(loginLines), { freq: 4 }),
      steps: fc.array(step(accounts), { minLength: 1, maxLength: maxSteps }),
      bareLf: fc.array(fc.boolean(), { maxLength: maxSteps * 3 }),
      cutSeeds: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      mode: fc.constantFrom<FuzzScript['mode']>('pipelined', 'pipelined', 'lockstep'),
      ending: fc.constantFrom<FuzzScript['ending']>('quit', 'quit', 'half-close', 'abort'),
    })
    .map(({ login, steps, bareLf, cutSeeds, mode, ending }) => {
      // A CR or LF inside a line would make it two lines: those come only as line ends.
      const bodies = [...(login ?? []).map((l) => Buffer.from(l)), ...steps.flat()].map((body) =>
        Buffer.from(body.map((byte) => (byte === 0x0a || byte === 0x0d ? 0x20 : byte))),
      );
      const lines = bodies.map((body, i) => Buffer.concat([body, bareLf[i] ? LF : CRLF]));
      const total = lines.reduce((sum, line) => sum + line.length, 0);
      const cuts = [...new Set(cutSeeds.map((s) => Math.floor(s * total)))].filter((c) => c > 0 && c < total).sort((a, b) => a - b);
      return { lines, cuts, mode, ending };
    });
}

/** Counts one script's worth of commands, for figures. */
export function linesOf(script: FuzzScript): number {
  return script.lines.length + (script.ending === 'quit' ? 1 : 0);
}

const MULTILINE = new Set(['RETR', 'TOP', 'CAPA']);
const MULTILINE_WITHOUT_ARG = new Set(['LIST', 'UIDL']);

/** Keyword (ASCII upper case) and arguments, split on spaces as RFC 1939 §3 describes. */
function parseLine(line: Buffer): { keyword: string; args: string[] } {
  const words = line.toString('latin1').replace(/\r?\n$/, '').split(' ');
  const keyword = (words[0] ?? '').replace(/[a-z]/g, (c) => c.toUpperCase());
  return { keyword, args: words.slice(1).filter((w) => w !== '') };
}

/** True when a +OK to this line carries a body (RFC 1939 §5, §7; RFC 2449 §5). */
function hasBody(line: Buffer): boolean {
  const { keyword, args } = parseLine(line);
  return MULTILINE.has(keyword) || (MULTILINE_WITHOUT_ARG.has(keyword) && args.length === 0);
}

/** A reply after which the server closes: +OK to QUIT (RFC 1939 §6), or one that says so. */
function closes(status: string, line: Buffer, saslResponse: boolean): boolean {
  const quit = !saslResponse && parseLine(line).keyword === 'QUIT';
  return (quit && status.startsWith('+OK')) || /closing the connection/i.test(status);
}

/**
 * Runs one script on a new connection and checks every reply against the oracle.
 * Never throws for server misbehaviour: problems are returned.
 */
export async function runFuzzScript(port: number, script: FuzzScript, host = '127.0.0.1', timeoutMs = 10_000): Promise<FuzzOutcome> {
  const lines = script.ending === 'quit' ? [...script.lines, Buffer.from('QUIT\r\n')] : script.lines;
  const outcome: FuzzOutcome = { linesSent: 0, replies: 0, expected: 0, problems: [] };
  let reader: RawPop3 | undefined;
  try {
    reader = await RawPop3.connect(port, host, { timeoutMs });
    const socket = reader.socket;
    socket.setNoDelay(true);
    const greeting = await reader.readLine(timeoutMs, MAX_STATUS_READ);
    if (!greeting.startsWith('+OK')) outcome.problems.push(`greeting is not +OK: ${JSON.stringify(greeting)}`);

    const stream = Buffer.concat(lines);
    const writeAll = async (): Promise<void> => {
      let from = 0;
      for (const cut of [...script.cuts, stream.length]) {
        if (socket.destroyed) return;
        socket.write(stream.subarray(from, cut));
        from = cut;
        // Let the bytes leave as their own segment now and then.
        await new Promise((resolve) => setImmediate(resolve));
      }
      outcome.linesSent = lines.length;
      if (script.ending === 'half-close' && !socket.destroyed) socket.end();
    };
    if (script.mode === 'pipelined') void writeAll();

    let sasl = false;
    let ended = false;
    for (const [i, line] of lines.entries()) {
      if (script.mode === 'lockstep') {
        if (socket.destroyed) break;
        socket.write(line);
        outcome.linesSent = i + 1;
        if (i === lines.length - 1 && script.ending === 'half-close') socket.end();
      }
      if (script.ending === 'abort' && i === lines.length - 1) break;
      outcome.expected += 1;
      let status: string;
      try {
        status = await reader.readLine(timeoutMs, MAX_STATUS_READ);
      } catch (error) {
        outcome.problems.push(`no reply to line ${i + 1} ${preview(line)}: ${(error as Error).message}`);
        ended = true;
        break;
      }
      outcome.replies += 1;
      if (status.length + 2 > 512) outcome.problems.push(`status line of ${status.length + 2} octets (limit 512) to ${preview(line)}`);
      if (/^\+ ?/.test(status) && !status.startsWith('+OK')) {
        sasl = true; // RFC 5034 §4: a continuation; the next line is the client's response
        continue;
      }
      if (!/^(\+OK|-ERR)( |$)/.test(status)) {
        outcome.problems.push(`reply to ${preview(line)} is neither +OK nor -ERR: ${JSON.stringify(status.slice(0, 120))}`);
        ended = true;
        break;
      }
      const wasSasl = sasl;
      sasl = false;
      if (status.startsWith('+OK') && !wasSasl && hasBody(line)) {
        try {
          await reader.readBody();
        } catch (error) {
          outcome.problems.push(`body of the reply to ${preview(line)}: ${(error as Error).message}`);
          ended = true;
          break;
        }
      }
      if (status.startsWith('+OK') && !wasSasl && parseLine(line).keyword === 'STLS') {
        // RFC 2595 §4: TLS starts now; the plaintext lines after it were discarded by design.
        ended = true;
        break;
      }
      if (closes(status, line, wasSasl)) {
        const extra = await reader.waitClosed();
        if (extra.length > 0) outcome.problems.push(`${extra.length} octets after the closing reply to ${preview(line)}: an extra reply?`);
        ended = true;
        break;
      }
    }
    if (!ended && script.ending === 'half-close') {
      // The server answers everything, then closes; anything more is a reply too many.
      const extra = await reader.waitClosed();
      if (extra.length > 0) outcome.problems.push(`${extra.length} octets after the last reply: an extra reply? ${showBytes(extra, 80)}`);
    }
  } catch (error) {
    outcome.problems.push(`session failed: ${(error as Error).message}`);
  } finally {
    reader?.destroy();
  }
  return outcome;
}

function preview(line: Buffer): string {
  const text = JSON.stringify(line.subarray(0, 60).toString('latin1'));
  return line.length > 60 ? `${text}... (${line.length} octets)` : text;
}
