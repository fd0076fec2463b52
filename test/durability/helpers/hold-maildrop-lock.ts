// Takes the maildrop lock of one account in a Maildir tree and holds it until killed:
//   node -r ./src/register.js test/durability/helpers/hold-maildrop-lock.ts DIR ACCOUNT
import { createMaildirStorage } from '../../../sandbox-server/maildir/storage';

async function main(): Promise<void> {
  const [dir, account] = process.argv.slice(2);
  if (dir === undefined || account === undefined) throw new Error('usage: hold-maildrop-lock DIR ACCOUNT');
  const storage = await createMaildirStorage(dir);
  const release = await storage.lock(account);
  process.stdout.write(release ? `locked ${process.pid}\n` : `in-use ${process.pid}\n`);
  // Stay alive, holding the lock, until the test kills us.
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
