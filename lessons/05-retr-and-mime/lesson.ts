import type { Facts, LessonDefinition } from '../../src/tutor';
import { isBytes, isRecord, loginLines, maildropInUse, noSuchMessage, notAwaited, notLoggedIn } from '../common';

/** The mailbox this lesson starts from (message-numbers 1 to 5 in this order). */
const MAILBOX = ['welcome', 'dot-lines', 'encoded-subject', 'report-attachment', 'ends-with-dot'];

/** Successful RETRs of one seed message, and how many of them were typed in raw mode. */
function retrievals(f: Facts, name: string): { all: number; raw: number } {
  const size = f.seed(name).size;
  const hits = f.exchanges('RETR').filter((x) => x.reply.status === '+OK' && x.reply.octets === size);
  const typed = f.repl.rawLines;
  const raw = hits.filter((x) => typed.includes(`RETR ${x.command.args[0]}`)).length;
  return { all: hits.length, raw: Math.min(raw, typed.filter((l) => /^RETR /.test(l)).length) };
}

/** A retrieved message as the client returns it (Pop3Message). */
const isMessage = (v: unknown): v is { bytes: Uint8Array; size: number } => isRecord(v) && isBytes(v.bytes) && typeof v.size === 'number';
/** What mailparser's simpleParser resolves to (ParsedMail). */
const isParsed = (v: unknown): v is { subject?: unknown; attachments?: unknown } =>
  isRecord(v) && Object.prototype.toString.call(v.headers) === '[object Map]' && Array.isArray(v.attachments);
const isAttachment = (v: unknown): boolean => isRecord(v) && typeof v.contentType === 'string' && 'filename' in v;

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'RETR, dot-stuffing and MIME',
  summary: 'Downloading whole messages, the dots the server adds and the client removes, and reading MIME with a real parser',
  rfc: ['RFC 1939 §3', 'RFC 1939 §5', 'RFC 1939 §11', 'RFC 2045', 'RFC 2047'],
  start: { mailboxes: { alice: MAILBOX } },
  goals: [
    {
      id: 'raw-dot-lines',
      text: 'In raw mode, log in and `RETR 2`: find the lines the server sent with an extra dot',
      check: (f) => retrievals(f, 'dot-lines').raw > 0,
      hints: [
        'Message 2 has lines that begin with a dot. In a multi-line reply the server doubles that first dot (RFC 1939 §3), so the line holding only `.` can end the reply.',
        '`.raw`, then `USER alice`, `PASS wonderland`, `RETR 2`, and `QUIT` when you have looked.',
      ],
    },
    {
      id: 'client-retr',
      text: 'With the client, log in and retrieve a message: `await pop.retr(1)`',
      check: (f) => f.produced(isMessage) || f.replies('RETR').filter((e) => e.status === '+OK').length > f.repl.rawLines.filter((l) => /^RETR /.test(l)).length,
      hints: [
        'Quit the raw session first: one session holds the maildrop at a time (RFC 1939 §4).',
        '`let pop = await connect(sandbox)`, `await pop.user("alice")`, `await pop.pass("wonderland")`, then `await pop.retr(1)`.',
      ],
    },
    {
      id: 'client-dot-lines',
      text: 'Retrieve message 2 with the client and see its dots as written: `(await pop.retr(2)).text`',
      check: (f) => {
        const { all, raw } = retrievals(f, 'dot-lines');
        return all > raw || f.produced((v) => isMessage(v) && v.size === f.seed('dot-lines').size);
      },
      hints: [
        'The client removes the extra dot again while reading the reply, so what it returns is the message as stored.',
        '`const msg = await pop.retr(2)`, then `msg.text.split("\\r\\n").filter((line) => line.startsWith("."))`.',
      ],
    },
    {
      id: 'decoded-subject',
      text: "Parse message 3 with mailparser's `simpleParser` and read its subject, decoded",
      check: (f) => {
        const subject = f.seed('encoded-subject').subject;
        return f.produced((v) => v === subject || (isParsed(v) && v.subject === subject));
      },
      hints: [
        "The raw Subject of message 3 is in RFC 2047 encoded-words, `=?UTF-8?B?...?=`. A MIME parser decodes them: `import { simpleParser } from 'mailparser'`.",
        '`const parsed = await simpleParser((await pop.retr(3)).bytes)`, then `parsed.subject`.',
      ],
    },
    {
      id: 'attachment',
      text: 'Parse message 4 and list its attachment: file name, content type, size',
      check: (f) => f.produced((v) => isAttachment(v) || (Array.isArray(v) && v.some(isAttachment)) || (isParsed(v) && Array.isArray(v.attachments) && v.attachments.length > 0)),
      hints: [
        '`simpleParser` collects the attachments of a multipart message in `attachments`, already decoded from base64.',
        '`const report = await simpleParser((await pop.retr(4)).bytes)`, then `report.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size }))`.',
      ],
    },
  ],
  mistakes: [
    notLoggedIn(
      ['RETR'],
      'RETR works only after login, in the TRANSACTION state (RFC 1939 §5): `USER alice` and `PASS wonderland` first.',
      ['const pop = await connect(sandbox)', 'await pop.retr(1)'],
    ),
    noSuchMessage(
      ['RETR'],
      'There is no message with that number. In this lesson the maildrop holds 5 messages, numbered 1 to 5; `LIST` shows them.',
      [...loginLines(), 'await pop.retr(9)'],
    ),
    {
      id: 'encoded-word-by-hand',
      when: (f) => f.produced((v) => typeof v === 'string' && /=\?utf-8\?[bq]\?/i.test(v)),
      hint: 'That `=?UTF-8?B?...?=` is an RFC 2047 encoded-word: base64 (B) or quoted-printable (Q) text in a named charset, split over folded lines. Let a MIME parser decode it: `simpleParser` from `mailparser`.',
      example: [...loginLines(), 'const booking = await pop.retr(3)', 'booking.text.match(/^Subject:.*$/m)![0]'],
    },
    notAwaited('parser-not-awaited', '`simpleParser` returns a promise: put `await` in front of it to get the parsed message.', [
      "import { simpleParser } from 'mailparser'",
      ...loginLines(),
      'const booking = await pop.retr(3)',
      'simpleParser(booking.bytes)',
    ]),
    maildropInUse(
      'Another session still holds the maildrop (RFC 1939 §4), perhaps your raw one: `QUIT` it, or `await pop.quit()`, then log in again. `.reset` closes every session.',
    ),
  ],
  solution: [
    '.raw',
    'USER alice',
    'PASS wonderland',
    'RETR 2',
    'QUIT',
    'let pop = await connect(sandbox)',
    "await pop.user('alice')",
    "await pop.pass('wonderland')",
    'await pop.retr(1)',
    'const msg = await pop.retr(2)',
    "msg.text.split('\\r\\n').filter((line) => line.startsWith('.'))",
    "import { simpleParser } from 'mailparser'",
    'const parsed = await simpleParser((await pop.retr(3)).bytes)',
    'parsed.subject',
    'const report = await simpleParser((await pop.retr(4)).bytes)',
    'report.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size }))',
    'await pop.quit()',
  ],
};

export default lesson;
