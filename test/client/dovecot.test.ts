/**
 * Our client against Dovecot, a real POP3 server nobody here wrote (Debian's dovecot-core and
 * dovecot-pop3d), started on loopback with a private configuration and Maildirs seeded with
 * alice's seed messages. Where the sandbox suite checks that our two halves agree, this one
 * checks the client against an independent implementation.
 *
 * One Dovecot serves the whole file; tests that change a maildrop use an account of their own
 * (see dovecot-fixtures.ts). Outside CI a missing Dovecot skips the file with a note; in CI it
 * fails it (.ci/run installs the packages).
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  connect,
  fetchNew,
  Pop3ReplyError,
  Pop3StateError,
  TlsError,
  type ConnectOptions,
  type Pop3Client,
} from '../../src/client';
import { toCanonicalCrlf } from '../../src/protocol';
import { DOVECOT_BINARY, isDovecotInstalled, startDovecot, type DovecotServer } from '../helpers/dovecot';
import { describeWithProgram } from '../interop/programs';
import {
  ACCOUNTS,
  ALICE,
  collect,
  countMaildirFiles,
  deliverToMaildir,
  dovecotUsers,
  expectedTop,
  LONG_SECRET,
  recordTrace,
} from './dovecot-fixtures';

const PASSWORD = ALICE.password;
const CANONICAL = ALICE.messages.map((m) => m.canonical);
const COUNT = CANONICAL.length;
const BIG = 1 + ALICE.messages.findIndex((m) => m.name === 'big-attachment');

/**
 * Dovecot's scan listing counts a message as stored, with each bare LF counted as CRLF, but not
 * the CRLF it must add on the wire to end a last line that has none (RFC 1939 §3: every line of
 * a multi-line response ends in CRLF). RETR delivers the canonical bytes, final CRLF included,
 * so for those messages LIST (and STAT) says two octets fewer than RETR delivers.
 */
function dovecotSize(canonical: Buffer, raw: Buffer): number {
  return raw.length > 0 && raw[raw.length - 1] !== 0x0a ? canonical.length - 2 : canonical.length;
}
const LISTED_SIZES = ALICE.messages.map((m) => dovecotSize(m.canonical, m.raw));
const LISTED_TOTAL = LISTED_SIZES.reduce((sum, size) => sum + size, 0);

