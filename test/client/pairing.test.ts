import fc from 'fast-check';
import { describe, expect } from 'vitest';
import type { Pop3Client } from '../../src/client';
import { fakeServerTest, GREETING, type FakePeer } from './fake-server';

/**
 * Every command resolves with its own reply, or fails: never with another command's reply or a
 * stray line (RFC 1939 §3, RFC 2449 §6.6). Commands are pipelined in random groups, each reply
 * names the command it answers, the byte stream is split anywhere, and a stray line may follow
 * any group. Stuffing is written out by hand here, independently of src/protocol.
 */

type Kind = 'NOOP' | 'STAT' | 'LIST n' | 'UIDL n' | 'DELE' | 'RSET' | 'LIST' | 'UIDL' | 'RETR' | 'TOP';
const KINDS: readonly Kind[] = ['NOOP', 'STAT', 'LIST n', 'UIDL n', 'DELE', 'RSET', 'LIST', 'UIDL', 'RETR', 'TOP'];

interface Command {
  kind: Kind;
  /** The message-number it names, for the kinds that take one. */
  n: number;
  /** Answered with -ERR instead of +OK. */
  refused: boolean;
}

/** What a server may send while no command waits, and how the client must end. */
const STRAYS = {
  ok: { wire: '+OK 0 0\r\n', code: 'UNSOLICITED_REPLY', hangUp: false },
  garbage: { wire: '* 3 EXISTS\r\n', code: 'UNSOLICITED_REPLY', hangUp: false },
  continuation: { wire: '+ \r\n', code: 'UNSOLICITED_REPLY', hangUp: false },
  leakedBody: { wire: '1 120\r\n.\r\n', code: 'UNSOLICITED_REPLY', hangUp: false },
  farewell: { wire: '-ERR Disconnected for inactivity.\r\n', code: 'CONNECTION_CLOSED', hangUp: true },
} as const;
type StrayName = keyof typeof STRAYS;

interface Scenario {
  groups: Command[][];
  /** After which group the stray comes: 0 after CAPA's reply, g after group g; none when absent. */
  stray?: { after: number; name: StrayName };
  /** Where the network cuts each write, as fractions of it; or before every byte. */
  cuts: number[] | 'every byte';
}

function commandLine(command: Command): string {
  switch (command.kind) {
    case 'LIST n':
      return `LIST ${command.n}`;
    case 'UIDL n':
      return `UIDL ${command.n}`;
    case 'DELE':
    case 'RETR':
      return `${command.kind} ${command.n}`;
    case 'TOP':
      return `TOP ${command.n} 0`;
    default:
      return command.kind;
  }
}

/** The reply to command number `id`, naming it. */
function replyWire(command: Command, id: number): string {
  if (command.refused) return `-ERR no #${id}\r\n`;
  switch (command.kind) {
    case 'NOOP':
    case 'RSET':
    case 'DELE':
      return `+OK #${id}\r\n`;
    case 'STAT':
      return `+OK ${id} ${id * 10}\r\n`;
    case 'LIST n':
      return `+OK ${command.n} ${1000 + id}\r\n`;
    case 'UIDL n':
      return `+OK ${command.n} uid-${id}\r\n`;
    case 'LIST':
      return `+OK\r\n1 ${1000 + id}\r\n.\r\n`;
    case 'UIDL':
      return `+OK\r\n1 uid-${id}\r\n.\r\n`;
    case 'RETR':
      return `+OK\r\nSubject: #${id}\r\n\r\n..dot #${id}\r\n.\r\n`;
    case 'TOP':
      return `+OK\r\nSubject: #${id}\r\n.\r\n`;
  }
}

/** Sends the command through the client's typed helper. */
function issue(pop: Pop3Client, command: Command): Promise<unknown> {
  switch (command.kind) {
    case 'NOOP':
      return pop.noop();
    case 'RSET':
      return pop.rset();
    case 'DELE':
      return pop.dele(command.n);
    case 'STAT':
      return pop.stat();
    case 'LIST n':
      return pop.list(command.n);
    case 'UIDL n':
      return pop.uidl(command.n);
    case 'LIST':
      return pop.list();
    case 'UIDL':
      return pop.uidl();
    case 'RETR':
      return pop.retr(command.n).then((m) => m.text);
    case 'TOP':
      return pop.top(command.n, 0).then((m) => m.text);
  }
}

