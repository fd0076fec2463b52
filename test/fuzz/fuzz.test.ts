import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox-server';
import { RawPop3 } from '../helpers/raw-pop3';
import { fuzzScript, runFuzzScript } from './fuzz-session';
import { checkNormalSession } from './normal-session';

/**
 * The sandbox against random and mutated command streams (every keyword with random
 * arguments, random bytes, random splits, pipelining, several connections at once). Every
 * line must get exactly one well-formed reply, no handler may throw, and afterwards the
 * server still serves an ordinary session. The long run: `npm run fuzz -- --lines 1000000`.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

let sandbox: Sandbox;
const internalErrors: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ failedLoginDelayMs: 0, tlsPort: false });
  sandbox.log.on('internal-error', (error: Error, session: string) => internalErrors.push(`${session}: ${error.stack ?? error.message}`));
});

afterAll(async () => {
  await sandbox?.close();
});

it('answers every line of random command streams exactly once, on several connections at once', { timeout: 60_000 }, async () => {
  const accounts = sandbox.accounts;
  await fc.assert(
    fc.asyncProperty(fc.array(fuzzScript(accounts), { minLength: 1, maxLength: 4 }), async (scripts) => {
      const outcomes = await Promise.all(scripts.map((script) => runFuzzScript(sandbox.port, script)));
      expect(outcomes.flatMap((outcome) => outcome.problems)).toEqual([]);
      expect(internalErrors).toEqual([]);
      expect(sandbox.internalErrors).toHaveLength(0);
      // Deletions committed by QUIT would empty the maildrops: refill them now and then.
      if (outcomes.some((o) => o.replies > 0)) for (const { name } of accounts) await sandbox.resetMailbox(name);
    }),
    { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
  );
  await checkNormalSession(sandbox.port, sandbox.accounts[0]!);
});

it('survives raw random bytes, split anywhere, with no handler failing', { timeout: 60_000 }, async () => {
  const chunks = fc.array(fc.uint8Array({ maxLength: 600 }), { minLength: 1, maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(fc.array(chunks, { minLength: 1, maxLength: 3 }), async (connections) => {
      await Promise.all(
        connections.map(async (parts) => {
          const peer = await RawPop3.connectAndGreet(sandbox.port);
          for (const part of parts) {
            peer.write(Buffer.from(part));
            await new Promise((resolve) => setImmediate(resolve));
          }
          peer.socket.end();
          // The server answers what it understood, then closes (or closes at once).
          await peer.waitClosed();
        }),
      );
      expect(internalErrors).toEqual([]);
    }),
    { numRuns: Math.ceil(RUNS / 2), ...(SEED !== undefined ? { seed: SEED } : {}) },
  );
  await checkNormalSession(sandbox.port, sandbox.accounts[0]!);
  expect(sandbox.internalErrors).toHaveLength(0);
});

it('answers every line exactly once with Maildir storage too, resets during sessions included', { timeout: 60_000 }, async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-fuzz-maildir-'));
  const durable = await startSandbox({ failedLoginDelayMs: 0, tlsPort: false, maildir: dir });
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzScript(durable.accounts), { minLength: 1, maxLength: 4 }), async (scripts) => {
        // Reset one maildrop while the sessions run: those logged in keep their snapshot (RFC 1939 §4).
        const outcomes = await Promise.all([
          ...scripts.map((script) => runFuzzScript(durable.port, script)),
          durable.resetMailbox(durable.accounts[scripts.length % durable.accounts.length]!.name).then(() => undefined),
        ]);
        expect(outcomes.flatMap((outcome) => outcome?.problems ?? [])).toEqual([]);
        expect(durable.internalErrors).toHaveLength(0);
      }),
      { numRuns: Math.ceil(RUNS / 4), ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    await durable.resetMailbox(durable.accounts[0]!.name);
    await checkNormalSession(durable.port, durable.accounts[0]!);
  } finally {
    await durable.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
});
