import type * as X509Module from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { generateCertificatesInWorker } from './certificate-worker';

// The library's types name the DOM's WebCrypto types; Node's webcrypto is the same API.
type X509Crypto = Parameters<typeof X509Module.cryptoProvider.set>[0];
type X509Key = X509Module.X509CertificateCreateWithKeyParams['signingKey'];
type X509KeyPair = X509Module.X509CertificateCreateSelfSignedParams['keys'];

let x509Module: typeof X509Module | undefined;

/** The library, loaded on first use: it takes ~150 ms, which a process that never generates skips. */
function loadX509(): typeof X509Module {
  if (!x509Module) {
    require('reflect-metadata');
    x509Module = require('@peculiar/x509') as typeof X509Module;
    x509Module.cryptoProvider.set(webcrypto as unknown as X509Crypto);
  }
  return x509Module;
}

/** PEM texts of a fresh certificate authority and the server certificate it signed. */
export interface SandboxCertificates {
  /** The CA certificate: what clients trust (`ca` option, `--ca-out`). */
  ca: string;
  /** The server certificate. */
  cert: string;
  /** The server's private key (PKCS #8). */
  key: string;
}

/** Names every sandbox certificate carries. */
export const DEFAULT_TLS_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** How long the certificates stay valid: a sandbox is short-lived, but a workshop may run for days. */
const VALIDITY_DAYS = 30;
/** Backdating absorbs small clock differences between machines. */
const BACKDATE_MS = 60 * 60 * 1000;

/** ECDSA P-256 with SHA-256: fast to generate, accepted by every current TLS stack. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A random positive serial number (RFC 5280 §4.1.2.2: at most 20 octets, positive). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

const generated = new Map<string, Promise<SandboxCertificates>>();

/** One cache entry per set of names, in any order. */
const namesKey = (names: readonly string[]): string => [...new Set(names)].sort().join('\n');

/**
 * The certificates for a sandbox: generated on first use in a process for a given set of names,
 * then shared by later sandboxes with the same names (a test suite starts hundreds; a client
 * holding the CA keeps working across a sandbox restart in the same process).
 */
export function sandboxCertificates(names: readonly string[] = []): Promise<SandboxCertificates> {
  const key = namesKey(names);
  let certificates = generated.get(key);
  if (!certificates) {
    certificates = createCertificates(names);
    generated.set(key, certificates);
    certificates.catch(() => generated.delete(key));
  }
  return certificates;
}

/**
 * Starts generating the certificates for `names` on a worker thread, so that loading the
 * library and signing overlap with the caller's own start-up; the next sandboxCertificates
 * (startSandbox) with the same names gets them. Falls back to this thread if the worker fails.
 */
export function prepareSandboxCertificates(names: readonly string[] = []): void {
  const key = namesKey(names);
  if (generated.has(key)) return;
  const certificates = generateCertificatesInWorker(names).catch(() => createCertificates(names));
  generated.set(key, certificates);
  certificates.catch(() => generated.delete(key));
}

/** A certificate authority: its certificate, and the key that signs server certificates with it. */
export interface CertificateAuthority {
  /** PEM of the CA certificate: what clients trust. */
  ca: string;
  /** PEM of the CA's private key (PKCS #8). Keep it where only the server reads it. */
  caKey: string;
}

/**
 * Generates a CA and a server certificate for localhost, 127.0.0.1, ::1 and `names`.
 * The extensions follow RFC 5280 so that Node, Python's ssl, curl and openssl verify the chain
 * against the CA: CA with basicConstraints and keyCertSign; server with serverAuth,
 * digitalSignature and every name in subjectAltName (clients ignore the CN).
 */
export async function createCertificates(names: readonly string[] = []): Promise<SandboxCertificates> {
  return issueServerCertificate(await createCertificateAuthority(), names);
}

/** Generates a fresh CA (RFC 5280 §4.2.1.9: basicConstraints cA, pathLen 0; keyCertSign). */
export async function createCertificateAuthority(validityDays = VALIDITY_DAYS): Promise<CertificateAuthority> {
  const x509 = loadX509();
  const subtle = webcrypto.subtle;
  const caKeys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: 'CN=pop3-playground sandbox CA, O=pop3-playground',
    keys: caKeys as unknown as X509KeyPair,
    signingAlgorithm: ALGORITHM,
    ...validity(validityDays),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as unknown as X509Key),
    ],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', caKeys.privateKey);
  return { ca: caCert.toString('pem'), caKey: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

/**
 * Issues a server certificate for localhost, 127.0.0.1, ::1 and `names`, signed by `authority`
 * (so a server can get a new certificate for new names while clients keep trusting its CA).
 */
export async function issueServerCertificate(
  authority: CertificateAuthority,
  names: readonly string[] = [],
  validityDays = VALIDITY_DAYS,
): Promise<SandboxCertificates> {
  const x509 = loadX509();
  const subtle = webcrypto.subtle;
  const caCert = new x509.X509Certificate(authority.ca);
  const caKey = await subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(authority.caKey), ALGORITHM, false, ['sign']);
  const serverKeys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const altNames = [...new Set([...DEFAULT_TLS_NAMES, ...names])].map(
    (name): X509Module.JsonGeneralName => ({ type: isIP(name) ? 'ip' : 'dns', value: name }),
  );
  const serverCert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: 'CN=localhost, O=pop3-playground',
    issuer: caCert.subject,
    publicKey: serverKeys.publicKey as unknown as X509Key,
    signingKey: caKey as unknown as X509Key,
    signingAlgorithm: ALGORITHM,
    ...validity(validityDays),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(altNames),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey as unknown as X509Key),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', serverKeys.privateKey);
  return { ca: authority.ca, cert: serverCert.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

/** Validity from a little in the past (clock skew) to `days` ahead. */
function validity(days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(Date.now() - BACKDATE_MS), notAfter: new Date(Date.now() + days * 24 * 60 * 60 * 1000) };
}
