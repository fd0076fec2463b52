import type { Facts, LessonDefinition } from '../../src/tutor';
import { isBytes, isRecord, logins, maildropInUse, md5Hex, typedInRaw, verdict } from '../common';

/** The shared secret of the sandbox's main account (sandbox.accounts). */
const SECRET = 'wonderland';

/** RFC 1939 §7: the APOP digest, MD5 of the timestamp followed by the secret, as lower-case hex. */
const apopDigest = (timestamp: string, secret = SECRET): string => md5Hex(timestamp + secret);

/** The timestamp of a greeting: msg-id shape, `<...@...>` (RFC 1939 §7, RFC 2449 §3). */
const timestampOf = (greeting: string): string | undefined => /<[^<>\s]+@[^<>\s]+>/.exec(greeting)?.[0];

/** Each session's greeting timestamp. */
const stamps = (f: Facts): { session: string; timestamp: string }[] =>
  f.replies('GREETING').flatMap((e) => {
    const timestamp = timestampOf(e.text);
    return timestamp === undefined ? [] : [{ session: e.session, timestamp }];
  });

/** True when the learner saw a string holding `text` (any case), however it was printed. */
const sawText = (f: Facts, text: string): boolean => f.saw((v) => typeof v === 'string' && v.toLowerCase().includes(text.toLowerCase()));

/** Sessions whose greeting the learner turned into the right digest, and looked at it. */
const digestedSessions = (f: Facts): Set<string> => new Set(stamps(f).filter((s) => sawText(f, apopDigest(s.timestamp))).map((s) => s.session));

/** APOP logins (AUTHORIZATION → TRANSACTION). */
const apopLogins = (f: Facts) => logins(f).filter((e) => e.keyword === 'APOP');

/** APOP lines sent by hand: typed in raw mode, or through `pop.send` (and so not computed by `pop.apop`). */
const apopsByHand = (f: Facts): number => typedInRaw(f, 'APOP') + f.calls('send').filter((c) => /^APOP /.test(String(c.args[0]))).length;

/** APOP refused for its credentials (RFC 3206 [AUTH]) before login. */
const refusedApops = (f: Facts) => f.replies('APOP').filter((e) => e.status === '-ERR' && e.stateBefore === 'AUTHORIZATION' && e.code === 'AUTH');

