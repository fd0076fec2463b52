import { beforeAll, describe, expect } from 'vitest';
import { Pop3StateError, TlsError } from '../../src/client';
import type { TranscriptEntry } from '../../src/protocol';
import { fakeServerTest, GREETING } from './fake-server';
import { makeCertificates, type TestCertificates } from './test-certificates';

let certs: TestCertificates;
let otherCa: TestCertificates;
let wrongName: TestCertificates;
beforeAll(async () => {
  [certs, otherCa, wrongName] = await Promise.all([makeCertificates(), makeCertificates(), makeCertificates(['mail.example.org'])]);
});

const it = fakeServerTest();

const CAPA_PLAIN = '+OK\r\nUSER\r\nSTLS\r\n.\r\n';
const CAPA_TLS = '+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n';

describe('implicit TLS (RFC 8314)', () => {
  it('verifies the certificate against ca and reads the greeting over TLS', async ({ fake }) => {
    await fake.start([{ startTls: certs }, { send: GREETING }, { expect: 'NOOP' }, { send: '+OK over TLS\r\n' }]);
    const client = await fake.open({ tls: true, ca: certs.ca });
    expect(client.secure).toBe(true);
    expect((await client.noop()).text).toBe('over TLS');
  });

  it('fails with TlsError for a certificate from an untrusted CA', async ({ fake }) => {
    await fake.start([{ startTls: certs }, { send: GREETING }]);
    const error = await fake.open({ tls: true, ca: otherCa.ca }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ code: 'TLS_FAILED' });
  });

  it('fails with TlsError when the certificate does not name the host', async ({ fake }) => {
    await fake.start([{ startTls: wrongName }, { send: GREETING }]);
    await expect(fake.open({ tls: true, ca: wrongName.ca })).rejects.toMatchObject({ code: 'TLS_FAILED' });
  });

  it('fails with TlsError against the system CAs when no ca is given', async ({ fake }) => {
    await fake.start([{ startTls: certs }, { send: GREETING }]);
    await expect(fake.open({ tls: true })).rejects.toBeInstanceOf(TlsError);
  });
});

describe('STLS (RFC 2595 §4)', () => {
  it('discards plaintext sent after the +OK, upgrades, and reads CAPA again', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'CAPA' },
      { send: CAPA_PLAIN },
      { expect: 'STLS' },
      // An attacker's reply rides in the same segment as the +OK: it must never be read.
      { send: '+OK begin TLS negotiation\r\n+OK injected\r\n' },
      { startTls: certs },
      { expect: 'CAPA' },
      { send: CAPA_TLS },
      { expect: 'NOOP' },
      { send: '+OK the real reply\r\n' },
    ]);
    const trace: TranscriptEntry[] = [];
    const pop = await fake.open({ ca: certs.ca, trace: (e) => trace.push(e) });
    expect((await pop.capa()).stls).toBe(true);
    await pop.stls();
    expect(pop.secure).toBe(true);
    expect(pop.capabilities?.sasl).toEqual(['PLAIN']);
    expect(pop.capabilities?.stls).toBe(false);
    expect((await pop.noop()).text).toBe('the real reply');
    expect(trace.some((e) => e.keyword === 'TLS' && /^TLS discarded 14 plaintext octets/.test(e.text))).toBe(true);
    expect(trace.some((e) => e.keyword === 'TLS' && /^TLS TLSv1\.[23]/.test(e.text))).toBe(true);
    await fake.done;
  });

  it("connect({ starttls: 'required' }) upgrades before returning", async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'CAPA' },
      { send: CAPA_PLAIN },
      { expect: 'STLS' },
      { send: '+OK go ahead\r\n' },
      { startTls: certs },
      { expect: 'CAPA' },
      { send: CAPA_TLS },
    ]);
    const client = await fake.open({ ca: certs.ca, starttls: 'required' });
    expect(client.secure).toBe(true);
  });

  it("connect({ starttls: 'required' }) fails without STLS in CAPA, sending no STLS", async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'CAPA' }, { send: '+OK\r\nUSER\r\n.\r\n' }, { expectClose: true }]);
    await expect(fake.open({ starttls: 'required' })).rejects.toMatchObject({ code: 'CAPABILITY_MISSING', capability: 'STLS' });
    await fake.done;
    expect(fake.received).toEqual(['CAPA']);
  });

  it("connect({ starttls: 'if-available' }) stays in plaintext when STLS is not offered", async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'CAPA' }, { send: '-ERR unknown command\r\n' }, { expect: 'NOOP' }, { send: '+OK\r\n' }]);
    const client = await fake.open({ starttls: 'if-available' });
    expect(client.secure).toBe(false);
    expect((await client.noop()).ok).toBe(true);
  });

  it('fails with TlsError and closes when the STLS certificate is not trusted', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'STLS' }, { send: '+OK\r\n' }, { startTls: certs }]);
    const client = await fake.open({ ca: otherCa.ca });
    await expect(client.stls()).rejects.toBeInstanceOf(TlsError);
    expect(client.state).toBe('CLOSED');
  });

  it('refuses a second STLS locally', async ({ fake }) => {
    await fake.start([{ startTls: certs }, { send: GREETING }]);
    const client = await fake.open({ tls: true, ca: certs.ca });
    const error = await client.stls().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Pop3StateError);
    expect(error).toMatchObject({ code: 'WRONG_STATE' });
  });

  it('reports -ERR to STLS as a reply error and stays usable', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'STLS' }, { send: '-ERR TLS not available\r\n' }, { expect: 'NOOP' }, { send: '+OK\r\n' }]);
    const client = await fake.open();
    await expect(client.stls()).rejects.toMatchObject({ code: 'ERR_REPLY' });
    expect((await client.noop()).ok).toBe(true);
  });
});
