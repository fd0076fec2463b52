import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Pop3Client } from 'pop3-playground';

export async function newMessages(pop: Pop3Client, stateFile: string): Promise<string[]> {
  const seen = new Set(existsSync(stateFile) ? readFileSync(stateFile, 'utf8').split('\n').filter(Boolean) : []);
  const fresh: string[] = [];
  const all: string[] = [];
  for (const entry of await pop.uidl()) {
    all.push(entry.uid);
    if (!seen.has(entry.uid) && (await pop.top(entry.n, 0)).header('date') !== undefined) fresh.push(entry.uid);
  }
  writeFileSync(stateFile, all.join('\n'));
  return fresh;
}