describeWithProgram(isDovecotInstalled(), `Dovecot POP3 (${DOVECOT_BINARY}, dovecot-pop3d)`, 'the client against Dovecot', () => {
  let dovecot: DovecotServer;
  const clients: Pop3Client[] = [];

  beforeAll(async () => {
    // 'apop' puts an APOP timestamp in the greeting; it is not a SASL mechanism of POP3.
    dovecot = await startDovecot({ users: dovecotUsers(), mechanisms: ['plain', 'login', 'cram-md5', 'apop'] });
  }, 30_000);

  afterAll(async () => {
    await dovecot?.close();
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  async function open(options: Partial<ConnectOptions> = {}): Promise<Pop3Client> {
    const client = await connect({ host: dovecot.host, port: dovecot.port, timeout: 10_000, ...options });
    clients.push(client);
    return client;
  }

  /**
   * USER/PASS as `user`. Dovecot locks a maildrop per POP3 session (pop3_lock_session): a login
   * right after another session of the same user was dropped waits until Dovecot has seen it go.
   */
  async function login(user: string = ACCOUNTS.reader, options: Partial<ConnectOptions> = {}): Promise<Pop3Client> {
    const pop = await open(options);
    await pop.user(user);
    await pop.pass(PASSWORD);
    return pop;
  }

  it('greets with +OK and an APOP timestamp', async () => {
    const pop = await open();
    expect(pop.greeting).toMatch(/^\+OK Dovecot ready\. <[^<>@\s]+@[^<>\s]+>$/);
    expect(pop.state).toBe('AUTHORIZATION');
    expect(pop.secure).toBe(false);
    // RFC 1939 §6: QUIT in AUTHORIZATION just ends the session, without UPDATE.
    expect((await pop.quit()).ok).toBe(true);
    expect(pop.state).toBe('CLOSED');
  });

  it('parses CAPA; after login Dovecot no longer lists USER, SASL or STLS', async () => {
    const pop = await open();
    const before = await pop.capa();
    expect(before).toMatchObject({
      top: true, uidl: true, respCodes: true, pipelining: true, authRespCode: true, stls: true, user: true,
    });
    // APOP is enabled, but it is POP3's own command, not a SASL mechanism.
    expect(before.sasl).toEqual(['PLAIN', 'LOGIN', 'CRAM-MD5']);
    expect(before.raw).toContain('SASL PLAIN LOGIN CRAM-MD5');

    await pop.user(ACCOUNTS.reader);
    await pop.pass(PASSWORD);
    expect(pop.capabilities).toBeUndefined(); // RFC 2449 §5: capabilities may change at login
    const after = await pop.capa();
    // RFC 2449 §6.2, §6.3: USER and SASL name login methods, so they are meaningless once logged in.
    expect(after).toMatchObject({
      top: true, uidl: true, respCodes: true, pipelining: true, authRespCode: true, stls: false, user: false, sasl: [],
    });
    expect(after.tags.has('USER')).toBe(false);
    expect(after.tags.has('SASL')).toBe(false);
  });

  it('logs in with USER and PASS', async () => {
    const pop = await open();
    expect((await pop.user(ACCOUNTS.reader)).ok).toBe(true);
    expect(pop.state).toBe('AUTHORIZATION');
    const reply = await pop.pass(PASSWORD);
    expect(reply).toMatchObject({ ok: true, status: '+OK', line: '+OK Logged in.' });
    expect(pop.state).toBe('TRANSACTION');
    expect((await pop.stat()).count).toBe(COUNT);
  });

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'] as const)('logs in with AUTH %s', async (mechanism) => {
    const { entries, trace } = recordTrace();
    const pop = await open({ trace });
    const reply = await pop.auth(mechanism, { username: ACCOUNTS.reader, password: PASSWORD });
    expect(reply.ok).toBe(true);
    expect(pop.state).toBe('TRANSACTION');
    expect((await pop.stat()).count).toBe(COUNT);
    // PLAIN sends its initial response on the AUTH line (RFC 5034 §4); LOGIN answers two
    // continuations, CRAM-MD5 one (RFC 2195). Either way the trace shows no credential.
    const continuations = entries.filter((e) => e.direction === 'S' && e.status === '+');
    expect(continuations).toHaveLength({ PLAIN: 0, LOGIN: 2, 'CRAM-MD5': 1 }[mechanism]);
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    expect(JSON.stringify(entries)).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  });

  it('AUTH PLAIN too long for the AUTH line answers the empty challenge instead', async () => {
    const { entries, trace } = recordTrace();
    const pop = await open({ trace });
    await pop.auth('PLAIN', { username: LONG_SECRET.name, password: LONG_SECRET.password });
    expect(pop.state).toBe('TRANSACTION');
    expect(await pop.stat()).toEqual({ count: 0, size: 0 });
    expect(entries.filter((e) => e.keyword === 'AUTH').map((e) => [e.direction, e.status ?? '', e.text])).toEqual([
      ['C', '', 'AUTH PLAIN'],
      ['S', '+', '+ '],
      ['C', '', '***'],
      ['S', '+OK', '+OK Logged in.'],
    ]);
  });

  it('logs in with APOP using the greeting timestamp', async () => {
    const { entries, trace } = recordTrace();
    const pop = await open({ trace });
    const reply = await pop.apop(ACCOUNTS.reader, PASSWORD);
    expect(reply.ok).toBe(true);
    expect(pop.state).toBe('TRANSACTION');
    expect(entries.find((e) => e.direction === 'C' && e.keyword === 'APOP')?.text).toBe(`APOP ${ACCOUNTS.reader} ***`);
  });

  it('a wrong password fails with responseCode AUTH (RFC 3206), whichever way it is sent', async () => {
    // Dovecot answers each failure on the auth process' next half-second tick: run them side by side.
    const attempts = [
      open().then(async (pop) => {
        await pop.user(ACCOUNTS.reader);
        return pop.pass('not the password');
      }),
      open().then(async (pop) => {
        await pop.user('nobody-here'); // Dovecot accepts any name at USER, so names are not revealed
        return pop.pass(PASSWORD);
      }),
      open().then((pop) => pop.auth('PLAIN', { username: ACCOUNTS.reader, password: 'not the password' })),
      open().then((pop) => pop.apop(ACCOUNTS.reader, 'not the password')),
    ];
    const errors = await Promise.all(attempts.map((attempt) => attempt.then(() => undefined, (error: unknown) => error)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(Pop3ReplyError);
      const failure = error as Pop3ReplyError;
      expect(failure.code).toBe('ERR_REPLY');
      expect(failure.responseCode).toBe('AUTH');
      expect(failure.reply.line).toBe('-ERR [AUTH] Authentication failed.');
      expect(failure.message).not.toContain('not the password');
    }
    expect((errors[0] as Pop3ReplyError).command).toBe('PASS ***');
    expect(clients.map((c) => c.state)).toEqual(['AUTHORIZATION', 'AUTHORIZATION', 'AUTHORIZATION', 'AUTHORIZATION']);

    // The session stays usable; Dovecot forgets the USER name after a failed PASS.
    const pop = clients[0]!;
    await expect(pop.pass(PASSWORD)).rejects.toMatchObject({ reply: { line: '-ERR No username given.' } });
    await pop.user(ACCOUNTS.reader);
    await pop.pass(PASSWORD);
    expect(pop.state).toBe('TRANSACTION');
  });

  it('STAT, LIST, LIST n, UIDL and UIDL n describe the seeded maildrop', async () => {
    const pop = await login();
    expect(await pop.stat()).toEqual({ count: COUNT, size: LISTED_TOTAL });
    const scan = await pop.list();
    expect(scan).toEqual(LISTED_SIZES.map((size, i) => ({ n: i + 1, size })));
    for (const entry of scan) expect(await pop.list(entry.n)).toEqual(entry);

    const uids = await pop.uidl();
    expect(uids.map((u) => u.n)).toEqual(scan.map((s) => s.n));
    expect(new Set(uids.map((u) => u.uid)).size).toBe(COUNT);
    // RFC 1939 §7: 1 to 70 characters in the range 0x21 to 0x7E.
    for (const { uid } of uids) expect(uid).toMatch(/^[\x21-\x7e]{1,70}$/);
    for (const entry of uids) expect(await pop.uidl(entry.n)).toEqual(entry);

    // Messages whose last line had no line ending: listed 2 octets short (see dovecotSize).
    const short = ALICE.messages.filter((m, i) => LISTED_SIZES[i] !== m.canonical.length).map((m) => m.name);
    expect(short).toEqual(['ends-with-dot', 'no-final-newline']);

    const missing = await pop.list(COUNT + 1).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Pop3ReplyError);
    expect((missing as Pop3ReplyError).responseCode).toBeUndefined();
    expect((await pop.noop()).ok).toBe(true); // an -ERR leaves the session as it was
  });

  it('RETR delivers every seed message byte for byte in canonical form', async () => {
    const pop = await login();
    for (const [index, seed] of ALICE.messages.entries()) {
      const message = await pop.retr(index + 1);
      expect(message.bytes.equals(seed.canonical), seed.name).toBe(true);
      expect(message.bytes.equals(toCanonicalCrlf(seed.raw)), seed.name).toBe(true);
      expect(message.n).toBe(index + 1);
    }
  });

  it('TOP n 0 is the header and TOP n 3 adds three body lines, for every message', async () => {
    const pop = await login();
    for (const [index, canonical] of CANONICAL.entries()) {
      const name = ALICE.messages[index]!.name;
      const head = await pop.top(index + 1, 0);
      expect(head.bytes.toString('latin1'), name).toBe(expectedTop(canonical, 0).toString('latin1'));
      expect(head.text.endsWith('\r\n\r\n'), name).toBe(true);
      const three = await pop.top(index + 1, 3);
      expect(three.bytes.toString('latin1'), name).toBe(expectedTop(canonical, 3).toString('latin1'));
    }
  });

  it('retrStream of the big message yields what retr() buffers', async () => {
    const pop = await login();
    const stream = pop.retrStream(BIG);
    const replies: string[] = [];
    stream.on('reply', (reply: { line: string }) => replies.push(reply.line));
    const streamed = await collect(stream);
    expect(replies).toEqual([expect.stringMatching(/^\+OK \d+ octets$/)]);
    const buffered = await pop.retr(BIG);
    expect(streamed.length).toBe(CANONICAL[BIG - 1]!.length);
    expect(streamed.equals(buffered.bytes)).toBe(true);
    expect(streamed.equals(CANONICAL[BIG - 1]!)).toBe(true);
  });

  it('a retrStream destroyed early is drained, and the session stays in step', async () => {
    const pop = await login();
    const stream = pop.retrStream(BIG);
    await new Promise<void>((resolve, reject) => {
      stream.once('data', () => {
        stream.destroy();
        resolve();
      });
      stream.once('error', reject);
    });
    const next = await pop.retr(1);
    expect(next.bytes.equals(CANONICAL[0]!)).toBe(true);
  });

  it('DELE marks, RSET unmarks, and QUIT then deletes nothing', async () => {
    const pop = await login(ACCOUNTS.rset);
    const uids = await pop.uidl();
    await pop.dele(2);
    await pop.dele(5);
    expect([...pop.deleted]).toEqual([2, 5]);
    // RFC 1939 §5: marked messages are left out of STAT and may not be referred to.
    expect(await pop.stat()).toEqual({ count: COUNT - 2, size: LISTED_TOTAL - LISTED_SIZES[1]! - LISTED_SIZES[4]! });
    await expect(pop.retr(2)).rejects.toMatchObject({ reply: { line: '-ERR Message is deleted.' } });
    await expect(pop.list(5)).rejects.toBeInstanceOf(Pop3ReplyError);
    expect((await pop.list()).map((s) => s.n)).not.toContain(2);

    expect((await pop.rset()).ok).toBe(true);
    expect(pop.deleted.size).toBe(0);
    expect(await pop.stat()).toEqual({ count: COUNT, size: LISTED_TOTAL });
    expect((await pop.retr(2)).bytes.equals(CANONICAL[1]!)).toBe(true);
    await pop.quit();

    const again = await login(ACCOUNTS.rset);
    expect(await again.uidl()).toEqual(uids);
  });

  it('DELE then QUIT removes exactly that message', async () => {
    const maildir = dovecot.maildirOf(ACCOUNTS.quit);
    const pop = await login(ACCOUNTS.quit);
    const uids = await pop.uidl();
    await pop.dele(3);
    const bye = await pop.quit();
    expect(bye).toMatchObject({ ok: true, line: '+OK Logging out, messages deleted.' });
    expect(pop.state).toBe('CLOSED');
    await expect(pop.noop()).rejects.toBeInstanceOf(Pop3StateError);

    const again = await login(ACCOUNTS.quit);
    const left = CANONICAL.filter((_, i) => i !== 2);
    expect(await again.stat()).toEqual({ count: COUNT - 1, size: LISTED_TOTAL - LISTED_SIZES[2]! });
    // RFC 1939 §4: the new session numbers the remaining messages from 1; unique-ids persist (§7).
    expect(await again.uidl()).toEqual(uids.filter((u) => u.n !== 3).map((u, i) => ({ n: i + 1, uid: u.uid })));
    for (const [index, canonical] of left.entries()) {
      expect((await again.retr(index + 1)).bytes.equals(canonical), `message ${index + 1}`).toBe(true);
    }
    expect(await countMaildirFiles(maildir)).toBe(COUNT - 1);
  });

  it('DELE then close() without QUIT removes nothing (no UPDATE state)', async () => {
    const pop = await login(ACCOUNTS.close);
    const uids = await pop.uidl();
    await pop.dele(1);
    await pop.dele(BIG);
    pop.close();
    expect(pop.state).toBe('CLOSED');

    const again = await login(ACCOUNTS.close);
    expect(await again.stat()).toEqual({ count: COUNT, size: LISTED_TOTAL });
    expect(await again.uidl()).toEqual(uids);
    expect(await countMaildirFiles(dovecot.maildirOf(ACCOUNTS.close))).toBe(COUNT);
  });

  it('STLS with starttls: required verifies the certificate against the harness CA', async () => {
    const pop = await open({ starttls: 'required', ca: dovecot.ca });
    expect(pop.secure).toBe(true);
    expect(pop.tlsSocket?.authorized).toBe(true);
    expect(pop.tlsSocket?.getProtocol()).toMatch(/^TLSv1\.[23]$/);
    // Read again after STLS (RFC 2595 §4): no second STLS, the login methods remain.
    const caps = await pop.capa();
    expect(caps).toMatchObject({ stls: false, user: true, sasl: ['PLAIN', 'LOGIN', 'CRAM-MD5'] });
    await pop.user(ACCOUNTS.reader);
    await pop.pass(PASSWORD);
    expect((await pop.retr(1)).bytes.equals(CANONICAL[0]!)).toBe(true);
    await pop.quit();
  });

  it('STLS fails with TLS_FAILED when the certificate cannot be verified', async () => {
    // Verification is on: without the harness CA the chain is untrusted...
    const untrusted = await open({ starttls: 'required' }).catch((error: unknown) => error);
    expect(untrusted).toBeInstanceOf(TlsError);
    expect((untrusted as TlsError).code).toBe('TLS_FAILED');
    // ...and with it, a name the certificate does not carry is refused too.
    const pop = await open({ ca: dovecot.ca });
    expect((await pop.capa()).stls).toBe(true);
    await expect(pop.stls({ servername: 'elsewhere.example' })).rejects.toBeInstanceOf(TlsError);
    expect(pop.state).toBe('CLOSED');
  });

  it('implicit TLS on the pop3s port with the harness CA', async () => {
    const pop = await open({ port: dovecot.tlsPort!, tls: true, ca: dovecot.ca });
    expect(pop.secure).toBe(true);
    expect(pop.tlsSocket?.authorized).toBe(true);
    expect(pop.greeting).toMatch(/^\+OK Dovecot ready\./);
    expect(await pop.capa()).toMatchObject({ stls: false, user: true, sasl: ['PLAIN', 'LOGIN', 'CRAM-MD5'] });
    await pop.auth('PLAIN', { username: ACCOUNTS.reader, password: PASSWORD });
    expect((await pop.retr(COUNT)).bytes.equals(CANONICAL[COUNT - 1]!)).toBe(true);
    await pop.quit();

    // By name: SNI carries `localhost` and the certificate's DNS name is checked (the harness
    // listens on 127.0.0.1 only; Node tries each address `localhost` resolves to).
    const byName = await open({ host: 'localhost', port: dovecot.tlsPort!, tls: true, ca: dovecot.ca });
    expect(byName.tlsSocket?.authorized).toBe(true);
    expect((byName.tlsSocket as { servername?: unknown } | undefined)?.servername).toBe('localhost');

    await expect(open({ port: dovecot.tlsPort!, tls: true })).rejects.toBeInstanceOf(TlsError);
  });

  it('traces the session: events, commands with secrets redacted, replies, states', async () => {
    const { entries, trace } = recordTrace();
    const pop = await open({ trace });
    await pop.user(ACCOUNTS.reader);
    await pop.pass(PASSWORD);
    await pop.stat();
    await pop.retr(1);
    await pop.quit();

    const summary = entries.map((e) => [e.direction, e.keyword, e.status ?? '', e.stateBefore, e.stateAfter]);
    expect(summary).toEqual([
      ['*', 'CONNECT', '', 'CLOSED', 'AUTHORIZATION'],
      ['S', 'GREETING', '+OK', 'AUTHORIZATION', 'AUTHORIZATION'],
      ['C', 'USER', '', 'AUTHORIZATION', 'AUTHORIZATION'],
      ['S', 'USER', '+OK', 'AUTHORIZATION', 'AUTHORIZATION'],
      ['C', 'PASS', '', 'AUTHORIZATION', 'AUTHORIZATION'],
      ['S', 'PASS', '+OK', 'AUTHORIZATION', 'TRANSACTION'],
      ['C', 'STAT', '', 'TRANSACTION', 'TRANSACTION'],
      ['S', 'STAT', '+OK', 'TRANSACTION', 'TRANSACTION'],
      ['C', 'RETR', '', 'TRANSACTION', 'TRANSACTION'],
      ['S', 'RETR', '+OK', 'TRANSACTION', 'TRANSACTION'],
      ['S', 'RETR', '', 'TRANSACTION', 'TRANSACTION'],
      ['C', 'QUIT', '', 'TRANSACTION', 'TRANSACTION'],
      ['S', 'QUIT', '+OK', 'TRANSACTION', 'UPDATE'],
      ['*', 'CLOSE', '', 'UPDATE', 'CLOSED'],
    ]);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(new Set(entries.map((e) => e.session)).size).toBe(1);
    expect(entries[0]!.text).toBe(`CONNECT to ${dovecot.host}:${dovecot.port} (pop3)`);
    expect(entries[1]!.text).toBe(pop.greeting);
    const pass = entries[4]!;
    expect(pass).toMatchObject({ args: ['***'], text: 'PASS ***', user: ACCOUNTS.reader });
    expect(entries[7]!.text).toBe(`+OK ${COUNT} ${LISTED_TOTAL}`);
    expect(entries[10]!.octets).toBe(CANONICAL[0]!.length);
    expect(entries[13]!.text).toBe('CLOSE after QUIT');
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
  });

  it('pipelines many RETRs, since Dovecot advertises PIPELINING, and matches replies in order', async () => {
    const { entries, trace } = recordTrace();
    const pop = await login(ACCOUNTS.reader, { trace });
    expect((await pop.capa()).pipelining).toBe(true); // the client pipelines once CAPA says so
    entries.length = 0;

    const numbers = [...CANONICAL.keys()].map((i) => i + 1);
    const messages = await Promise.all([...numbers, ...numbers].map((n) => pop.retr(n)));
    for (const [i, message] of messages.entries()) {
      const n = numbers[i % COUNT]!;
      expect(message.n).toBe(n);
      expect(message.bytes.equals(CANONICAL[n - 1]!), `RETR ${n}`).toBe(true);
    }
    // RFC 2449 §6.6: every command went out before the first reply came back.
    const firstReply = entries.findIndex((e) => e.direction === 'S');
    const sent = entries.filter((e) => e.direction === 'C');
    expect(sent).toHaveLength(2 * COUNT);
    expect(entries.slice(0, firstReply).filter((e) => e.direction === 'C')).toHaveLength(2 * COUNT);

    // Mixed commands, single- and multi-line, pipelined together, each gets its own reply.
    const [stat, one, uid, head, retr, noop, scan] = await Promise.all([
      pop.stat(), pop.list(3), pop.uidl(3), pop.top(6, 0), pop.retr(7), pop.noop(), pop.list(),
    ]);
    expect(stat).toEqual({ count: COUNT, size: LISTED_TOTAL });
    expect(one).toEqual({ n: 3, size: LISTED_SIZES[2] });
    expect(uid.n).toBe(3);
    expect(head.bytes.equals(expectedTop(CANONICAL[5]!, 0))).toBe(true);
    expect(retr.bytes.equals(CANONICAL[6]!)).toBe(true);
    expect(noop.ok).toBe(true);
    expect(scan).toHaveLength(COUNT);
  });

  it('with pipelining: false each command waits for the previous reply', async () => {
    const { entries, trace } = recordTrace();
    const pop = await login(ACCOUNTS.reader, { trace, pipelining: false });
    await pop.capa();
    entries.length = 0;
    const messages = await Promise.all([1, 2, 3].map((n) => pop.retr(n)));
    expect(messages.map((m) => m.bytes.equals(CANONICAL[m.n! - 1]!))).toEqual([true, true, true]);
    expect(entries.map((e) => e.direction).join('')).toBe('CSSCSSCSS');
  });

  it('fetchNew fetches only mail whose unique-id was not seen, and reports what vanished', async () => {
    const user = ACCOUNTS.fetch;
    const { entries, trace } = recordTrace();
    const first = await login(user, { trace });
    const progress: number[] = [];
    const all = await fetchNew(first, { seen: [], onProgress: (p) => progress.push(p.messages) });
    expect(all.fetched.map((f) => f.n)).toEqual([...CANONICAL.keys()].map((i) => i + 1));
    for (const fetched of all.fetched) {
      expect(fetched.message.bytes.equals(CANONICAL[fetched.n - 1]!), `message ${fetched.n}`).toBe(true);
    }
    expect(progress).toEqual([0, ...all.fetched.map((_, i) => i + 1)]);
    expect(all.vanished).toEqual([]);
    expect(all.duplicates).toEqual([]);
    // Pipelined: the second RETR was sent before the first one's reply arrived.
    const retrs = entries.filter((e) => e.keyword === 'RETR');
    expect(retrs.slice(0, 2).map((e) => e.direction)).toEqual(['C', 'C']);

    const gone = all.fetched[3]!;
    await first.dele(gone.n);
    await first.quit();

    // New mail arrives between the sessions, with bare LFs and a dot line to canonicalise.
    const arrivals = [
      Buffer.from('From: carol@example.org\nTo: alice@example.org\nSubject: arrived 1\n\n.starts with a dot\nend\n'),
      Buffer.from('From: dave@example.org\r\nTo: alice@example.org\r\nSubject: arrived 2\r\n\r\nno final newline'),
    ];
    for (const [index, raw] of arrivals.entries()) await deliverToMaildir(dovecot.maildirOf(user), raw, index);

    const second = await login(user);
    const seen = all.fetched.map((f) => f.uid);
    const fresh = await fetchNew(second, { seen });
    expect(fresh.fetched.map((f) => f.n)).toEqual([COUNT, COUNT + 1]); // 15 left + 2 new, minus one deleted
    expect(fresh.fetched.map((f) => f.message.bytes.toString('latin1'))).toEqual(
      arrivals.map((raw) => toCanonicalCrlf(raw).toString('latin1')),
    );
    for (const { uid } of fresh.fetched) expect(seen).not.toContain(uid);
    expect(fresh.vanished).toEqual([gone.uid]);

    const nothing = await fetchNew(second, { seen: [...seen, ...fresh.fetched.map((f) => f.uid)] });
    expect(nothing.fetched).toEqual([]);
    expect(nothing.vanished).toEqual([gone.uid]);
    await second.quit();
  });

  it('left nothing for Dovecot to complain about (last: it reads the log of every test above)', async () => {
    for (const client of clients.splice(0)) client.close();
    const log = await dovecot.readLog();
    expect(log).toMatch(/Info: Login: user=<alice>/); // the log is the one this suite wrote to
    expect(log.split('\n').filter((line) => /\b(Warning|Error|Fatal|Panic):/.test(line))).toEqual([]);
  });
});
