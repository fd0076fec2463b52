import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';

// The library's types name the DOM's WebCrypto types; Node's webcrypto is the same API.
type X509Crypto = Parameters<typeof x509.cryptoProvider.set>[0];
type X509Key = x509.X509CertificateCreateWithKeyParams['signingKey'];
type X509KeyPair = x509.X509CertificateCreateSelfSignedParams['keys'];

x509.cryptoProvider.set(webcrypto as unknown as X509Crypto);

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

/**
 * The certificates for a sandbox: generated on first use in a process for a given set of names,
 * then shared by later sandboxes with the same names (a test suite starts hundreds; a client
 * holding the CA keeps working across a sandbox restart in the same process).
 */
export function sandboxCertificates(names: readonly string[] = []): Promise<SandboxCertificates> {
  const key = [...new Set(names)].sort().join('\n');
  let certificates = generated.get(key);
  if (!certificates) {
    certificates = createCertificates(names);
    generated.set(key, certificates);
    certificates.catch(() => generated.delete(key));
  }
  return certificates;
}

/**
 * Generates a CA and a server certificate for localhost, 127.0.0.1, ::1 and `names`.
 * The extensions follow RFC 5280 so that Node, Python's ssl, curl and openssl verify the chain
 * against the CA: CA with basicConstraints and keyCertSign; server with serverAuth,
 * digitalSignature and every name in subjectAltName (clients ignore the CN).
 */
export async function createCertificates(names: readonly string[] = []): Promise<SandboxCertificates> {
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const notAfter = new Date(Date.now() + VALIDITY_DAYS * 24 * 60 * 60 * 1000);
  const subtle = webcrypto.subtle;
  const [caKeys, serverKeys] = await Promise.all([
    subtle.generateKey(ALGORITHM, true, ['sign', 'verify']),
    subtle.generateKey(ALGORITHM, true, ['sign', 'verify']),
  ]);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: 'CN=pop3-playground sandbox CA, O=pop3-playground',
    keys: caKeys as unknown as X509KeyPair,
    signingAlgorithm: ALGORITHM,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as unknown as X509Key),
    ],
  });
  const altNames = [...new Set([...DEFAULT_TLS_NAMES, ...names])].map(
    (name): x509.JsonGeneralName => ({ type: isIP(name) ? 'ip' : 'dns', value: name }),
  );
  const serverCert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: 'CN=localhost, O=pop3-playground',
    issuer: caCert.subject,
    publicKey: serverKeys.publicKey as unknown as X509Key,
    signingKey: caKeys.privateKey as unknown as X509Key,
    signingAlgorithm: ALGORITHM,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(altNames),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey as unknown as X509Key),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey as unknown as X509Key),
    ],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    ca: caCert.toString('pem'),
    cert: serverCert.toString('pem'),
    key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}
