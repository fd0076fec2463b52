import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killHard, spawnTs, waitForLine, REPO_ROOT } from '../helpers/child-process';
import { RawPop3 } from '../helpers/raw-pop3';

/**
 * Two sandbox processes serving one Maildir tree: a maildrop locked by a session in one is
 * [IN-USE] in the other (RFC 1939 §4, RFC 2449 §8.1.1), and what one commits the other sees,
 * with the same unique-ids.
 */

let dir: string;
const servers: { child: ChildProcess; port: number }[] = [];

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawnTs(path.join(REPO_ROOT, 'sandbox-server/cli.ts'), ['--maildir', dir, '--port', '0', '--tls-port', 'off']);
  const ready = await waitForLine(child, /^sandbox ready: pop3:\/\/127\.0\.0\.1:(\d+) /, 15_000);
  const server = { child, port: Number(ready[1]) };
  servers.push(server);
  return server;
}

async function login(port: number): Promise<{ pop: RawPop3; reply: string }> {
  const pop = await RawPop3.connectAndGreet(port);
  await pop.command('USER bob');
  return { pop, reply: await pop.command('PASS builder') };
}

async function uidl(pop: RawPop3): Promise<string[]> {
  const { body } = await pop.multiline('UIDL');
  return body!.toString('latin1').split('\r\n').filter(Boolean).map((line) => line.split(' ')[1]!);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-maildir-shared-'));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => killHard(server.child)));
  await fs.rm(dir, { recursive: true, force: true });
});

it('locks each maildrop across two sandbox processes sharing one Maildir, and shares its changes', { timeout: 40_000 }, async () => {
  const [one, two] = await Promise.all([startServer(), startServer()]);

  const first = await login(one!.port);
  expect(first.reply).toMatch(/^\+OK/);
  const uids = await uidl(first.pop);
  const refused = await login(two!.port);
  expect(refused.reply).toMatch(/^-ERR \[IN-USE\]/);
  refused.pop.destroy();

  expect(await first.pop.command('DELE 2')).toMatch(/^\+OK/);
  expect(await first.pop.quit()).toMatch(/^\+OK/);

  const second = await login(two!.port);
  expect(second.reply).toMatch(/^\+OK/);
  expect(await uidl(second.pop)).toEqual(uids.filter((_, i) => i !== 1));
  expect(await second.pop.quit()).toMatch(/^\+OK/);
});
