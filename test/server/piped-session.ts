import { expect } from 'vitest';
import type { ServerFixture } from './sandbox-fixture';

/**
 * Pipes bob's login, `DELE 1` and `QUIT` in one write and half-closes, as `printf ... | nc`
 * does; expects every command answered, the connection then closed, and UPDATE run (RFC 1939 §6).
 */
export async function expectPipedQuitCommits(server: ServerFixture): Promise<void> {
  const client = await server.ready();
  client.write('USER bob\r\nPASS builder\r\nDELE 1\r\nQUIT\r\n');
  client.socket.end();
  expect(await client.readLine()).toMatch(/^\+OK now send PASS/);
  expect(await client.readLine()).toMatch(/^\+OK bob's maildrop/);
  expect(await client.readLine()).toBe('+OK message 1 deleted');
  expect(await client.readLine()).toBe('+OK POP3 sandbox signing off (6 messages left)');
  await client.waitClosed();
  expect(server.sandbox.log.entries.some((e) => e.keyword === 'UPDATE')).toBe(true);
}
