// Appends each new unique-id to the file as it is found; a Map from uid to message-number.
import { appendFileSync, readFileSync } from 'node:fs';
import type { Pop3Client } from 'pop3-playground';

const readSeen = (file: string): ReadonlySet<string> => {
  try {
    return new Set(readFileSync(file, 'latin1').split(/\r?\n/));
  } catch {
    return new Set();
  }
};

export const newMessages = async (pop: Pop3Client, stateFile: string): Promise<string[]> => {
  const seen = readSeen(stateFile);
  const byUid = new Map((await pop.uidl()).map((e) => [e.uid, e.n] as const));
  const fresh = [...byUid.keys()].filter((uid) => !seen.has(uid));
  for (const uid of fresh) appendFileSync(stateFile, `${uid}\n`);
  return fresh;
};
