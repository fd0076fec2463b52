import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox-server';
import type { Sandbox } from '../../sandbox-server';
import { connect, TlsError } from '../../src/client';
import { describeError } from '../../src/repl';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

/** The error a connection attempt rejects with (it must reject). */
async function failure(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => expect.unreachable('the connection should have failed'),
    (error: unknown) => error,
  );
}

describe('hints for TLS failures, by what failed', () => {
  it('says to trust the CA when the certificate is not trusted', async () => {
    const error = await failure(connect({ host: sandbox.host, port: sandbox.tlsPort, tls: true }));
    const { fact, hint } = describeError(error);
    // The fact carries the cause's code, so a lesson can tell an untrusted certificate from a wrong name.
    expect(fact).toEqual({ code: 'TLS_FAILED', cause: expect.stringMatching(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)$/) });
    expect(hint).toMatch(/not trusted.*`ca: sandbox\.ca`/);
  });

  it('says the name is wrong, not the CA, for a host the certificate does not list', async () => {
    const error = await failure(connect({ host: sandbox.host, port: sandbox.tlsPort, ca: sandbox.ca, tls: { servername: 'pop.example.com' } }));
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const { hint } = describeError(error);
    expect(hint).toMatch(/does not name the host you asked for/);
    expect(hint).not.toMatch(/not trusted/);
  });

  it('points at the implicit-TLS port, or STLS, after a handshake on the plain port', async () => {
    const error = await failure(connect({ host: sandbox.host, port: sandbox.port, ca: sandbox.ca, tls: true }));
    const { hint } = describeError(error);
    expect(hint).toMatch(/that port speaks plain POP3.*sandbox\.tlsPort.*pop\.stls\(\)/);
  });

  it('says what to check when the cause is something else', () => {
    const error = new TlsError('handshake cut short', { cause: Object.assign(new Error('odd'), { code: 'ERR_SOMETHING_ELSE' }) });
    expect(describeError(error).hint).toMatch(/`err\.cause\.code` says why/);
  });
});
