import { afterEach, expect, it } from 'vitest';
import { findApopTimestamp } from '../../src/protocol';
import { messageBytes, PYTHON, runPoplib, stepValue, type PoplibMessage, type PoplibSpec } from './poplib-driver';
import { describeWithProgram } from './programs';
import { headerSection, useSandbox } from './sandbox-fixture';
import { loadSeedAccount } from './seed';

// Python's standard poplib, a client nobody here wrote, against our sandbox server.
const alice = loadSeedAccount('alice');

interface Listing {
  response: string;
  lines?: string[];
}

describeWithProgram(PYTHON !== undefined, 'python3', 'interop: Python poplib against the sandbox', () => {
  const fixture = useSandbox();

  const session = (spec: Partial<PoplibSpec>): PoplibSpec => ({
    host: fixture.sandbox.host,
    port: fixture.sandbox.port,
    user: alice.name,
    password: alice.password,
    method: 'user-pass',
    ...spec,
  });

  afterEach(async () => {
    await fixture.sandbox.resetMailbox('alice');
  });

  it('USER/PASS, then STAT, LIST, UIDL and TOP agree with the seed', async () => {
    const out = await runPoplib(
      session({ steps: [['stat'], ['list'], ['list', 3], ['uidl'], ['uidl', 2], ['top', 1, 0], ['top', 6, 2], ['quit']] }),
    );
    expect(out.fatal).toBeNull();
    expect(out.welcome).toMatch(/^\+OK /);
    expect(out.login).toMatch(/^\+OK/);

    const sizes = alice.messages.map((m) => m.canonical.length);
    // RFC 1939 §5: STAT is exactly "+OK count size", sizes in canonical CRLF octets (§11).
    expect(stepValue<number[]>(out, 0)).toEqual([sizes.length, sizes.reduce((a, b) => a + b, 0)]);
    expect(stepValue<Listing>(out, 1).lines).toEqual(sizes.map((size, i) => `${i + 1} ${size}`));
    expect(stepValue<Listing>(out, 2).response).toBe(`+OK 3 ${sizes[2]}`);

    // RFC 1939 §7: unique-ids are 1-70 printable octets, unique in the maildrop.
    const uidLines = stepValue<Listing>(out, 3).lines ?? [];
    expect(uidLines).toHaveLength(alice.messages.length);
    const uids = uidLines.map((line, i) => {
      const match = /^(\d+) ([\x21-\x7e]{1,70})$/.exec(line);
      expect(match, line).not.toBeNull();
      expect(Number(match![1])).toBe(i + 1);
      return match![2]!;
    });
    expect(new Set(uids).size).toBe(uids.length);
    expect(stepValue<Listing>(out, 4).response).toBe(`+OK 2 ${uids[1]}`);

    // TOP n 0: the headers and the blank line; TOP 6 2 adds two body lines (un-stuffed by poplib).
    expect(messageBytes(stepValue<PoplibMessage>(out, 5)).toString('latin1')).toBe(
      headerSection(alice.messages[0]!.canonical).toString('latin1'),
    );
    const dotLines = alice.messages[5]!.canonical;
    const header = headerSection(dotLines);
    const twoLines = dotLines.subarray(0, nthLineEnd(dotLines, header.length, 2));
    expect(messageBytes(stepValue<PoplibMessage>(out, 6)).toString('latin1')).toBe(twoLines.toString('latin1'));
    expect(stepValue<string>(out, 7)).toMatch(/^\+OK/);
  });

  it('RETR returns every message of alice byte for byte (dot-stuffing undone by poplib)', async () => {
    const out = await runPoplib(session({ steps: [['retr-all'], ['quit']] }));
    const messages = stepValue<PoplibMessage[]>(out, 0);
    expect(messages.map((m) => m.n)).toEqual(alice.messages.map((_m, i) => i + 1));
    for (const [i, message] of messages.entries()) {
      const expected = alice.messages[i]!;
      const got = messageBytes(message);
      expect(got.length, `${expected.name}: length`).toBe(expected.canonical.length);
      expect(got.equals(expected.canonical), `${expected.name}: bytes differ`).toBe(true);
    }
  });

  it('logs in with APOP using the greeting timestamp', async () => {
    const out = await runPoplib(session({ method: 'apop', steps: [['stat'], ['quit']] }));
    expect(out.fatal).toBeNull();
    expect(findApopTimestamp(out.welcome ?? '')).toBeDefined();
    expect(out.login).toMatch(/^\+OK/);
    expect(stepValue<number[]>(out, 0)[0]).toBe(alice.messages.length);
  });

  it('logs in with AUTH PLAIN and an initial response', async () => {
    const out = await runPoplib(session({ method: 'auth-plain', steps: [['stat'], ['quit']] }));
    expect(out.fatal).toBeNull();
    expect(out.login).toMatch(/^\+OK/);
    expect(stepValue<number[]>(out, 0)[0]).toBe(alice.messages.length);
  });

  it('refuses a wrong password with -ERR', async () => {
    for (const method of ['user-pass', 'apop', 'auth-plain'] as const) {
      const out = await runPoplib(session({ method, password: 'not-the-password' }));
      expect(out.fatal?.type, method).toBe('error_proto');
      expect(out.fatal?.message, method).toMatch(/^-ERR/);
    }
  });

  it('DELE then QUIT removes exactly that message; RSET undoes a DELE', async () => {
    const before = await runPoplib(session({ steps: [['uidl'], ['quit']] }));
    const uids = (stepValue<Listing>(before, 0).lines ?? []).map((line) => line.split(' ')[1]);

    const out = await runPoplib(
      session({ steps: [['dele', 3], ['list', 3], ['rset'], ['list', 3], ['dele', 2], ['retr', 2], ['stat'], ['quit']] }),
    );
    expect(out.fatal).toBeNull();
    expect(out.results.map((r) => [r.step, r.ok])).toEqual([
      ['dele', true],
      ['list', false], // RFC 1939 §5: a deleted message may not be referred to
      ['rset', true],
      ['list', true],
      ['dele', true],
      ['retr', false],
      ['stat', true],
      ['quit', true],
    ]);
    const sizes = alice.messages.map((m) => m.canonical.length);
    expect(stepValue<number[]>(out, 6)).toEqual([sizes.length - 1, sizes.reduce((a, b) => a + b, 0) - sizes[1]!]);

    const after = await runPoplib(session({ steps: [['uidl'], ['retr', 2], ['quit']] }));
    const remaining = (stepValue<Listing>(after, 0).lines ?? []).map((line) => line.split(' ')[1]);
    expect(remaining).toEqual(uids.filter((_uid, i) => i !== 1));
    // Message-numbers are assigned afresh: the old message 3 is now message 2.
    expect(messageBytes(stepValue<PoplibMessage>(after, 1)).equals(alice.messages[2]!.canonical)).toBe(true);
  });

  it('a session that ends without QUIT deletes nothing', async () => {
    // poplib's close() drops the connection; RFC 1939 §6: no UPDATE state without QUIT.
    const dropped = await runPoplib(session({ steps: [['dele', 1], ['dele', 2]] }));
    expect(dropped.results.every((r) => r.ok)).toBe(true);
    const after = await waitForUnlockedStat(session({ steps: [['stat'], ['quit']] }));
    expect(after[0]).toBe(alice.messages.length);
  });

  it('STLS with the sandbox CA verifies the certificate, then works as usual', async () => {
    const out = await runPoplib(session({ tls: 'stls', cafile: fixture.caFile, steps: [['stat'], ['retr', 1], ['quit']] }));
    expect(out.fatal).toBeNull();
    expect(out.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(stepValue<number[]>(out, 0)[0]).toBe(alice.messages.length);
    expect(messageBytes(stepValue<PoplibMessage>(out, 1)).equals(alice.messages[0]!.canonical)).toBe(true);
  });

  it('implicit TLS (POP3_SSL) on the TLS port verifies the certificate for localhost', async () => {
    const tlsPort = fixture.sandbox.tlsPort;
    expect(tlsPort).toBeGreaterThan(0);
    const out = await runPoplib(
      session({ host: 'localhost', port: tlsPort!, tls: 'implicit', cafile: fixture.caFile, steps: [['stat'], ['retr', 12], ['quit']] }),
    );
    expect(out.fatal).toBeNull();
    expect(out.welcome).toMatch(/^\+OK /);
    expect(out.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(messageBytes(stepValue<PoplibMessage>(out, 1)).equals(alice.messages[11]!.canonical)).toBe(true);
  });

  it('without the sandbox CA, certificate verification fails (so it really is checked)', async () => {
    const stls = await runPoplib(session({ tls: 'stls', steps: [['stat']] }));
    expect(stls.fatal?.type).toBe('SSLCertVerificationError');
    expect(stls.login).toBeNull();
    const implicit = await runPoplib(session({ host: 'localhost', port: fixture.sandbox.tlsPort!, tls: 'implicit', steps: [['stat']] }));
    expect(implicit.fatal?.type).toBe('SSLCertVerificationError');
  });
});

/** The offset just past the `count`-th line ending at or after `from`. */
function nthLineEnd(bytes: Buffer, from: number, count: number): number {
  let at = from;
  for (let i = 0; i < count; i++) {
    const lf = bytes.indexOf('\n', at);
    if (lf === -1) return bytes.length;
    at = lf + 1;
  }
  return at;
}

/**
 * Runs STAT once the previous session's lock is gone. The server notices a dropped connection
 * asynchronously, so a login right after may meet [IN-USE]; retry on that code only.
 */
async function waitForUnlockedStat(spec: PoplibSpec): Promise<number[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const out = await runPoplib(spec);
    if (!out.fatal || !/IN-USE/.test(out.fatal.message) || Date.now() > deadline) return stepValue<number[]>(out, 0);
  }
}
