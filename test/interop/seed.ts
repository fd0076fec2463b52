import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { toCanonicalCrlf } from '../../src/protocol';

const SEED_DIR = path.join(__dirname, '..', '..', 'sandbox-server', 'seed');

interface Manifest {
  accounts: { name: string; password: string; messages: string[] }[];
  messages: Record<string, { file: string }>;
}

/** One seed message: its manifest name and the canonical CRLF bytes a server must send for it. */
export interface SeedMessage {
  name: string;
  raw: Buffer;
  canonical: Buffer;
}

/** A seed account as the manifest describes it, its messages in maildrop order. */
export interface SeedAccount {
  name: string;
  password: string;
  messages: SeedMessage[];
}

/** Reads a seed account from sandbox-server/seed/manifest.json and its .eml files. */
export function loadSeedAccount(name: string): SeedAccount {
  const manifest = JSON.parse(readFileSync(path.join(SEED_DIR, 'manifest.json'), 'utf8')) as Manifest;
  const account = manifest.accounts.find((a) => a.name === name);
  if (!account) throw new Error(`seed manifest has no account ${name}`);
  return {
    name: account.name,
    password: account.password,
    messages: account.messages.map((messageName) => {
      const entry = manifest.messages[messageName];
      if (!entry) throw new Error(`seed manifest has no message ${messageName}`);
      const raw = readFileSync(path.join(SEED_DIR, entry.file));
      return { name: messageName, raw, canonical: toCanonicalCrlf(raw) };
    }),
  };
}
