import { RawPop3 } from '../helpers/raw-pop3';

/** How long an ordinary login may find the maildrop still locked by a session that just ended. */
const UNLOCK_WAIT_MS = 5_000;

/**
 * An ordinary session must still work: login, STAT, LIST 1, RETR 1 (as many octets as listed),
 * QUIT. A maildrop still locked by a session the server is closing is retried for a while.
 * Throws, saying what happened, if anything goes wrong.
 */
export async function checkNormalSession(port: number, account: { name: string; password: string }): Promise<void> {
  const deadline = Date.now() + UNLOCK_WAIT_MS;
  for (;;) {
    const pop = await RawPop3.connectAndGreet(port);
    try {
      const user = await pop.command(`USER ${account.name}`);
      if (!user.startsWith('+OK')) throw new Error(`USER: ${user}`);
      const pass = await pop.command(`PASS ${account.password}`);
      if (pass.startsWith('-ERR [IN-USE]') && Date.now() < deadline) {
        await pop.quit();
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      if (!pass.startsWith('+OK')) throw new Error(`PASS: ${pass}`);
      const stat = await pop.command('STAT');
      const match = /^\+OK (\d+) (\d+)$/.exec(stat);
      if (!match || Number(match[1]) < 1) throw new Error(`STAT: ${stat}`);
      const list = await pop.command('LIST 1');
      const size = Number(/^\+OK 1 (\d+)$/.exec(list)?.[1] ?? NaN);
      const retr = await pop.multiline('RETR 1');
      if (!retr.status.startsWith('+OK') || retr.body?.length !== size) {
        throw new Error(`RETR 1: ${retr.status}, ${retr.body?.length} octets, LIST said ${list}`);
      }
      const quit = await pop.quit();
      if (!quit?.startsWith('+OK')) throw new Error(`QUIT: ${quit}`);
      return;
    } finally {
      pop.destroy();
    }
  }
}
