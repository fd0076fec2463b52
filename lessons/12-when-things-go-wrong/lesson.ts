import type { Facts, LessonDefinition, SessionFacts } from '../../src/tutor';
import type { TranscriptEntry } from '../../src/protocol/transcript';
import { isRecord, typedInRaw, verdict } from '../common';

/** Growth in ms between two waits that counts as backing off (100, 200, 400 ms... grows by far more). */
const MIN_GROWTH_MS = 50;
/** More failed attempts than this in one session is no longer "a few tries". */
const MAX_TRIES = 6;

const isReply = (e: TranscriptEntry, keyword?: string): boolean => e.direction === 'S' && (keyword === undefined || e.keyword === keyword);

/** Replies carrying this response code (RFC 2449 §8), with the fault mark when one is asked for. */
const withCode = (f: Facts, code: string, fault?: string): TranscriptEntry[] =>
  f.replies().filter((e) => e.status === '-ERR' && e.code === code && (fault === undefined || (e.fault ?? '').includes(fault)));

/** Bob's RETR failures, injected on purpose (fault `fail=RETR`), per session. */
const failedRetrs = (s: SessionFacts): TranscriptEntry[] =>
  s.entries.filter((e) => isReply(e, 'RETR') && e.status === '-ERR' && e.code === 'SYS/TEMP' && (e.fault ?? '').includes('fail=RETR'));

/** Times between successive RETR commands of a session, in ms. */
const retrGaps = (s: SessionFacts): number[] => {
  const times = s.entries.filter((e) => e.direction === 'C' && e.keyword === 'RETR').map((e) => e.time);
  return times.slice(1).map((t, i) => t - times[i]!);
};

/** True when every wait is at least MIN_GROWTH_MS longer than the one before. */
const backsOff = (gaps: readonly number[]): boolean => gaps.length >= 2 && gaps.slice(1).every((g, i) => g - gaps[i]! >= MIN_GROWTH_MS);

/** An error a client call rejected with, that the learner saw, carrying this code or response code. */
const sawError = (f: Facts, test: (e: Record<string, unknown>) => boolean): boolean => f.saw((v, c) => c !== undefined && !c.ok && isRecord(v) && test(v));

/** Commands that show whether a maildrop still holds its mail (RFC 1939 §5). */
const COUNTING = ['STAT', 'LIST', 'UIDL'];

/** Sessions of one user, in order. */
const sessionsOf = (f: Facts, user: string): SessionFacts[] => f.sessions().filter((s) => s.entries.some((e) => e.user === user));

