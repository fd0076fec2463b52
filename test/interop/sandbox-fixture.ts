import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox-server';

/** A running sandbox plus its CA written to a file, for programs that take a --cacert path. */
export interface SandboxFixture {
  sandbox: Sandbox;
  /** PEM file of the CA that signed the sandbox's certificate. */
  caFile: string;
  /** A scratch directory removed after the suite (for downloads). */
  dir: string;
}

/**
 * Starts a sandbox (fresh in-memory copy of the seed) before the suite and closes it after.
 * The returned object is filled in by beforeAll; read its fields inside tests only.
 */
export function useSandbox(): SandboxFixture {
  const fixture = {} as SandboxFixture;
  beforeAll(async () => {
    fixture.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-interop-'));
    // A short failed-login delay: the tests include wrong passwords on purpose.
    fixture.sandbox = await startSandbox({ failedLoginDelayMs: 10 });
    fixture.caFile = path.join(fixture.dir, 'ca.pem');
    await fs.writeFile(fixture.caFile, fixture.sandbox.ca);
  });
  afterAll(async () => {
    await fixture.sandbox?.close();
    if (fixture.dir) await fs.rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

/** The header section of a canonical message: up to and including the first empty line. */
export function headerSection(canonical: Buffer): Buffer {
  const end = canonical.indexOf('\r\n\r\n');
  // RFC 1939 §7: a message without a blank line gets one added after its headers by TOP.
  return end === -1 ? Buffer.concat([canonical, Buffer.from('\r\n')]) : canonical.subarray(0, end + 4);
}
