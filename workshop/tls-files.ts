import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CertificateAuthority, SandboxCertificates } from '../sandbox-server';
import { createCertificateAuthority, issueServerCertificate } from '../sandbox-server';
import { isLoopback } from '../src/protocol/address';
import { writeFileAtomic } from './files';

/** The classroom's CA outlives a workshop of several days, and every restart in between. */
const CA_VALIDITY_DAYS = 365;
/** A server certificate is reissued this long before it expires. */
const RENEW_BEFORE_MS = 2 * 24 * 60 * 60 * 1000;

/** A DNS name a certificate can carry (RFC 1123 labels). */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;

/**
 * The names learners may reach the classroom by: the listen address (every address of this
 * machine when it listens on all of them), the host name and its `.local` form, and `extra`.
 */
export function classroomNames(host: string, extra: readonly string[] = []): string[] {
  const names = new Set<string>();
  if (host === '0.0.0.0' || host === '::') {
    for (const addresses of Object.values(os.networkInterfaces())) {
      for (const address of addresses ?? []) if (!address.internal) names.add(address.address.replace(/%.*$/, ''));
    }
    const hostname = os.hostname();
    if (DNS_NAME.test(hostname)) {
      names.add(hostname);
      if (!hostname.includes('.')) names.add(`${hostname}.local`);
    }
  } else if (!isLoopback(host)) names.add(host);
  for (const name of extra) names.add(name);
  return [...names].filter((name) => isIP(name) !== 0 || DNS_NAME.test(name)).sort();
}

/** The CA's fingerprint as a learner's join URL pins it: SHA-256 of its DER, first 20 hex digits. */
export function caPin(caPem: string): string {
  return createHash('sha256').update(new X509Certificate(caPem).raw).digest('hex').slice(0, 20);
}

/**
 * The classroom's certificates, kept under `dir` (`tls/` of the data folder): the CA is made
 * once and kept, so learners' trust in it survives every restart; the server certificate is
 * reissued by that CA when the names change (another network) or it nears its end.
 */
export async function loadOrCreateCertificates(dir: string, names: readonly string[]): Promise<SandboxCertificates> {
  const file = (name: string): string => path.join(dir, name);
  let authority = readAuthority(file('ca.pem'), file('ca-key.pem'));
  if (!authority) {
    authority = await createCertificateAuthority(CA_VALIDITY_DAYS);
    writeFileAtomic(file('ca-key.pem'), authority.caKey, 0o600);
    writeFileAtomic(file('ca.pem'), authority.ca);
  }
  const current = readServer(file('server.pem'), file('server-key.pem'), authority);
  if (current && coversNames(current.cert, names) && new Date(new X509Certificate(current.cert).validTo).getTime() - Date.now() > RENEW_BEFORE_MS) {
    return current;
  }
  const issued = await issueServerCertificate(authority, names);
  writeFileAtomic(file('server-key.pem'), issued.key, 0o600);
  writeFileAtomic(file('server.pem'), issued.cert);
  return issued;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readAuthority(caFile: string, keyFile: string): CertificateAuthority | undefined {
  const ca = readText(caFile);
  const caKey = readText(keyFile);
  return ca && caKey ? { ca, caKey } : undefined;
}

function readServer(certFile: string, keyFile: string, authority: CertificateAuthority): SandboxCertificates | undefined {
  const cert = readText(certFile);
  const key = readText(keyFile);
  if (!cert || !key) return undefined;
  try {
    // A certificate from another CA (a folder restored in pieces) is reissued.
    if (!new X509Certificate(cert).checkIssued(new X509Certificate(authority.ca))) return undefined;
  } catch {
    return undefined;
  }
  return { ca: authority.ca, cert, key };
}

function coversNames(certPem: string, names: readonly string[]): boolean {
  const alt = new X509Certificate(certPem).subjectAltName ?? '';
  const present = new Set(alt.split(', ').map((entry) => entry.replace(/^(DNS|IP Address):/, '')));
  return names.every((name) => present.has(name) || present.has(expandIpv6(name)));
}

/** Node prints IPv6 subjectAltNames in full (`0:0:0:0:0:0:0:1`). */
function expandIpv6(name: string): string {
  if (isIP(name) !== 6) return name;
  const [head = '', tail = ''] = name.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const zeros = name.includes('::') ? Array<string>(8 - h.length - t.length).fill('0') : [];
  return [...h, ...zeros, ...t].map((part) => part.replace(/^0+(?=.)/, '').toUpperCase()).join(':');
}
