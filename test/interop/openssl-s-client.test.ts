import { expect, it } from 'vitest';
import { findProgram } from './find-program';
import { describeWithProgram } from './programs';
import { runProgram, type ProgramResult } from '../helpers/child-process';
import { useSandbox } from './sandbox-fixture';

// `openssl s_client`, a TLS client nobody here wrote: its own STLS exchange (-starttls pop3),
// full chain and host name verification against the sandbox CA, then POP3 over the TLS layer.
const OPENSSL = findProgram('openssl');

/**
 * Runs s_client with `input` on stdin. -crlf turns our LF into CRLF; -ign_eof keeps it reading
 * after stdin ends, until the server closes (QUIT); it also stops s_client from treating a
 * line starting with Q or R as its own command.
 */
function sClient(args: readonly string[], input: string): Promise<ProgramResult> {
  if (!OPENSSL) throw new Error('openssl is not installed; the s_client interop tests need it (see .ci/run)');
  return runProgram(OPENSSL, ['s_client', '-crlf', '-ign_eof', ...args], { input, timeoutMs: 20_000 });
}

/** The lines s_client printed from the server (after its own certificate report). */
function serverLines(result: ProgramResult): string[] {
  return result.stdout.toString('utf8').split(/\r?\n/);
}

describeWithProgram(OPENSSL !== undefined, 'openssl', 'interop: openssl s_client against the sandbox', () => {
  const fixture = useSandbox();
  const verify = (): string[] => [
    '-CAfile', fixture.caFile, '-verify_return_error', '-servername', 'localhost', '-verify_hostname', 'localhost',
  ];

  it('-starttls pop3 verifies the chain and host name, then CAPA works over TLS without STLS', async () => {
    const result = await sClient(
      ['-starttls', 'pop3', '-connect', `${fixture.sandbox.host}:${fixture.sandbox.port}`, ...verify()],
      'CAPA\nQUIT\n',
    );
    const output = result.stdout.toString('utf8');
    expect(result.code, `${output}\n${result.stderr.toString('utf8')}`).toBe(0);
    expect(output).toContain('Verify return code: 0 (ok)');

    // After the handshake: the CAPA listing, then QUIT's +OK.
    const lines = serverLines(result);
    const capaStart = lines.findIndex((line, i) => line.startsWith('+OK') && i > lines.findIndex((l) => l.startsWith('Verify return code')));
    expect(capaStart, output).toBeGreaterThan(-1);
    const capaEnd = lines.indexOf('.', capaStart);
    expect(capaEnd, output).toBeGreaterThan(capaStart);
    const capabilities = lines.slice(capaStart + 1, capaEnd).map((line) => line.split(' ')[0]!.toUpperCase());
    expect(capabilities).toEqual(expect.arrayContaining(['USER', 'SASL', 'UIDL', 'TOP']));
    // RFC 2595 §4: STLS is not advertised once TLS is active.
    expect(capabilities).not.toContain('STLS');
    expect(lines[capaEnd + 1]).toMatch(/^\+OK/);
  });

  it('also verifies the IP address name (127.0.0.1) in the certificate', async () => {
    const result = await sClient(
      ['-starttls', 'pop3', '-connect', `${fixture.sandbox.host}:${fixture.sandbox.port}`, '-CAfile', fixture.caFile,
        '-verify_return_error', '-verify_ip', '127.0.0.1'],
      'QUIT\n',
    );
    expect(result.code, result.stderr.toString('utf8')).toBe(0);
    expect(result.stdout.toString('utf8')).toContain('Verify return code: 0 (ok)');
  });

  it('implicit TLS on the TLS port: verified handshake first, then the greeting', async () => {
    const result = await sClient(['-connect', `${fixture.sandbox.host}:${fixture.sandbox.tlsPort}`, ...verify()], 'QUIT\n');
    const output = result.stdout.toString('utf8');
    expect(result.code, `${output}\n${result.stderr.toString('utf8')}`).toBe(0);
    expect(output).toContain('Verify return code: 0 (ok)');
    const lines = serverLines(result);
    const afterReport = lines.slice(lines.findIndex((l) => l.startsWith('Verify return code')));
    expect(afterReport.filter((line) => line.startsWith('+OK'))).toHaveLength(2); // greeting, QUIT
  });

  it('without the sandbox CA, verification fails and s_client aborts', async () => {
    const result = await sClient(
      // Only the system's trust store, which does not hold the sandbox's private CA.
      ['-starttls', 'pop3', '-connect', `${fixture.sandbox.host}:${fixture.sandbox.port}`, '-verify_return_error'],
      'QUIT\n',
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout.toString('utf8') + result.stderr.toString('utf8')).toMatch(/verify error|certificate verify failed/i);
  });
});
