/**
 * The client against the real sandbox server: every method, every login path, TLS both ways,
 * and the sandbox's injected faults. The fake-peer suites are the independent oracle; this one
 * checks the two sides agree on real sessions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox-server';
import {
  ConnectionClosedError,
  connect,
  fetchNew,
  Pop3ReplyError,
  Pop3StateError,
  Pop3TimeoutError,
  TlsError,
  type ConnectOptions,
  type Pop3Client,
} from '../../src/client';
import type { TranscriptEntry } from '../../src/protocol';
import { makeCertificates } from './test-certificates';

let sandbox: Sandbox;
const clients: Pop3Client[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ failedLoginDelayMs: 0 });
});
afterAll(async () => {
  await sandbox?.close();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  sandbox.setFaults(undefined);
  await Promise.all(['alice', 'bob', 'zoe', 'max'].map((a) => sandbox.resetMailbox(a)));
});

async function open(options: Partial<ConnectOptions> = {}): Promise<Pop3Client> {
  const client = await connect({ ...sandbox, timeout: 5000, ...options });
  clients.push(client);
  return client;
}

/** Resolves at the next CLOSE in the sandbox log, or after `ms` (the close may already be logged). */
function nextClose(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      sandbox.log.off('entry', onEntry);
      resolve();
    }
    function onEntry(entry: TranscriptEntry): void {
      if (entry.keyword === 'CLOSE') done();
    }
    sandbox.log.on('entry', onEntry);
  });
}

/**
 * USER/PASS as `name`. A session closed by the previous test may still hold the maildrop lock
 * for a moment (RFC 1939 §8: [IN-USE]); wait for the server to log its CLOSE and try again.
 */
