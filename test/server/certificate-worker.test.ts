import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { generateCertificatesInWorker } from '../../sandbox-server/certificate-worker';
import { prepareSandboxCertificates, sandboxCertificates } from '../../sandbox-server/certificates';

describe('certificates made on a worker thread', () => {
  it('gives a CA and a server certificate for the names that a TLS client verifies', async () => {
    const certificates = await generateCertificatesInWorker(['pop.example.test']);
    const ca = new X509Certificate(certificates.ca);
    const cert = new X509Certificate(certificates.cert);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain('DNS:pop.example.test');
    expect(cert.subjectAltName).toContain('DNS:localhost');

    const server = tls.createServer({ key: certificates.key, cert: certificates.cert }, (socket) => socket.end('+OK\r\n'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    try {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'pop.example.test', ca: certificates.ca });
      await once(socket, 'secureConnect');
      expect(socket.authorized).toBe(true);
      socket.destroy();
    } finally {
      server.close();
    }
  });

  it('gives up on a worker that does not answer in time, so the caller can generate itself', async () => {
    await expect(generateCertificatesInWorker([], 1)).rejects.toThrow('the certificate worker gave no answer within 1 ms');
  });

  it('hands what prepareSandboxCertificates started to the next sandboxCertificates for the same names', async () => {
    const names = ['prepared.example.test', 'other.example.test'];
    prepareSandboxCertificates(names);
    const first = sandboxCertificates([...names].reverse());
    const again = await sandboxCertificates(names);
    expect(await first).toBe(again);
    expect(new X509Certificate(again.cert).subjectAltName).toContain('DNS:prepared.example.test');
  });
});