/** Time of the drop-mid-retr fault in a session that had a DELE accepted first, or undefined. */
const dropAfterDele = (s: SessionFacts): number | undefined => {
  const drop = s.entries.findIndex((e) => e.direction === '*' && e.keyword === 'FAULT' && (e.fault ?? '').includes('drop-mid-retr'));
  const dele = s.entries.findIndex((e) => isReply(e, 'DELE') && e.status === '+OK');
  return drop >= 0 && dele >= 0 && dele < drop ? s.entries[drop]!.time : undefined;
};

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'When things go wrong',
  summary: 'Response codes as typed errors, timeouts, a dropped connection, retrying safely',
  rfc: ['RFC 2449 §8', 'RFC 3206 §4', 'RFC 3206 §5', 'RFC 1939 §6'],
  start: {
    mailboxes: { alice: 'seed', bob: 'seed', zoe: 'seed', max: 'seed' },
    accountFaults: {
      bob: { delayMs: 250, failCommands: ['RETR'] },
      zoe: { refuseLogin: 'LOGIN-DELAY' },
      max: { dropMidRetr: true },
    },
  },
  goals: [
    {
      id: 'in-use',
      text: 'Log in as alice from two clients at once, catch the `[IN-USE]` error and read `err.responseCode`',
      check: (f) => {
        const refused = withCode(f, 'IN-USE').length > 0;
        return verdict(refused && sawError(f, (e) => e.responseCode === 'IN-USE'), refused ? 'the error was caught and not shown yet: `err.responseCode`' : 'no login has met `[IN-USE]` yet', refused ? 'a login was refused with [IN-USE]' : undefined);
      },
      hints: [
        'Only one session may hold a maildrop (RFC 1939 §4). Log in with `first`, then try the same with `second` while `first` is still logged in.',
        "`const inUse = await second.pass('wonderland').catch((e) => e)` keeps the error instead of throwing it; then type `inUse.responseCode`.",
      ],
    },
    {
      id: 'login-delay',
      text: "Read zoe's `LOGIN-DELAY` in CAPA, then meet it: her login is refused with `[LOGIN-DELAY]`",
      check: (f) => {
        const capa = typedInRaw(f, 'CAPA') > 0 || f.calls('capa').some((c) => c.ok && f.sawValue(c.value, c.seq));
        const refused = withCode(f, 'LOGIN-DELAY', 'refuse-login').length > 0;
        const seen = refused && (typedInRaw(f, 'PASS') > 0 || sawError(f, (e) => e.responseCode === 'LOGIN-DELAY'));
        if (capa && seen) return { met: true };
        if (!capa) return verdict(false, "CAPA's answer (with `LOGIN-DELAY`) has not been shown yet", refused ? 'the login was refused with [LOGIN-DELAY]' : undefined);
        return verdict(false, refused ? 'the refusal was caught and not shown yet' : "zoe's login has not been refused yet", 'CAPA was read');
      },
      hints: [
        '`const z = await connect(sandbox)`, then `(await z.capa()).loginDelay` shows what CAPA announces (RFC 2449 §6.5).',
        "`await z.user('zoe')`, then `const tooSoon = await z.pass('unicode').catch((e) => e)` and `tooSoon.responseCode`.",
      ],
    },
    {
      id: 'timeout',
      text: "Give up on bob's slow server with a short `timeout`, and read `err.code`",
      check: (f) => verdict(sawError(f, (e) => e.code === 'TIMEOUT'), f.calls().some((c) => !c.ok && isRecord(c.value) && c.value.code === 'TIMEOUT') ? 'the timeout error was caught and not shown yet: `err.code`' : 'no call has timed out yet'),
      hints: [
        'Bob\'s replies take 250 ms. A client connected with `{ ...sandbox, timeout: 100 }` stops waiting sooner.',
        "`const hasty = await connect({ ...sandbox, timeout: 100 })`, `const late = await hasty.user('bob').catch((e) => e)`, then `late.code`.",
      ],
    },
    {
      id: 'retry',
      text: "Retry bob's `[SYS/TEMP]` RETR, waiting longer each time, and give up after a few tries",
      check: (f) =>
        verdict(
          f.sessions().some((s) => {
            const failures = failedRetrs(s).length;
            return failures >= 3 && failures <= MAX_TRIES && backsOff(retrGaps(s));
          }),
          `no session has retried bob's RETR at least 3 times (and at most ${MAX_TRIES}), waiting longer each time`,
        ),
      hints: [
        'Log in as bob/builder. Retry only on `err.responseCode === "SYS/TEMP"`, sleep longer after each failure (e.g. `100 * 2 ** i` ms), and stop after about four tries.',
        'Copy `sleep` and `withRetry` from the lesson, log in as bob, then `const gaveUp = await withRetry(() => b.retr(1)).catch((e) => e)`.',
      ],
    },
    {
      id: 'dropped',
      text: "Mark max's message 1 with DELE, lose the connection in RETR 2, reconnect and see (with `stat()`, `list()` or `uidl()`) that nothing was deleted",
      check: (f) => {
        const sessions = sessionsOf(f, 'max');
        // STAT, LIST or UIDL in a later session, as lesson 8 accepts: each shows the count.
        const counted = sessions.some((s, i) => {
          const dropped = dropAfterDele(s);
          return dropped !== undefined && sessions.slice(i + 1).some((later) => later.entries.some((e) => isReply(e) && COUNTING.includes(e.keyword) && e.status === '+OK' && e.time >= dropped));
        });
        const looked = COUNTING.some((k) => typedInRaw(f, k) > 0) || f.saw((_, c) => c !== undefined && c.ok && ['stat', 'list', 'uidl'].includes(c.call));
        if (counted && looked) return { met: true };
        const dropped = sessions.some((s) => dropAfterDele(s) !== undefined);
        if (!dropped) return verdict(false, "no session of max's has marked a message and then lost its connection yet");
        return verdict(false, counted ? 'what the new session counted has not been shown yet' : 'no later session has counted the messages yet (STAT, LIST or UIDL)', 'the connection dropped after DELE');
      },
      hints: [
        "Log in as max/linelength, `await m.dele(1)`, then `await m.retr(2)`: the connection breaks halfway (a fault on purpose).",
        'That client is closed now. `const again = await connect(sandbox)`, log in as max again, then `await again.stat()`: still 2 messages (RFC 1939 §6).',
      ],
    },
  ],
  mistakes: [
    {
      id: 'retry-auth',
      when: (f) => f.sessions().some((s) => s.entries.filter((e) => isReply(e) && e.status === '-ERR' && e.code === 'AUTH').length >= 3),
      hint: 'A refused password stays refused: retrying `[AUTH]` only delays the answer (the server waits longer after each failure) and can lock the account. Retry `[SYS/TEMP]` only; for `[AUTH]`, ask for the password again.',
      example: ['const w = await connect(sandbox)', "for (let i = 0; i < 3; i++) { await w.user('alice'); await w.pass('rabbit').catch(() => {}) }"],
    },
    {
      id: 'retry-forever',
      goal: 'retry',
      when: (f) => f.sessions().some((s) => failedRetrs(s).length > MAX_TRIES),
      hint: 'A retry needs a limit: when the server keeps failing, give up after a few tries and report the last error (here bob\'s RETR never succeeds).',
      example: ['const b = await connect(sandbox)', "await b.user('bob')", "await b.pass('builder')", 'for (let i = 0; i < 8; i++) await b.retr(1).catch(() => {})'],
    },
    {
      id: 'retry-without-backoff',
      goal: 'retry',
      when: (f) => f.sessions().some((s) => failedRetrs(s).length >= 3 && !backsOff(retrGaps(s))),
      hint: 'Those retries came at an even pace. Wait longer after each failure (e.g. 200, 400, 800 ms) so a struggling server gets room to recover.',
      example: ['const b = await connect(sandbox)', "await b.user('bob')", "await b.pass('builder')", 'for (let i = 0; i < 3; i++) await b.retr(1).catch(() => {})'],
    },
    {
      id: 'login-delay-hammered',
      goal: 'login-delay',
      when: (f) => withCode(f, 'LOGIN-DELAY').length >= 2,
      hint: '`[LOGIN-DELAY]` says "not yet": trying again at once cannot work. Wait at least as long as CAPA\'s `LOGIN-DELAY` announces (RFC 2449 §8.1.1).',
      example: ['const z = await connect(sandbox)', "await z.user('zoe')", "await z.pass('unicode').catch(() => {})", "await z.user('zoe')", "await z.pass('unicode').catch(() => {})"],
    },
    {
      id: 'closed-client-reused',
      when: (f) => {
        const codes = f.repl.errors.map((e) => e.code);
        const lost = codes.findIndex((c) => c === 'CONNECTION_CLOSED' || c === 'TIMEOUT');
        return lost >= 0 && codes.indexOf('NOT_CONNECTED', lost) > lost;
      },
      hint: 'After a drop or a timeout that client is closed for good. Make a new one with `connect(sandbox)` and log in again; nothing the old session marked was deleted (RFC 1939 §6).',
      example: ['const m = await connect(sandbox)', "await m.user('max')", "await m.pass('linelength')", 'await m.retr(1)', 'await m.stat()'],
    },
  ],
  solution: [
    {
      goal: 'in-use',
      lines: [
        'const first = await connect(sandbox)',
        "await first.user('alice')",
        "await first.pass('wonderland')",
        'const second = await connect(sandbox)',
        "await second.user('alice')",
        "const inUse = await second.pass('wonderland').catch((e) => e)",
        'inUse.responseCode',
        'await first.quit()',
        'await second.quit()',
      ],
    },
    {
      goal: 'login-delay',
      lines: ['const z = await connect(sandbox)', '(await z.capa()).loginDelay', "await z.user('zoe')", "const tooSoon = await z.pass('unicode').catch((e) => e)", 'tooSoon.responseCode', 'await z.quit()'],
    },
    { goal: 'timeout', lines: ['const hasty = await connect({ ...sandbox, timeout: 100 })', "const late = await hasty.user('bob').catch((e) => e)", 'late.code'] },
    {
      goal: 'retry',
      lines: [
        'const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))',
        "async function withRetry<T>(attempt: () => Promise<T>, tries = 4): Promise<T> { for (let i = 1; ; i++) { try { return await attempt() } catch (err: any) { if (err?.responseCode !== 'SYS/TEMP' || i === tries) throw err; await sleep(100 * 2 ** i) } } }",
        'const b = await connect(sandbox)',
        "await b.user('bob')",
        "await b.pass('builder')",
        'const gaveUp = await withRetry(() => b.retr(1)).catch((e) => e)',
        'gaveUp.responseCode',
        'await b.quit()',
      ],
    },
    {
      goal: 'dropped',
      lines: [
        'const m = await connect(sandbox)',
        "await m.user('max')",
        "await m.pass('linelength')",
        'await m.dele(1)',
        'await m.retr(2).catch((e) => e.code)',
        'const again = await connect(sandbox)',
        "await again.user('max')",
        "await again.pass('linelength')",
        'await again.stat()',
        'await again.quit()',
      ],
    },
  ],
};

export default lesson;
