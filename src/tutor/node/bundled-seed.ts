import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { toCanonicalCrlf } from '../../protocol/multiline';
import { createSeedLookup } from '../seed-facts';
import type { SeedLookup, SeedManifestEntry } from '../seed-facts';

/**
 * The sandbox's bundled seed, read as data: the tutor never imports the server's code (only the
 * CLI does), so it names the folder instead of borrowing sandbox-server's constant.
 */
export const BUNDLED_SEED_DIR = path.join(__dirname, '..', '..', '..', 'sandbox-server', 'seed');

const lookups = new Map<string, SeedLookup>();

/**
 * A lookup over the seed folder `dir` (the sandbox's bundled seed by default), one per folder
 * and process: the manifest and each message file are read once, when first asked for.
 */
export function seedFolderLookup(dir: string = BUNDLED_SEED_DIR): SeedLookup {
  const known = lookups.get(dir);
  if (known) return known;
  const lookup = createSeedLookup({
    messages: () => (JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { messages: Record<string, SeedManifestEntry> }).messages,
    size: (file) => toCanonicalCrlf(readFileSync(path.join(dir, file))).length,
  });
  lookups.set(dir, lookup);
  return lookup;
}