/** What the client must resolve with for command number `id`. */
function expected(command: Command, id: number): unknown {
  switch (command.kind) {
    case 'NOOP':
    case 'RSET':
    case 'DELE':
      return { ok: true, text: `#${id}` };
    case 'STAT':
      return { count: id, size: id * 10 };
    case 'LIST n':
      return { n: command.n, size: 1000 + id };
    case 'UIDL n':
      return { n: command.n, uid: `uid-${id}` };
    case 'LIST':
      return [{ n: 1, size: 1000 + id }];
    case 'UIDL':
      return [{ n: 1, uid: `uid-${id}` }];
    case 'RETR':
      return `Subject: #${id}\r\n\r\n.dot #${id}\r\n`;
    case 'TOP':
      return `Subject: #${id}\r\n`;
  }
}

/**
 * Splits `wire` at the scenario's cuts, never between `join - 1` and `join`: a stray line leaves
 * in the same write as the end of the last reply, so it is there before the client can send
 * another command (a line that arrives after a command was sent is that command's reply).
 */
function chunkSizes(wire: string, cuts: Scenario['cuts'], join: number): number[] {
  const at = cuts === 'every byte' ? Array.from(wire, (_, i) => i) : cuts.map((c) => Math.floor(c * wire.length));
  const points = [...new Set(at)]
    .filter((p) => p > 0 && p < wire.length && p !== join)
    .sort((a, b) => a - b);
  return points.map((p, i) => p - (points[i - 1] ?? 0));
}

const command = fc.record({ kind: fc.constantFrom(...KINDS), n: fc.integer({ min: 1, max: 9 }), refused: fc.boolean() });
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    groups: fc.array(fc.array(command, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
    stray: fc.option(fc.record({ after: fc.nat(4), name: fc.constantFrom(...(Object.keys(STRAYS) as StrayName[])) }), { nil: undefined, freq: 2 }),
    cuts: fc.oneof(
      { arbitrary: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 24 }), weight: 7 },
      { arbitrary: fc.constant('every byte' as const), weight: 1 },
    ),
  })
  .map((s) => (s.stray ? { ...s, stray: { ...s.stray, after: s.stray.after % (s.groups.length + 1) } } : { groups: s.groups, cuts: s.cuts }));

/** Plays one scenario as the server: replies in order, split at the cuts, the stray where planned. */
async function serve(peer: FakePeer, plan: Scenario): Promise<void> {
  const straySent = async (after: number, replies: string): Promise<boolean> => {
    const stray = plan.stray?.after === after ? STRAYS[plan.stray.name] : undefined;
    const wire = replies + (stray?.wire ?? '');
    await peer.send(wire, chunkSizes(wire, plan.cuts, replies.length));
    if (!stray) return false;
    if (stray.hangUp) peer.hangUp();
    else await peer.waitClose();
    return true;
  };
  await peer.send(GREETING);
  expect(await peer.readLine()).toBe('CAPA');
  if (await straySent(0, '+OK\r\nPIPELINING\r\n.\r\n')) return;
  let id = 0;
  for (const [g, group] of plan.groups.entries()) {
    let replies = '';
    for (const c of group) {
      expect(await peer.readLine()).toBe(commandLine(c));
      replies += replyWire(c, ++id);
    }
    if (await straySent(g + 1, replies)) return;
  }
}

describe.each(['tcp', 'memory'] as const)('over %s', (over) => {
  const it = fakeServerTest({ timeout: 2000 }, over);

  it('pairs every pipelined command with its own reply under any split, and ends at a stray line (property)', { timeout: 120_000 }, async ({ fake }) => {
    const plans: Scenario[] = [];
    await fake.start((peer, index) => serve(peer, plans[index]!));
    await fc.assert(
      fc.asyncProperty(scenario, async (plan) => {
        plans.push(plan);
        const pop = await fake.open();
        const strayAfter = plan.stray?.after;
        const stray = plan.stray ? STRAYS[plan.stray.name] : undefined;
        expect((await pop.capa()).pipelining).toBe(true);
        let id = 0;
        let ended = strayAfter === 0;
        for (const [g, group] of plan.groups.entries()) {
          const results = await Promise.allSettled(group.map((c) => issue(pop, c)));
          for (const [i, result] of results.entries()) {
            const c = group[i]!;
            id += 1;
            if (ended) {
              // Nothing sent after a stray line resolves: held back, then failed.
              expect(result).toMatchObject({ status: 'rejected', reason: { code: stray!.code } });
            } else if (c.refused) {
              expect(result).toMatchObject({ status: 'rejected', reason: { code: 'ERR_REPLY', reply: { text: `no #${id}` } } });
            } else {
              expect(result.status).toBe('fulfilled');
              expect((result as PromiseFulfilledResult<unknown>).value).toMatchObject(expected(c, id) as object);
            }
          }
          if (strayAfter === g + 1) ended = true;
        }
        if (ended) {
          await new Promise<void>((resolve) => pop.onClose(resolve));
          await expect(pop.noop()).rejects.toMatchObject({ code: stray!.code });
        }
        pop.close();
      }),
      { numRuns: 60 },
    );
  });
});
