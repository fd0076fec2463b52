// Changes one maildrop without pause (remove, append, replace) until killed, printing each step:
//   node -r ./src/register.js test/durability/helpers/churn-maildir.ts DIR ACCOUNT FIRST_K
// Output lines (JSON after the word):
//   ready
//   begin {"op":"remove"|"append"|"replace","before":[[uid,k],...],"uids"?:[...],"ks"?:[...]}
//   end {"after":[[uid,k],...]}
import { createMaildirStorage } from '../../../sandbox-server/maildir/storage';
import type { MailStorage } from '../../../sandbox-server/storage';
import { makeChurnMessage, churnKeyOf } from './churn-message';

async function snapshot(storage: MailStorage, account: string): Promise<[string, number][]> {
  const messages = await storage.list(account);
  return Promise.all(messages.map(async (m) => [m.uid, churnKeyOf(await m.read())] as [string, number]));
}

async function main(): Promise<void> {
  const [dir, account, firstK] = process.argv.slice(2);
  if (dir === undefined || account === undefined || firstK === undefined) throw new Error('usage: churn-maildir DIR ACCOUNT FIRST_K');
  const storage = await createMaildirStorage(dir);
  let k = Number(firstK);
  let before = await snapshot(storage, account);
  process.stdout.write('ready\n');
  for (let step = 0; ; step++) {
    if (before.length < 3 || step % 4 === 1) {
      const ks = [k++, k++];
      process.stdout.write(`begin ${JSON.stringify({ op: 'append', before, ks })}\n`);
      await storage.append(account, ks.map((key) => ({ bytes: makeChurnMessage(key) })));
    } else if (step % 7 === 3) {
      const ks = [k++, k++, k++];
      process.stdout.write(`begin ${JSON.stringify({ op: 'replace', before, ks })}\n`);
      await storage.replace(account, ks.map((key) => ({ bytes: makeChurnMessage(key) })));
    } else {
      // A QUIT's removal: every other message, so the batch is spread over the maildrop.
      const uids = before.filter((_, i) => i % 2 === step % 2).map(([uid]) => uid);
      process.stdout.write(`begin ${JSON.stringify({ op: 'remove', before, uids })}\n`);
      await storage.remove(account, uids);
    }
    before = await snapshot(storage, account);
    process.stdout.write(`end ${JSON.stringify({ after: before })}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
