import { toCanonicalCrlf } from '../src/protocol';
import { SandboxError } from './errors';

/** The manifest format this sandbox reads. */
export const SEED_FORMAT_VERSION = 1;

/** One account of the seed manifest. */
export interface SeedAccount {
  name: string;
  password: string;
  description: string;
  /** Seed message names, in maildrop order. */
  messages: string[];
}

/** One message of the seed manifest, with its canonical CRLF bytes. */
export interface SeedMessage {
  name: string;
  file: string;
  subject: string;
  description: string;
  tags: string[];
  date: string;
  from: string;
  /** The file's bytes, canonicalised (RFC 1939 §11: sizes count CRLF octets). */
  bytes: Buffer;
}

/** The loaded seed. */
export interface Seed {
  accounts: SeedAccount[];
  messages: ReadonlyMap<string, SeedMessage>;
}

/** `manifest.json` of a seed, as parsed: the accounts, and every message's file and facts. */
export interface SeedManifest {
  formatVersion: number;
  accounts: SeedAccount[];
  messages: Record<string, Omit<SeedMessage, 'name' | 'bytes'>>;
}

/**
 * Parses the text of a seed's `manifest.json`; `where` names it in errors.
 * @throws SandboxError `SEED_INVALID` for text that is not JSON or another format version.
 */
export function parseSeedManifest(text: string, where: string): SeedManifest {
  let manifest: SeedManifest;
  try {
    manifest = JSON.parse(text) as SeedManifest;
  } catch (error) {
    throw new SandboxError('SEED_INVALID', `cannot read the seed manifest in ${where}: ${(error as Error).message}`, { cause: error });
  }
  if (manifest.formatVersion !== SEED_FORMAT_VERSION) {
    throw new SandboxError('SEED_INVALID', `seed manifest formatVersion ${String(manifest.formatVersion)} is not ${SEED_FORMAT_VERSION}`);
  }
  return manifest;
}

/**
 * Builds the seed from its manifest and each message file's bytes (by the file name the
 * manifest gives), canonicalised with toCanonicalCrlf, in the manifest's order.
 * @throws SandboxError `SEED_INVALID` for a file not given or an account naming an unknown message.
 */
export function buildSeed(manifest: SeedManifest, files: ReadonlyMap<string, Uint8Array>): Seed {
  const messages = new Map<string, SeedMessage>();
  for (const [name, info] of Object.entries(manifest.messages)) {
    const raw = files.get(info.file);
    if (raw === undefined) throw new SandboxError('SEED_INVALID', `seed message ${name}: cannot read ${info.file}`);
    messages.set(name, { ...info, name, bytes: toCanonicalCrlf(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)) });
  }
  for (const account of manifest.accounts) {
    for (const name of account.messages) {
      if (!messages.has(name)) {
        throw new SandboxError('SEED_INVALID', `seed account ${account.name} lists ${name}, which the manifest does not define`);
      }
    }
  }
  return { accounts: manifest.accounts, messages };
}
