// Keeps the state as JSON, adds to it rather than replacing it, and uses fs/promises.
import { readFile, writeFile } from 'node:fs/promises';
import type { Pop3Client } from 'pop3-playground';

export async function newMessages(pop: Pop3Client, stateFile: string): Promise<string[]> {
  let known: string[] = [];
  try {
    known = JSON.parse(await readFile(stateFile, 'utf8')) as string[];
  } catch {
    known = [];
  }
  const result: string[] = [];
  for (const { uid } of await pop.uidl()) {
    if (!known.includes(uid)) {
      result.push(uid);
      known.push(uid);
    }
  }
  await writeFile(stateFile, JSON.stringify(known));
  return result;
}
