import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { toCanonicalCrlf } from '../src/protocol';
import type { AccountOption, UserOption } from './accounts';
import { checkUserOption } from './accounts';
import { SandboxError } from './errors';
import type { Seed } from './seed';
import { buildSeed, parseSeedManifest } from './seed';
import type { NewMessage } from './storage';

/** Where the bundled seed lives: manifest.json and the .eml files beside it. */
export const SEED_DIR = path.join(__dirname, 'seed');

const cache = new Map<string, Promise<Seed>>();

/**
 * Reads the seed manifest and every message it names from a folder (see buildSeed).
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
  let text: string;
  try {
    text = await readFile(path.join(dir, 'manifest.json'), 'utf8');
  } catch (error) {
    throw new SandboxError('SEED_INVALID', `cannot read the seed manifest in ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const manifest = parseSeedManifest(text, dir);
  const files = new Map<string, Uint8Array>();
  await Promise.all(
    Object.entries(manifest.messages).map(async ([name, info]) => {
      try {
        files.set(info.file, await readFile(path.join(dir, info.file)));
      } catch (error) {
        throw new SandboxError('SEED_INVALID', `seed message ${name}: cannot read ${info.file}`, { cause: error });
      }
    }),
  );
  return buildSeed(manifest, files);
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

/** The accounts the options ask for, with the mailboxes of `emlDir` read. @throws SandboxError `BAD_OPTION`. */
export function loadUsers(users: readonly UserOption[]): Promise<AccountOption[]> {
  return Promise.all(
    users.map(async ({ emlDir, ...user }) => {
      checkUserOption(user);
      return emlDir === undefined ? user : { ...user, messages: await loadEmlDir(emlDir) };
    }),
  );
}
