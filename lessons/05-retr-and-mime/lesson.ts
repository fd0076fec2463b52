import type { Facts, LessonDefinition } from '../../src/tutor';
import { isBytes, isRecord, loginLines, maildropInUse, noSuchMessage, notLoggedIn, notTypedInRaw, sawResult, verdict } from '../common';

/** The mailbox this lesson starts from (message-numbers 1 to 5 in this order). */
const MAILBOX = ['welcome', 'dot-lines', 'encoded-subject', 'report-attachment', 'ends-with-dot'];

/** The file attached to message 4 (seed `report-attachment`). */
const ATTACHMENT = 'reading-log-2025-01.csv';

/** Successful RETRs of one seed message typed in raw mode (where the reply is printed as it came). */
function rawRetrievals(f: Facts, name: string): number {
  const size = f.seed(name).size;
  const hits = f.exchanges('RETR').filter((x) => x.reply.status === '+OK' && x.reply.octets === size);
  const typed = f.repl.rawLines;
  return Math.min(hits.filter((x) => typed.includes(`RETR ${x.command.args[0]}`)).length, typed.filter((l) => /^RETR /.test(l)).length);
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
      text: 'By hand in raw mode, log in and `RETR 2`: find the lines the server sent with an extra dot',
      check: (f) => (rawRetrievals(f, 'dot-lines') > 0 ? { met: true } : notTypedInRaw(f, 'RETR')),
      hints: [
        'Message 2 has lines that begin with a dot. In a multi-line reply the server doubles that first dot (RFC 1939 §3), so the line holding only `.` can end the reply.',
        '`.raw`, then `USER alice`, `PASS wonderland`, `RETR 2`, and `QUIT` when you have looked.',
      ],
    },
    {
      id: 'client-retr',
      text: 'With the client, log in, retrieve a message and look at it: `await pop.retr(1)`',
      check: (f) => sawResult(f, 'retr', '`pop.retr(n)`'),
      hints: [
        'Quit the raw session first: one session holds the maildrop at a time (RFC 1939 §4).',
        '`let pop = await connect(sandbox)`, `await pop.user("alice")`, `await pop.pass("wonderland")`, then `await pop.retr(1)`.',
      ],
    },
    {
      id: 'client-dot-lines',
      text: 'Retrieve message 2 with the client and see its dots as written: `(await pop.retr(2)).text`',
      check: (f) => sawResult(f, 'retr', 'the retrieval of message 2', (c) => isMessage(c.value) && c.value.size === f.seed('dot-lines').size),
      hints: [
        'The client removes the extra dot again while reading the reply, so what it returns is the message as stored.',
        '`const msg = await pop.retr(2)`, then `msg.text.split("\\r\\n").filter((line) => line.startsWith("."))`.',
      ],
    },
    {
      id: 'decoded-subject',
      text: "Read message 3's subject decoded, e.g. with mailparser's `simpleParser`",
      check: (f) => {
        const subject = f.seed('encoded-subject').subject;
        return verdict(f.sawValue(subject), 'the decoded subject has not been shown yet', f.calls('retr').some((c) => c.ok && isMessage(c.value) && c.value.size === f.seed('encoded-subject').size) ? 'message 3 was retrieved' : undefined);
      },
      hints: [
        "The raw Subject of message 3 is in RFC 2047 encoded-words, `=?UTF-8?B?...?=`. A MIME parser decodes them: `import { simpleParser } from 'mailparser'`.",
        '`const parsed = await simpleParser((await pop.retr(3)).bytes)`, then `parsed.subject`.',
      ],
    },
    {
      id: 'attachment',
      text: 'Parse message 4 and list its attachment: file name, content type, size',
      check: (f) =>
        verdict(
          f.saw((v) => isAttachment(v) || v === ATTACHMENT || (isParsed(v) && Array.isArray(v.attachments) && v.attachments.length > 0)),
          'no attachment of message 4 has been shown yet',
        ),
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
      goal: 'decoded-subject',
      when: (f) => f.saw((v) => typeof v === 'string' && /=\?utf-8\?[bq]\?/i.test(v)),
      hint: 'That `=?UTF-8?B?...?=` is an RFC 2047 encoded-word: base64 (B) or quoted-printable (Q) text in a named charset, split over folded lines. Let a MIME parser decode it: `simpleParser` from `mailparser`.',
      example: [...loginLines(), 'const booking = await pop.retr(3)', 'booking.text.match(/^Subject:.*$/m)![0]'],
    },
    maildropInUse(
      'Another session still holds the maildrop (RFC 1939 §4), perhaps your raw one: `QUIT` it, or `await pop.quit()`, then log in again. `.reset` closes every session.',
    ),
  ],
  solution: [
    { goal: 'raw-dot-lines', lines: ['.raw', 'USER alice', 'PASS wonderland', 'RETR 2', 'QUIT'] },
    { goal: 'client-retr', lines: ['let pop = await connect(sandbox)', "await pop.user('alice')", "await pop.pass('wonderland')", 'await pop.retr(1)'] },
    { goal: 'client-dot-lines', lines: ['const msg = await pop.retr(2)', "msg.text.split('\\r\\n').filter((line) => line.startsWith('.'))"] },
    { goal: 'decoded-subject', lines: ["import { simpleParser } from 'mailparser'", 'const parsed = await simpleParser((await pop.retr(3)).bytes)', 'parsed.subject'] },
    {
      goal: 'attachment',
      lines: ['const report = await simpleParser((await pop.retr(4)).bytes)', 'report.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size }))', 'await pop.quit()'],
    },
  ],
};

export default lesson;