async function login(name = 'alice', options: Partial<ConnectOptions> = {}): Promise<Pop3Client> {
  const account = sandbox.accounts.find((a) => a.name === name)!;
  for (let attempt = 1; ; attempt += 1) {
    const pop = await open(options);
    try {
      await pop.user(account.name);
      await pop.pass(account.password);
      return pop;
    } catch (error) {
      pop.close();
      if (!(error instanceof Pop3ReplyError && error.responseCode === 'IN-USE') || attempt === 40) throw error;
      await nextClose(50);
    }
  }
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe('every method against the sandbox', () => {
  it('reads the greeting and the capabilities', async () => {
    const pop = await open();
    expect(pop.greeting).toMatch(/^\+OK .*<[^<>@]+@[^<>]+>/);
    const caps = await pop.capa();
    expect(caps).toMatchObject({ top: true, uidl: true, user: true, stls: true, pipelining: true, respCodes: true });
    expect(caps.sasl).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN', 'CRAM-MD5']));
    expect(caps.implementation).toBeTruthy();
  });

  it('STAT, LIST, UIDL, RETR and TOP agree with each other', async () => {
    const pop = await login();
    const stat = await pop.stat();
    const scan = await pop.list();
    const uids = await pop.uidl();
    expect(scan).toHaveLength(stat.count);
    expect(uids).toHaveLength(stat.count);
    expect(scan.reduce((sum, s) => sum + s.size, 0)).toBe(stat.size);
    expect(await pop.list(2)).toEqual(scan[1]);
    expect(await pop.uidl(2)).toEqual(uids[1]);
    for (const { n, size } of scan) {
      const message = await pop.retr(n);
      expect(message.size, `message ${n}`).toBe(size); // RFC 1939 §11: sizes in canonical CRLF octets
    }
    const head = await pop.top(1, 0);
    const full = await pop.retr(1);
    expect(full.text.startsWith(head.text)).toBe(true);
    expect(head.text.endsWith('\r\n\r\n')).toBe(true);
    expect((await pop.top(1, 2)).text.length).toBeGreaterThan(head.text.length);
  });

  it('streams the same bytes retr() buffers, the big attachment included', async () => {
    const pop = await login();
    const scan = await pop.list();
    const biggest = scan.reduce((a, b) => (b.size > a.size ? b : a));
    const streamed = await collect(pop.retrStream(biggest.n));
    expect(streamed.equals((await pop.retr(biggest.n)).bytes)).toBe(true);
  });

  it('DELE and RSET, then QUIT commits the deletion in UPDATE', async () => {
    const pop = await login('bob');
    const before = await pop.uidl();
    await pop.dele(1);
    await expect(pop.retr(1)).rejects.toBeInstanceOf(Pop3ReplyError);
    await pop.rset();
    expect((await pop.retr(1)).size).toBeGreaterThan(0);
    await pop.dele(2);
    expect([...pop.deleted]).toEqual([2]);
    const bye = await pop.quit();
    expect(bye.ok).toBe(true);
    expect(pop.state).toBe('CLOSED');
    const again = await login('bob');
    expect((await again.uidl()).map((u) => u.uid)).toEqual(before.filter((u) => u.n !== 2).map((u) => u.uid));
  });

  it('close() drops the connection without UPDATE: nothing is deleted', async () => {
    const pop = await login('bob');
    const count = (await pop.stat()).count;
    await pop.dele(1);
    pop.close();
    await expect(pop.noop()).rejects.toBeInstanceOf(Pop3StateError);
    const again = await login('bob');
    expect((await again.stat()).count).toBe(count);
  });

  it('NOOP, and send() for raw lines with correct framing', async () => {
    const pop = await login();
    expect((await pop.noop()).ok).toBe(true);
    const list = await pop.send('list');
    expect(list.ok).toBe(true);
    expect(list.body?.toString()).toMatch(/^1 \d+\r\n/);
    expect((await pop.send('LIST 1')).body).toBeUndefined();
    const missing = await pop.send('RETR 999');
    expect(missing).toMatchObject({ ok: false, status: '-ERR' });
    const retr = await pop.send('RETR 1');
    expect(retr.body?.length).toBe((await pop.list(1)).size);
    expect((await pop.send('BOGUS')).ok).toBe(false);
  });

  it('sends commands in the wrong state and surfaces the real -ERR', async () => {
    const pop = await open();
    const error = await pop.retr(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Pop3ReplyError);
    expect((error as Pop3ReplyError).reply.text.length).toBeGreaterThan(0);
    await expect(pop.pass('wonderland')).rejects.toBeInstanceOf(Pop3ReplyError);
  });

  it('RPOP is obsolete: the server refuses it', async () => {
    const pop = await open();
    await expect(pop.rpop('alice')).rejects.toBeInstanceOf(Pop3ReplyError);
  });

  it('UTF8 before login lets zoe retrieve raw UTF-8 headers (RFC 6856)', async () => {
    const plain = await login('zoe');
    await expect(plain.retr(1)).rejects.toMatchObject({ responseCode: 'UTF8' });
    await plain.quit();
    const pop = await open();
    await pop.utf8();
    expect(pop.utf8Enabled).toBe(true);
    await pop.user('zoe');
    await pop.pass('unicode');
    const message = await pop.retr(1);
    expect(message.subject).toMatch(/[^\x00-\x7f]/);
  });

  it("max's 3,000-octet line comes through whole", async () => {
    const pop = await login('max');
    const messages = await Promise.all((await pop.list()).map((s) => pop.retr(s.n)));
    const longest = Math.max(...messages.flatMap((m) => m.text.split('\r\n').map((l) => Buffer.byteLength(l))));
    expect(longest).toBeGreaterThanOrEqual(3000);
  });

  it('await using sends QUIT at the end of the block', async () => {
    const before = sandbox.log.entries.length;
    {
      await using pop = await connect(sandbox);
      await pop.noop().catch(() => undefined);
    }
    const quit = sandbox.log.entries.slice(before).find((e) => e.direction === 'C' && e.keyword === 'QUIT');
    expect(quit).toBeDefined();
  });

  it('pipelines against the sandbox, replies matched in order', async () => {
    const pop = await login();
    await pop.capa();
    const scan = await pop.list();
    const messages = await Promise.all(scan.map((s) => pop.retr(s.n)));
    expect(messages.map((m) => m.size)).toEqual(scan.map((s) => s.size));
  });
});

describe('every login path', () => {
  it('USER/PASS', async () => {
    const pop = await login();
    expect(pop.state).toBe('TRANSACTION');
  });

  it('APOP with the greeting timestamp', async () => {
    const pop = await open();
    await pop.apop('alice', 'wonderland');
    expect(pop.state).toBe('TRANSACTION');
  });

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'] as const)('AUTH %s', async (mechanism) => {
    const pop = await open();
    await pop.auth(mechanism, { username: 'bob', password: 'builder' });
    expect(pop.state).toBe('TRANSACTION');
    expect((await pop.stat()).count).toBeGreaterThan(0);
  });

  it('AUTH PLAIN typed by hand through send()', async () => {
    const pop = await open();
    expect((await pop.send('AUTH PLAIN')).status).toBe('+');
    expect((await pop.send(Buffer.from('\0bob\0builder').toString('base64'))).ok).toBe(true);
    expect(pop.state).toBe('TRANSACTION');
  });

  const WRONG = 'n0t-the-Passw0rd';
  it.each([
    ['PASS', (pop: Pop3Client) => pop.user('alice').then(() => pop.pass(WRONG))],
    ['APOP', (pop: Pop3Client) => pop.apop('alice', WRONG)],
    ['AUTH PLAIN', (pop: Pop3Client) => pop.auth('PLAIN', { username: 'alice', password: WRONG })],
    ['AUTH CRAM-MD5', (pop: Pop3Client) => pop.auth('CRAM-MD5', { username: 'alice', password: WRONG })],
  ])('a wrong password through %s is a Pop3ReplyError, never leaking the secret', async (_name, attempt) => {
    const trace: TranscriptEntry[] = [];
    const pop = await open({ trace: (e) => trace.push(e) });
    const error = (await attempt(pop).catch((e: unknown) => e)) as Pop3ReplyError;
    expect(error).toBeInstanceOf(Pop3ReplyError);
    expect(error.responseCode).toBe('AUTH');
    const everything = `${error.message}${JSON.stringify(error)}${JSON.stringify(trace)}`;
    expect(everything).not.toContain(WRONG);
    expect(everything).not.toContain(Buffer.from(`\0alice\0${WRONG}`).toString('base64'));
    expect(pop.state).toBe('AUTHORIZATION');
  });

  it('the client trace and the server log record the same commands, redacted alike', async () => {
    const trace: TranscriptEntry[] = [];
    const pop = await open({ trace: (e) => trace.push(e) });
    const before = sandbox.log.entries.length;
    await pop.user('alice');
    await pop.pass('wonderland');
    await pop.stat();
    await pop.quit();
    const server = sandbox.log.entries.slice(before).filter((e) => e.direction === 'C').map((e) => e.text);
    expect(trace.filter((e) => e.direction === 'C').map((e) => e.text)).toEqual(server);
    expect(server).toEqual(['USER alice', 'PASS ***', 'STAT', 'QUIT']);
  });
});