/** An APOP line whose digest was the account's password itself (recorded as such, never as the password). */
const passwordAsDigest = (f: Facts): boolean =>
  [...f.repl.rawLines, ...f.calls('send').map((c) => String(c.args[0]))].some((line) => /^APOP \S+ \*\*\* \(the password\)$/.test(line));

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'APOP, and RPOP as history',
  summary: 'Logging in without sending the password: the APOP digest by hand and by the client; why RPOP is gone',
  rfc: ['RFC 1939 §7', 'RFC 1939 §13', 'RFC 1081', 'RFC 1460'],
  start: { mailboxes: { alice: 'seed' } },
  goals: [
    {
      id: 'timestamp',
      text: 'Connect and pick the timestamp `<...@...>` out of `pop.greeting`, and look at it',
      check: (f) => {
        // The timestamp on its own (or in a sentence), not just the whole greeting that holds it.
        const picked = stamps(f).some((s) => f.saw((v) => typeof v === 'string' && v.includes(s.timestamp) && !v.startsWith('+OK')));
        return verdict(picked || digestedSessions(f).size > 0, stamps(f).length > 0 ? 'the timestamp alone has not been shown yet' : 'connect first: the greeting carries it', stamps(f).length > 0 ? 'a greeting arrived' : undefined);
      },
      hints: [
        'The greeting ends with something like `<12345.1700000000000.ab12cd34@sandbox.localhost>`: that is the timestamp, angle brackets included.',
        'A regular expression finds it: `const timestamp = pop.greeting.match(/<[^>]+>/)![0]`, then type `timestamp` to see it.',
      ],
    },
    {
      id: 'own-digest',
      text: 'Compute the digest yourself (MD5, e.g. `createHash` from `node:crypto`) and look at it',
      check: (f) => verdict(digestedSessions(f).size > 0, 'no digest of a greeting you received has been shown yet', stamps(f).length > 0 ? 'a greeting arrived' : undefined),
      hints: [
        'The digest is MD5 over the timestamp immediately followed by the password, written as 32 lower-case hex digits (RFC 1939 §7).',
        "`import { createHash } from 'node:crypto'`, then `const digest = createHash('md5').update(timestamp + 'wonderland').digest('hex')`, then `digest`.",
      ],
    },
    {
      id: 'apop-by-hand',
      text: 'Log in by hand with your own digest: an `APOP alice <digest>` line through `pop.send` (or `.raw`), not `pop.apop`',
      check: (f) => {
        const byHand = apopsByHand(f) > 0;
        const apopMethod = f.calls('apop').some((c) => c.ok);
        const met = byHand && apopLogins(f).some((e) => e.user === 'alice') && (f.calls('send').some((c) => /^APOP /.test(String(c.args[0])) && isRecord(c.value) && c.value.ok === true) || typedInRaw(f, 'APOP') > 0);
        return verdict(
          met,
          byHand ? 'no APOP line you sent has logged alice in yet' : 'this goal asks for the APOP line you build yourself, sent with `pop.send`',
          apopMethod ? 'alice logged in with `pop.apop()`, which computed the digest for you' : undefined,
        );
      },
      hints: [
        '`pop.send(line)` sends any command line as it is and returns the reply, `-ERR` included.',
        'Use the digest of this connection\'s greeting: ``await pop.send(`APOP alice ${digest}`)`` (a template string, in backticks). The reply says how many messages alice has.',
        'If the connection you computed the digest for is gone, start over: connect, read the new timestamp, compute a new digest.',
      ],
    },
    {
      id: 'apop-client',
      text: 'Quit, connect again and let the client do the work: `await pop.apop("alice", "wonderland")`',
      check: (f) => {
        const calls = f.calls('apop');
        return verdict(calls.some((c) => c.ok), calls.length > 0 ? '`pop.apop()` did not log in; its error says why' : '`pop.apop()` has not been called yet');
      },
      hints: [
        'One session holds the maildrop at a time (RFC 1939 §4): `await pop.quit()` first.',
        'Then `const pop = await connect(sandbox)` (declaring `pop` again is fine) and `await pop.apop("alice", "wonderland")`.',
      ],
    },
    {
      id: 'rpop',
      text: 'Try the obsolete RPOP: `await pop.rpop("alice")`, and read why the sandbox refuses it',
      check: (f) => verdict(f.replies('RPOP').some((e) => e.status === '-ERR'), 'RPOP has not been sent yet'),
      hints: [
        'RPOP is a command from RFC 1081, long gone; the sandbox still recognises it, to explain.',
        'On a connected client, before or after login: `await pop.rpop("alice")`. Or in raw mode: `USER alice`, then `RPOP alice`.',
      ],
    },
  ],
  mistakes: [
    {
      id: 'password-as-digest',
      goal: 'apop-by-hand',
      when: passwordAsDigest,
      hint: 'The second argument of APOP is the digest, never the password: sending the password would give away exactly what APOP protects. Compute `createHash("md5").update(timestamp + "wonderland").digest("hex")`.',
      example: ['const pop = await connect(sandbox)', "await pop.send('APOP alice wonderland')"],
    },
    {
      id: 'digest-without-brackets',
      goal: 'own-digest',
      when: (f) => stamps(f).some((s) => sawText(f, apopDigest(s.timestamp.slice(1, -1)))),
      hint: 'That digest was computed without the angle brackets. The timestamp includes `<` and `>`: hash `<...@...>` followed by the password.',
      example: [
        "import { createHash } from 'node:crypto'",
        'const pop = await connect(sandbox)',
        'const inner = pop.greeting.match(/<([^>]+)>/)![1]',
        "createHash('md5').update(inner + 'wonderland').digest('hex')",
      ],
    },
    {
      id: 'digest-as-bytes',
      goal: 'own-digest',
      when: (f) => f.saw((v) => isBytes(v) && v.length === 16),
      hint: 'Those are the 16 raw bytes of the digest. APOP wants them written as 32 hex digits: `.digest("hex")`.',
      example: [
        "import { createHash } from 'node:crypto'",
        'const pop = await connect(sandbox)',
        'const timestamp = pop.greeting.match(/<[^>]+>/)![0]',
        "createHash('md5').update(timestamp + 'wonderland').digest()",
      ],
    },
    {
      id: 'stale-timestamp',
      goal: 'apop-by-hand',
      when: (f) => {
        const mine = digestedSessions(f);
        return mine.size > 0 && refusedApops(f).some((e) => !mine.has(e.session) && !e.text.includes('32 hex digits'));
      },
      hint: 'That digest belongs to an earlier connection. Every greeting carries a new timestamp, so an old digest is refused: that is APOP\'s replay protection (RFC 1939 §7). Compute the digest from this connection\'s greeting.',
      example: [
        "import { createHash } from 'node:crypto'",
        'const first = await connect(sandbox)',
        "const old = createHash('md5').update(first.greeting.match(/<[^>]+>/)![0] + 'wonderland').digest('hex')",
        'old',
        'await first.quit()',
        'const second = await connect(sandbox)',
        'await second.send(`APOP alice ${old}`)',
      ],
    },
    {
      id: 'apop-after-login',
      when: (f) => f.replies('APOP').some((e) => e.status === '-ERR' && e.stateBefore === 'TRANSACTION'),
      hint: 'APOP is a way in, accepted only in AUTHORIZATION (RFC 1939 §7). This session is logged in already: `await pop.quit()`, connect again, then APOP.',
      example: ['const pop = await connect(sandbox)', "await pop.apop('alice', 'wonderland')", "await pop.apop('alice', 'wonderland')"],
    },
    maildropInUse(
      'An earlier session still holds the maildrop lock (RFC 1939 §4). `await pop.quit()` it before logging in again, or `.reset` to close every session.',
      ['const a = await connect(sandbox)', "await a.apop('alice', 'wonderland')", 'const b = await connect(sandbox)', "await b.apop('alice', 'wonderland')"],
    ),
    {
      id: 'wrong-digest',
      goal: 'apop-by-hand',
      // A well-formed digest the server computed differently: not the password, not another connection's.
      when: (f) => !passwordAsDigest(f) && refusedApops(f).some((e) => !e.text.includes('32 hex digits') && !digestedSessions(f).has(e.session)) && digestedSessions(f).size === 0,
      hint: 'The server computed a different digest. It must be MD5 of this connection\'s timestamp, brackets included, immediately followed by `wonderland`, as 32 hex digits: `createHash("md5").update(timestamp + "wonderland").digest("hex")`.',
      example: ['const pop = await connect(sandbox)', "await pop.send('APOP alice 0123456789abcdef0123456789abcdef')"],
    },
  ],
  solution: [
    { goal: 'timestamp', lines: ["import { createHash } from 'node:crypto'", 'let pop = await connect(sandbox)', 'const timestamp = pop.greeting.match(/<[^>]+>/)![0]', 'timestamp'] },
    { goal: 'own-digest', lines: ["const digest = createHash('md5').update(timestamp + 'wonderland').digest('hex')", 'digest'] },
    { goal: 'apop-by-hand', lines: ['await pop.send(`APOP alice ${digest}`)', 'await pop.quit()'] },
    { goal: 'rpop', lines: ['pop = await connect(sandbox)', "await pop.rpop('alice')"] },
    { goal: 'apop-client', lines: ["await pop.apop('alice', 'wonderland')", 'await pop.quit()'] },
  ],
};

export default lesson;
