import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { toCanonicalCrlf } from '../src/protocol';
import { SandboxError } from './errors';
import type { NewMessage } from './storage';

/** Where the bundled seed lives: manifest.json and the .eml files beside it. */
export const SEED_DIR = path.join(__dirname, 'seed');

/** The manifest format this loader reads. */
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

interface ManifestFile {
  formatVersion: number;
  accounts: SeedAccount[];
  messages: Record<string, Omit<SeedMessage, 'name' | 'bytes'>>;
}

const cache = new Map<string, Promise<Seed>>();

/**
 * Reads the seed manifest and every message it names, canonicalised with toCanonicalCrlf.
 * The result is cached per directory: the seed is read once per process.
 * @throws SandboxError `SEED_INVALID` for a missing file, an unknown format or a dangling name.
 */
export function loadSeed(dir: string = SEED_DIR): Promise<Seed> {
  let seed = cache.get(dir);
  if (!seed) {
    seed = readSeed(dir);
    cache.set(dir, seed);
    seed.catch(() => cache.delete(dir));
  }
  return seed;
}

async function readSeed(dir: string): Promise<Seed> {
  let manifest: ManifestFile;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as ManifestFile;
  } catch (error) {
    throw new SandboxError('SEED_INVALID', `cannot read the seed manifest in ${dir}: ${(error as Error).message}`, { cause: error });
  }
  if (manifest.formatVersion !== SEED_FORMAT_VERSION) {
    throw new SandboxError('SEED_INVALID', `seed manifest formatVersion ${String(manifest.formatVersion)} is not ${SEED_FORMAT_VERSION}`);
  }
  const messages = new Map<string, SeedMessage>();
  await Promise.all(
    Object.entries(manifest.messages).map(async ([name, info]) => {
      let raw: Buffer;
      try {
        raw = await readFile(path.join(dir, info.file));
      } catch (error) {
        throw new SandboxError('SEED_INVALID', `seed message ${name}: cannot read ${info.file}`, { cause: error });
      }
      messages.set(name, { ...info, name, bytes: toCanonicalCrlf(raw) });
    }),
  );
  for (const account of manifest.accounts) {
    for (const name of account.messages) {
      if (!messages.has(name)) {
        throw new SandboxError('SEED_INVALID', `seed account ${account.name} lists ${name}, which the manifest does not define`);
      }
    }
  }
  // Keep the manifest's own message order, whatever order the reads finished in.
  const ordered = new Map<string, SeedMessage>();
  for (const name of Object.keys(manifest.messages)) ordered.set(name, messages.get(name)!);
  return { accounts: manifest.accounts, messages: ordered };
}

/**
 * Reads every `.eml` file of a folder, in file-name order, as messages to store.
 * Each message's seedName is its file name without `.eml`.
 * @throws SandboxError `BAD_OPTION` when the folder cannot be read.
 */
export async function loadEmlDir(dir: string): Promise<NewMessage[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile() && d.name.toLowerCase().endsWith('.eml'))
      .map((d) => d.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (error) {
    throw new SandboxError('BAD_OPTION', `cannot read the message folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return Promise.all(
    names.map(async (name) => ({
      bytes: toCanonicalCrlf(await readFile(path.join(dir, name))),
      seedName: name.slice(0, -'.eml'.length),
    })),
  );
}