describe('TLS against the sandbox', () => {
  it('implicit TLS on tlsPort, certificate verified against sandbox.ca', async () => {
    const pop = await open({ port: sandbox.tlsPort!, tls: true });
    expect(pop.secure).toBe(true);
    expect(pop.tlsSocket?.authorized).toBe(true);
    await pop.auth('PLAIN', { username: 'alice', password: 'wonderland' });
    expect((await pop.stat()).count).toBeGreaterThan(0);
  });

  it('STLS upgrades, verifies the certificate and re-reads CAPA', async () => {
    const pop = await open();
    expect((await pop.capa()).stls).toBe(true);
    await pop.stls();
    expect(pop.secure).toBe(true);
    expect(pop.tlsSocket?.authorized).toBe(true);
    expect(pop.capabilities?.stls).toBe(false);
    await pop.user('alice');
    await pop.pass('wonderland');
    expect(pop.state).toBe('TRANSACTION');
  });

  it("connect({ starttls: 'required' })", async () => {
    const pop = await open({ starttls: 'required' });
    expect(pop.secure).toBe(true);
  });

  it('refuses a certificate from another CA, on either port', async () => {
    const other = await makeCertificates();
    await expect(connect({ ...sandbox, port: sandbox.tlsPort!, tls: true, ca: other.ca })).rejects.toBeInstanceOf(TlsError);
    const pop = await open({ ca: other.ca });
    await expect(pop.stls()).rejects.toBeInstanceOf(TlsError);
    expect(pop.state).toBe('CLOSED');
  });
});

