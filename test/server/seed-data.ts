import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SeedData } from '../../sandbox-server/browser';
import { SEED_DIR } from '../../sandbox-server/seed-loader';

/** The bundled seed as a browser page would hand it over: the manifest's text and each file's bytes. */
export function bundledSeedData(): SeedData {
  const manifest = readFileSync(path.join(SEED_DIR, 'manifest.json'), 'utf8');
  const messages = Object.values((JSON.parse(manifest) as { messages: Record<string, { file: string }> }).messages);
  return { manifest, files: new Map(messages.map(({ file }) => [file, readFileSync(path.join(SEED_DIR, file))])) };
}
