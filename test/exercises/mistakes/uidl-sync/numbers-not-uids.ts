import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Pop3Client } from 'pop3-playground';

export async function newMessages(pop: Pop3Client, stateFile: string): Promise<string[]> {
  const seen = new Set(existsSync(stateFile) ? readFileSync(stateFile, 'utf8').split('\n').filter(Boolean) : []);
  const listing = await pop.uidl();
  const fresh = listing.filter((e) => !seen.has(String(e.n)));
  writeFileSync(stateFile, listing.map((e) => `${e.n}\n`).join(''));
  return fresh.map((e) => e.uid);
}