describe('fault injection (sandbox.setFaults)', () => {
  it('delay: slow replies still arrive within the timeout', async () => {
    const pop = await login();
    sandbox.setFaults({ delayMs: 100 });
    expect((await pop.noop()).ok).toBe(true);
  });

  it('delay beyond the idle timeout: Pop3TimeoutError, then the connection is closed', async () => {
    // max's maildrop: the delayed session keeps its lock until its late reply is written.
    const pop = await login('max', { timeout: 150 });
    sandbox.setFaults({ delayMs: 500 });
    await expect(pop.stat()).rejects.toBeInstanceOf(Pop3TimeoutError);
    expect(pop.state).toBe('CLOSED');
  });

  it('drop-after: ConnectionClosedError names the command in flight', async () => {
    // USER, PASS, CAPA and STAT are answered, then the server drops with LIST pipelined behind.
    sandbox.setFaults({ dropAfterCommands: 4 }, 'alice');
    const pop = await login();
    expect((await pop.capa()).pipelining).toBe(true);
    const [stat, list] = await Promise.allSettled([pop.stat(), pop.list()]);
    expect(stat.status).toBe('fulfilled');
    expect(list).toMatchObject({ status: 'rejected', reason: { code: 'CONNECTION_CLOSED', command: 'LIST' } });
    expect((list as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionClosedError);
    expect(pop.state).toBe('CLOSED');
  });

  it('drop-mid-retr: retr and retrStream fail with ConnectionClosedError naming RETR', async () => {
    sandbox.setFaults({ dropMidRetr: true });
    const pop = await login();
    const error = await pop.retr(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ command: 'RETR 1' });
    const again = await login();
    await expect(collect(again.retrStream(2))).rejects.toMatchObject({ code: 'CONNECTION_CLOSED', command: 'RETR 2' });
  });

  it('fail=RETR+DELE: -ERR [SYS/TEMP], and the session carries on', async () => {
    sandbox.setFaults({ failCommands: ['RETR', 'DELE'] });
    const pop = await login();
    const error = (await pop.retr(1).catch((e: unknown) => e)) as Pop3ReplyError;
    expect(error).toBeInstanceOf(Pop3ReplyError);
    expect(error.responseCode).toBe('SYS/TEMP');
    expect(error.hasResponseCode('SYS')).toBe(true);
    await expect(pop.dele(1)).rejects.toMatchObject({ responseCode: 'SYS/TEMP' });
    expect((await pop.stat()).count).toBeGreaterThan(0);
  });

  it.each(['IN-USE', 'LOGIN-DELAY'] as const)('refuse-login=%s: the response code reaches the caller', async (code) => {
    sandbox.setFaults({ refuseLogin: code });
    const pop = await open();
    await pop.user('alice');
    await expect(pop.pass('wonderland')).rejects.toMatchObject({ code: 'ERR_REPLY', responseCode: code });
    if (code === 'LOGIN-DELAY') expect((await pop.capa()).loginDelay?.value).toBeGreaterThan(0);
  });

  it('stall: Pop3TimeoutError, never a hang', async () => {
    const pop = await login('alice', { timeout: 200 });
    sandbox.setFaults({ stallAfterCommands: 0 });
    await expect(pop.noop()).rejects.toBeInstanceOf(Pop3TimeoutError);
  });

  it('stall mid-stream ends the stream with an error', async () => {
    const pop = await login('alice', { timeout: 200 });
    sandbox.setFaults({ stallAfterCommands: 0 });
    await expect(collect(pop.retrStream(1))).rejects.toBeInstanceOf(Pop3TimeoutError);
  });
});

describe('fetchNew against the sandbox', () => {
  it('fetches everything once, then only what is new, and notices deletions elsewhere', async () => {
    const first = await login('bob');
    const all = await fetchNew(first, { seen: [] });
    const fetchedUids = all.fetched.map((f) => f.uid);
    expect(fetchedUids.length + all.duplicates.length).toBe((await first.stat()).count);
    await first.dele(1);
    await first.quit();

    await sandbox.resetMailbox('bob', ['bob-welcome', 'welcome']);
    const second = await login('bob');
    const progress: number[] = [];
    const next = await fetchNew(second, { seen: fetchedUids, onProgress: (p) => progress.push(p.messages) });
    expect(next.fetched.length).toBeGreaterThan(0);
    expect(next.vanished.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(next.fetched.length);
    const third = await fetchNew(second, { seen: [...fetchedUids, ...next.fetched.map((f) => f.uid)] });
    expect(third.fetched).toEqual([]);
  });
});
