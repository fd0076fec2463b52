import { expect, test } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../sandbox-server';
import { startSandbox } from '../../sandbox-server';
import { RawPop3 } from '../helpers/raw-pop3';

/** What server tests get: a fresh sandbox (its own copy of the seed) and a way to connect to it. */
export interface ServerFixture {
  sandbox: Sandbox;
  /** Opens a raw connection to the POP3 port (the greeting is not read). */
  connect(): Promise<RawPop3>;
  /** Opens a raw connection and reads the greeting (kept in `greeting`): ready for a first command. */
  ready(): Promise<RawPop3>;
  /** Opens a raw connection and logs in with USER/PASS. */
  login(user?: string, password?: string): Promise<RawPop3>;
}

/**
 * A vitest `test` whose tests each get a fresh sandbox, closed afterwards. No failed-login pause
 * unless the options ask for one. Every test also checks that no handler failed internally.
 */
export function serverTest(options: SandboxOptions = {}) {
  return test.extend<{ server: ServerFixture }>({
    server: async ({}, use) => {
      const sandbox = await startSandbox({ failedLoginDelayMs: 0, ...options });
      const clients: RawPop3[] = [];
      const connect = async (): Promise<RawPop3> => {
        const client = await RawPop3.connect(sandbox.port, sandbox.host);
        clients.push(client);
        return client;
      };
      const ready = async (): Promise<RawPop3> => {
        const client = await connect();
        client.greeting = await client.readLine();
        return client;
      };
      const login = async (user = 'alice', password = 'wonderland'): Promise<RawPop3> => {
        const client = await connect();
        await client.login(user, password);
        return client;
      };
      try {
        await use({ sandbox, connect, ready, login });
        expect(sandbox.internalErrors, 'no handler failed internally').toEqual([]);
      } finally {
        for (const client of clients) client.destroy();
        await sandbox.close();
      }
    },
  });
}

/** The entries of one session, formatted as trace lines (`C: ...`, `S: ...`, `*  ...`). */
export function traceOf(sandbox: Sandbox, session: string): string[] {
  return sandbox.log.entries
    .filter((e) => e.session === session)
    .map((e) => `${e.direction === '*' ? '* ' : `${e.direction}:`} ${e.text}`);
}

/** Waits until the session log holds an entry matching `match`, and returns it. */
export function waitForEntry(
  sandbox: Sandbox,
  match: (e: Sandbox['log']['entries'][number]) => boolean,
  timeoutMs = 3000,
): Promise<Sandbox['log']['entries'][number]> {
  const found = sandbox.log.entries.find(match);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const onEntry = (entry: Sandbox['log']['entries'][number]): void => {
      if (!match(entry)) return;
      clearTimeout(timer);
      sandbox.log.off('entry', onEntry);
      resolve(entry);
    };
    const timer = setTimeout(() => {
      sandbox.log.off('entry', onEntry);
      const last = sandbox.log.entries.slice(-8).map((e) => `${e.session} ${e.direction} ${e.text}`);
      reject(new Error(`no matching log entry after ${timeoutMs} ms; last entries:\n${last.join('\n')}`));
    }, timeoutMs);
    sandbox.log.on('entry', onEntry);
  });
}
