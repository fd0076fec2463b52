import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './repl-harness';
import type { ReplHarness } from './repl-harness';

// Raw mode reads the command table: which keywords fit the session's state, where a +OK
// leads, and which commands may be followed before their reply is complete.
let h: ReplHarness;
beforeAll(async () => {
  h = await startHarness({ fast: true });
  await h.waitFor(/\n> $/);
});
afterAll(async () => {
  await h?.close();
});

/** Tab completion as node:repl asks for it. */
function complete(line: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const server = h.repl.server as unknown as { completer(line: string, cb: (err: Error | null, result: [string[], string]) => void): unknown };
    const direct = server.completer(line, (err, result) => (err ? reject(err) : resolve(result[0])));
    if (Array.isArray(direct)) resolve(direct[0] as string[]);
  });
}

/** Status lines printed so far (a reply may follow a prompt on the same line). */
const replyCount = (): number => (h.output().match(/(?:^|\n|> )(?:\+OK|-ERR)/g) ?? []).length;

/** Hands lines to node:repl's eval as a paste at a terminal does (all at once); resolves with the order their evaluations ended. */
function paste(lines: readonly string[]): { ended: Promise<string[]>; order: string[] } {
  const order: string[] = [];
  const server = h.repl.server as unknown as { eval(code: string, context: unknown, file: string, cb: (err: Error | null) => void): void };
  const ended = Promise.all(
    lines.map(
      (line) =>
        new Promise<void>((resolve) =>
          server.eval(`${line}\n`, undefined, 'repl', () => {
            order.push(`${line} ended; ${replyCount()} replies shown`);
            resolve();
          }),
        ),
    ),
  ).then(() => order);
  return { ended, order };
}

describe('raw mode and the command table', () => {
  it('completes only the keywords the session state allows, never the obsolete ones', async () => {
    expect(await h.run('.raw')).toMatch(/^Raw mode/);
    const before = await complete('');
    expect(before).toEqual(expect.arrayContaining(['USER', 'PASS', 'APOP', 'AUTH', 'CAPA', 'QUIT', 'STLS']));
    expect(before).not.toContain('STAT');
    expect(before).not.toContain('RPOP');
    expect(await complete('R')).toEqual([]);
    await h.run('USER alice');
    await h.run('PASS wonderland');
    const after = await complete('');
    expect(after).toEqual(expect.arrayContaining(['STAT', 'LIST', 'RETR', 'DELE', 'RSET', 'TOP', 'UIDL', 'CAPA', 'QUIT', 'NOOP']));
    expect(after).not.toContain('USER');
    expect(await complete('R')).toEqual(['RETR', 'RSET']);
  });

  it('hands a pasted pipelinable line over before its reply is complete, and prints replies in order', async () => {
    const shownBefore = replyCount();
    h.embedded.target.setFaults?.({ delayMs: 200 });
    try {
      const { ended } = paste(['NOOP', 'STAT', 'NOOP']);
      const order = (await ended).map((line) => line.replace(/(\d+) replies/, (_, n: string) => `${Number(n) - shownBefore} replies`));
      // The first two went on at once; the last line waited for every reply before it.
      expect(order).toEqual(['NOOP ended; 0 replies shown', 'STAT ended; 0 replies shown', 'NOOP ended; 3 replies shown']);
      expect(h.output()).toMatch(/\+OK[^\n]*\n\+OK \d+ \d+\n\+OK[^\n]*\n/);
    } finally {
      h.embedded.target.setFaults?.(undefined);
    }
  });

  it('waits for the reply of a line whose successor depends on it (QUIT), and leaves when the server closes', async () => {
    const { ended } = paste(['QUIT']);
    expect(await ended).toEqual([expect.stringMatching(/^QUIT ended/)]);
    expect(h.output()).toContain('Left raw mode; back to TypeScript.');
    expect(await h.run('1 + 1')).toBe('2\n');
  });
});
