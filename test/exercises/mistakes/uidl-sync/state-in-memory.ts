import type { Pop3Client } from 'pop3-playground';

const seen = new Set<string>();

export async function newMessages(pop: Pop3Client, _stateFile: string): Promise<string[]> {
  const fresh = (await pop.uidl()).map((e) => e.uid).filter((uid) => !seen.has(uid));
  for (const uid of fresh) seen.add(uid);
  return fresh;
}
