import type { Facts, LessonDefinition, SessionFacts } from '../../src/tutor';
import type { TranscriptEntry } from '../../src/protocol/transcript';
import { notTypedInRaw, verdict } from '../common';

/** The mechanisms the sandbox offers in CAPA's SASL line (RFC 2449 §6.3). */
const OFFERED = ['PLAIN', 'LOGIN', 'CRAM-MD5'];

/** The AUTH command that opened each exchange ending in `reply` (RFC 5034 §4: one exchange at a time). */
const exchangeStart = (s: SessionFacts, reply: number): TranscriptEntry | undefined =>
  s.entries.slice(0, reply).reverse().find((e) => e.direction === 'C' && e.keyword === 'AUTH' && e.args.length > 0);

/** Final AUTH replies (+OK or -ERR, not `+` challenges), each with the AUTH line that began it. */
const authExchanges = (f: Facts): { start: TranscriptEntry | undefined; reply: TranscriptEntry; last: TranscriptEntry | undefined }[] =>
  f.sessions().flatMap((s) =>
    s.entries.flatMap((e, i) =>
      e.direction === 'S' && e.keyword === 'AUTH' && e.status !== '+'
        ? [{ start: exchangeStart(s, i), reply: e, last: s.entries.slice(0, i).reverse().find((c) => c.direction === 'C') }]
        : [],
    ),
  );

const mechanism = (e: TranscriptEntry | undefined): string | undefined => e?.args[0]?.toUpperCase();

/** PLAIN lines typed in raw mode (the initial response is redacted in facts). */
const rawPlainLines = (f: Facts): string[] => f.repl.rawLines.filter((l) => /^AUTH PLAIN\b/i.test(l));

/** The UTF-8 text a base64 string encodes (RFC 4648 §4), or undefined when it is no base64. */
const fromBase64 = (text: string): string | undefined => {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
};

