import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runProgram } from '../child-process';

/** Files of a throw-away certificate authority and the server certificate it signed. */
export interface TestCertificates {
  /** PEM of the CA; clients pass it as their only trust anchor. */
  caPem: string;
  certPath: string;
  keyPath: string;
}

const OPENSSL_TIMEOUT_MS = 15_000;

/**
 * Creates, with the `openssl` program, a private CA and a server certificate for `localhost`,
 * `127.0.0.1` and any extra `names`, valid for two days. EC P-256 keys keep it fast.
 * A private config file is used so the system's openssl.cnf cannot add or clash with extensions.
 */
export async function createTestCertificates(dir: string, names: readonly string[] = []): Promise<TestCertificates> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = (name: string): string => path.join(dir, name);
  const altNames = ['DNS:localhost', 'IP:127.0.0.1', ...names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`))];
  await fs.writeFile(
    file('openssl.cnf'),
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = pop3-playground test',
      '[ca_ext]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '[server_ext]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${altNames.join(',')}`,
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const config = ['-config', file('openssl.cnf')];
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await runOpenssl(['req', '-x509', ...config, '-extensions', 'ca_ext', ...newKey, '-keyout', file('ca.key'),
    '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=pop3-playground test CA']);
  await runOpenssl(['req', '-new', ...config, ...newKey, '-keyout', file('server.key'), '-out', file('server.csr'),
    '-subj', '/CN=localhost']);
  await runOpenssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', '2', '-extfile', file('openssl.cnf'),
    '-extensions', 'server_ext', '-out', file('server.pem')]);
  return { caPem: await fs.readFile(file('ca.pem'), 'utf8'), certPath: file('server.pem'), keyPath: file('server.key') };
}

async function runOpenssl(args: string[]): Promise<void> {
  const result = await runProgram('openssl', args, { timeoutMs: OPENSSL_TIMEOUT_MS });
  if (result.code !== 0) throw new Error(`openssl ${args[0]} failed (exit ${result.code ?? result.signal})\n${result.stderr.toString('utf8')}`);
}
