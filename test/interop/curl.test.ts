import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { findProgram } from './find-program';
import { describeWithProgram } from './programs';
import { runProgram, type ProgramResult } from '../helpers/child-process';
import { headerSection, useSandbox } from './sandbox-fixture';
import { loadSeedAccount } from './seed';

// curl's pop3:// and pop3s:// support, a client nobody here wrote, against our sandbox server.
// curl removes the dot-stuffing from RETR and TOP bodies itself (lines starting ".." lose one
// dot), so its output is compared with the canonical seed bytes directly.
const CURL = findProgram('curl');
const alice = loadSeedAccount('alice');

/** curl's exit codes that the tests expect (see curl's man page, "EXIT CODES"). */
const CURL_PEER_CERT_UNVERIFIED = 60;
const CURL_LOGIN_DENIED = 67;

function curl(args: readonly string[]): Promise<ProgramResult> {
  if (!CURL) throw new Error('curl is not installed; the curl interop tests need it (see .ci/run)');
  return runProgram(CURL, ['--silent', '--show-error', '--max-time', '20', ...args], { timeoutMs: 30_000 });
}

/** Fails with curl's stderr unless it exited 0; returns stdout. */
function succeeded(result: ProgramResult): Buffer {
  expect(result.code, `curl failed: ${result.stderr.toString('utf8')}`).toBe(0);
  return result.stdout;
}

/** The commands curl sent, from its -v trace ("> CMD ..." lines). */
function sentCommands(result: ProgramResult): string[] {
  return result.stderr
    .toString('utf8')
    .split(/\r?\n/)
    .filter((line) => line.startsWith('> '))
    .map((line) => line.slice(2));
}

describeWithProgram(CURL !== undefined, 'curl', 'interop: curl pop3:// and pop3s:// against the sandbox', () => {
  const fixture = useSandbox();
  const credentials = `${alice.name}:${alice.password}`;
  const url = (suffix: string): string => `pop3://${fixture.sandbox.host}:${fixture.sandbox.port}/${suffix}`;

  it('RETR of every message of alice is byte-exact (one connection, one file per message)', async () => {
    const args = ['-u', credentials];
    const files = alice.messages.map((_m, i) => path.join(fixture.dir, `retr-${i + 1}.eml`));
    alice.messages.forEach((_m, i) => args.push(url(String(i + 1)), '-o', files[i]!));
    succeeded(await curl(args));
    for (const [i, message] of alice.messages.entries()) {
      const got = await fs.readFile(files[i]!);
      expect(got.length, `${message.name}: length`).toBe(message.canonical.length);
      expect(got.equals(message.canonical), `${message.name}: bytes differ`).toBe(true);
    }
  });

  it('LIST (no message in the URL) gives the scan listing with canonical sizes', async () => {
    const listing = succeeded(await curl(['-u', credentials, url('')])).toString('latin1');
    expect(listing).toBe(alice.messages.map((m, i) => `${i + 1} ${m.canonical.length}\r\n`).join(''));
  });

  it('-X UIDL gives one unique-id per message', async () => {
    const listing = succeeded(await curl(['-u', credentials, '-X', 'UIDL', url('')])).toString('latin1');
    const lines = listing.split('\r\n').filter((line) => line !== '');
    expect(lines).toHaveLength(alice.messages.length);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^${i + 1} [\\x21-\\x7e]{1,70}$`)));
    expect(new Set(lines.map((line) => line.split(' ')[1])).size).toBe(lines.length);
  });

  it("-X 'TOP 1 0' gives the headers and the blank line", async () => {
    const top = succeeded(await curl(['-u', credentials, '-X', 'TOP 1 0', url('')]));
    expect(top.toString('latin1')).toBe(headerSection(alice.messages[0]!.canonical).toString('latin1'));
  });

  it('logs in with each SASL mechanism and with APOP, as asked by --login-options', async () => {
    const cases: [string, string[], RegExp][] = [
      ['AUTH=PLAIN', [], /^AUTH PLAIN$/],
      ['AUTH=PLAIN', ['--sasl-ir'], /^AUTH PLAIN \S+$/], // RFC 5034 §4 initial response
      ['AUTH=LOGIN', [], /^AUTH LOGIN$/],
      ['AUTH=CRAM-MD5', [], /^AUTH CRAM-MD5$/],
      ['AUTH=+APOP', [], /^APOP alice [0-9a-f]{32}$/],
    ];
    for (const [options, extra, command] of cases) {
      const result = await curl(['-v', '-u', credentials, '--login-options', options, ...extra, url('5')]);
      expect(succeeded(result).equals(alice.messages[4]!.canonical), options).toBe(true);
      expect(sentCommands(result).some((line) => command.test(line)), `${options}: ${sentCommands(result).join(' | ')}`).toBe(true);
    }
  });

  it('a wrong password is refused (curl: login denied)', async () => {
    const result = await curl(['-u', `${alice.name}:wrong`, url('1')]);
    expect(result.code, result.stderr.toString('utf8')).toBe(CURL_LOGIN_DENIED);
  });

  it('--ssl-reqd upgrades with STLS and verifies the certificate against --cacert', async () => {
    const result = await curl(['-v', '--ssl-reqd', '--cacert', fixture.caFile, '-u', credentials, url('6')]);
    expect(succeeded(result).equals(alice.messages[5]!.canonical)).toBe(true);
    expect(sentCommands(result)).toContain('STLS');
  });

  it('pop3s:// on the TLS port verifies the certificate for localhost', async () => {
    const tlsUrl = `pop3s://localhost:${fixture.sandbox.tlsPort}/7`;
    const result = await curl(['--cacert', fixture.caFile, '-u', credentials, tlsUrl]);
    expect(succeeded(result).equals(alice.messages[6]!.canonical)).toBe(true);
  });

  it('without the sandbox CA, both TLS paths fail verification', async () => {
    const stls = await curl(['--ssl-reqd', '-u', credentials, url('1')]);
    expect(stls.code, stls.stderr.toString('utf8')).toBe(CURL_PEER_CERT_UNVERIFIED);
    const implicit = await curl(['-u', credentials, `pop3s://localhost:${fixture.sandbox.tlsPort}/1`]);
    expect(implicit.code, implicit.stderr.toString('utf8')).toBe(CURL_PEER_CERT_UNVERIFIED);
  });
});