/** An RFC 4616 §2 message: authzid NUL authcid NUL passwd, base64-encoded. */
const isPlainMessage = (v: unknown): boolean =>
  typeof v === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(v) && /^[^\0]*\0[^\0]+\0[^\0]+$/.test(fromBase64(v) ?? '');

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'SASL',
  summary: 'AUTH PLAIN and LOGIN, challenges in base64, a PLAIN response by hand, cancelling with *',
  rfc: ['RFC 5034 §4', 'RFC 4616 §2', 'RFC 4422', 'RFC 2449 §6.3'],
  start: { mailboxes: { alice: 'seed' } },
  goals: [
    {
      id: 'auth-plain',
      text: "Log in with the client's `pop.auth`: `await pop.auth('PLAIN', { username: 'alice', password: 'wonderland' })`",
      check: (f) => {
        const calls = f.calls('auth').filter((c) => String(c.args[0]).toUpperCase() === 'PLAIN');
        const byHand = rawPlainLines(f).length > 0 || f.calls('send').some((c) => /^AUTH PLAIN/i.test(String(c.args[0])));
        return verdict(
          calls.some((c) => c.ok),
          calls.length > 0 ? "`pop.auth('PLAIN', ...)` did not log in; its error says why" : "this goal asks for the client's `pop.auth('PLAIN', ...)`",
          byHand ? 'AUTH PLAIN was sent by hand' : undefined,
        );
      },
      hints: [
        '`(await pop.capa()).sasl` lists the mechanisms; `pop.auth(mechanism, credentials)` runs the exchange for you.',
        "`const pop = await connect(sandbox)`, then `await pop.auth('PLAIN', { username: 'alice', password: 'wonderland' })`.",
      ],
    },
    {
      id: 'decode-challenge',
      text: "In `.raw` mode send `AUTH LOGIN`, then decode its `+` challenge: `Buffer.from('…', 'base64').toString()`",
      check: (f) => {
        const typed = f.repl.rawLines.some((l) => /^AUTH LOGIN\b/i.test(l));
        const decoded = f.saw((v) => v === 'Username:' || v === 'Password:');
        if (!typed) return notTypedInRaw(f, 'AUTH');
        return verdict(decoded, 'the challenge has not been shown decoded yet', 'AUTH LOGIN was typed');
      },
      hints: [
        'The server answers `AUTH LOGIN` with `+ VXNlcm5hbWU6`. To get back to TypeScript, cancel with `*` and type `QUIT` (or `.raw`).',
        "`Buffer.from('VXNlcm5hbWU6', 'base64').toString()` turns the challenge back into text.",
      ],
    },
    {
      id: 'cancel',
      text: 'Cancel an exchange by answering a challenge with `*`',
      check: (f) => verdict(authExchanges(f).some((x) => x.last?.text === '*' && x.reply.status === '-ERR'), 'no exchange has been cancelled with `*` yet'),
      hints: [
        'In raw mode, `AUTH LOGIN` waits for your answer to its challenge; a line holding only `*` gives up (RFC 5034 §4).',
        'Type `.raw`, `AUTH LOGIN`, then `*`: the server answers `-ERR` and the session stays in AUTHORIZATION.',
      ],
    },
    {
      id: 'plain-by-hand',
      text: "Build the PLAIN message with Buffer, then log in with it in raw mode: `AUTH PLAIN <base64>`",
      check: (f) => {
        const built = f.saw(isPlainMessage);
        const typed = rawPlainLines(f).some((l) => /^AUTH PLAIN \S/i.test(l));
        const loggedIn = authExchanges(f).some((x) => mechanism(x.start) === 'PLAIN' && (x.start?.args.length ?? 0) > 1 && x.reply.status === '+OK');
        if (built && typed && loggedIn) return { met: true };
        if (!built) return verdict(false, 'no PLAIN message (base64 of authzid NUL user NUL password) has been shown yet');
        return typed ? verdict(false, 'that AUTH PLAIN line did not log in', 'the message was built') : notTypedInRaw(f, 'AUTH');
      },
      hints: [
        "The message is `authzid NUL user NUL password` (RFC 4616 §2); `\\0` writes a NUL in a string: `Buffer.from('\\0alice\\0wonderland').toString('base64')`.",
        'Copy the base64 text, type `.raw`, and send `AUTH PLAIN` followed by a space and that text, all on one line.',
      ],
    },
  ],
  mistakes: [
    {
      id: 'response-not-base64',
      when: (f) => authExchanges(f).some((x) => x.last?.text === '***' && x.reply.status === '-ERR' && x.reply.code === undefined),
      hint: "The server could not read that answer: every line of a SASL exchange is base64 (RFC 5034 §4). Encode it first, e.g. `Buffer.from('alice').toString('base64')`.",
      example: ['.raw', 'AUTH LOGIN', 'alice'],
    },
    {
      id: 'plain-without-nul',
      when: (f) => authExchanges(f).some((x) => mechanism(x.start) === 'PLAIN' && x.last === x.start && (x.start?.args.length ?? 0) > 1 && x.reply.status === '-ERR' && x.reply.code === undefined),
      hint: "A PLAIN message has three parts: authzid, NUL, user name, NUL, password (RFC 4616 §2). With an empty authzid it starts with a NUL: `Buffer.from('\\0alice\\0wonderland').toString('base64')`.",
      example: ['.raw', 'AUTH PLAIN YWxpY2UAd29uZGVybGFuZA=='],
    },
    {
      id: 'mechanism-not-offered',
      when: (f) => f.commands('AUTH').some((e) => e.args.length > 0 && !OFFERED.includes(e.args[0]!.toUpperCase())),
      hint: "This server does not offer that mechanism. CAPA's `SASL` line lists the ones it does: `(await pop.capa()).sasl`.",
      example: ['.raw', 'AUTH DIGEST-MD5'],
    },
    {
      id: 'decoded-without-base64',
      goal: 'decode-challenge',
      when: (f) => f.saw((v) => v === 'VXNlcm5hbWU6' || v === 'UGFzc3dvcmQ6'),
      hint: "`Buffer.from(text)` reads the text as UTF-8, so nothing was decoded. Say which encoding it is in: `Buffer.from('VXNlcm5hbWU6', 'base64').toString()`.",
      example: ["Buffer.from('VXNlcm5hbWU6').toString()"],
    },
  ],
  solution: [
    { goal: 'auth-plain', lines: ['const pop = await connect(sandbox)', '(await pop.capa()).sasl', "await pop.auth('PLAIN', { username: 'alice', password: 'wonderland' })", 'await pop.quit()'] },
    { goal: 'cancel', lines: ['.raw', 'AUTH LOGIN', '*', 'QUIT'] },
    { goal: 'decode-challenge', lines: ["Buffer.from('VXNlcm5hbWU6', 'base64').toString()"] },
    { goal: 'plain-by-hand', lines: ["const plain = Buffer.from('\\0alice\\0wonderland').toString('base64')", 'plain', '.raw', 'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=', 'QUIT'] },
  ],
};

export default lesson;
