/**
 * Parse the lines of LIST's scan listing and UIDL's unique-id listing (RFC 1939 §5, §7): judged
 * on what the learner's parsers return for the sandbox's real listings (our client's parsed
 * listing as the reference) and for lines the RFC allows that the sandbox never sends.
 */
import type { ExerciseContext, ExerciseUnitDefinition, Facts } from '../../../../src/tutor';
import type * as Playground from '../../../../src/index';
import { callOnce, callsResult, callsVerdict, loadFunctions } from '../../../common';
import type { ExerciseCall } from '../../../common';

interface ListingRun {
  problem?: string;
  sandboxScan: ExerciseCall[];
  extraAfterSize: ExerciseCall[];
  uniqueIds: ExerciseCall[];
}

/** Lines a server may send that the sandbox does not: text after the size (RFC 1939 §5), unique-ids of any printable characters (§7). */
const EXTRA_AFTER_SIZE: readonly [string, { messageNumber: number; octets: number }][] = [
  ['1 120 (unread)', { messageNumber: 1, octets: 120 }],
  ['12 4096 flagged 2025-01-06', { messageNumber: 12, octets: 4096 }],
];
const UNIQUE_IDS: readonly [string, { messageNumber: number; uid: string }][] = [
  ['1 whqtswO00WBw418f9t5JxYwZ', { messageNumber: 1, uid: 'whqtswO00WBw418f9t5JxYwZ' }],
  ['2 QhdPYR:00WBw1Ph7x7', { messageNumber: 2, uid: 'QhdPYR:00WBw1Ph7x7' }],
  ['10 <Ab+/=.~!x@Y>', { messageNumber: 10, uid: '<Ab+/=.~!x@Y>' }],
];

async function run(context: ExerciseContext): Promise<ListingRun> {
  const result: ListingRun = { sandboxScan: [], extraAfterSize: [], uniqueIds: [] };
  const loaded = await loadFunctions(context, ['parseScanLine', 'parseUniqueIdLine']);
  if (typeof loaded === 'string') return { ...result, problem: loaded };
  const parseScanLine = loaded.parseScanLine!;
  const parseUniqueIdLine = loaded.parseUniqueIdLine!;
  const { connect } = context.modules['pop3-playground'] as typeof Playground;
  const alice = context.server.accounts.find((a) => a.name === 'alice');
  const pop = await connect({ host: context.server.host, port: context.server.port });
  let scan: { line: string; expected: unknown }[] = [];
  let uids: { line: string; expected: unknown }[] = [];
  try {
    await pop.user('alice');
    await pop.pass(alice?.password ?? '');
    const lines = (reply: Playground.Pop3Reply): string[] => (reply.body?.toString('latin1') ?? '').split('\r\n').filter((l) => l !== '');
    const listed = await pop.list();
    scan = lines(await pop.send('LIST')).map((line, i) => ({ line, expected: { messageNumber: listed[i]?.n, octets: listed[i]?.size } }));
    const ids = await pop.uidl();
    uids = lines(await pop.send('UIDL')).map((line, i) => ({ line, expected: { messageNumber: ids[i]?.n, uid: ids[i]?.uid } }));
    await pop.quit();
  } finally {
    pop.close();
    await context.settle();
  }
  for (const { line, expected } of scan) result.sandboxScan.push(await callOnce(parseScanLine, [line], `parseScanLine(${JSON.stringify(line)})`, expected));
  for (const [line, expected] of EXTRA_AFTER_SIZE) result.extraAfterSize.push(await callOnce(parseScanLine, [line], `parseScanLine(${JSON.stringify(line)})`, expected));
  for (const { line, expected } of [...uids.slice(0, 3), ...UNIQUE_IDS.map(([line, expected]) => ({ line, expected }))]) {
    result.uniqueIds.push(await callOnce(parseUniqueIdLine, [line], `parseUniqueIdLine(${JSON.stringify(line)})`, expected));
  }
  return result;
}

const calls = (f: Facts): ExerciseCall[] => {
  const r = callsResult<ListingRun>(f);
  return r ? [...r.sandboxScan, ...r.extraAfterSize, ...r.uniqueIds] : [];
};
const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined);

const exercise: ExerciseUnitDefinition = {
  formatVersion: 1,
  title: 'Scan listings and unique-id listings',
  summary: 'Parse the lines LIST and UIDL send into numbers and unique-ids',
  rfc: ['RFC 1939 §5', 'RFC 1939 §7'],
  file: 'scan-listing.ts',
  timeoutMs: 10_000,
  run,
  goals: [
    {
      id: 'scan-lines',
      text: "Parses the sandbox's scan listings (`LIST`) into a message-number and a size in octets, both numbers",
      check: (f) => callsVerdict<ListingRun>(f, (r) => r.sandboxScan),
      hints: ['A scan listing is the message-number, one space, and the size in octets (RFC 1939 §5).', "`const [n, size] = line.split(' ')`, then `Number(n)` and `Number(size)`."],
    },
    {
      id: 'extra-after-size',
      text: 'Ignores whatever a server puts after the size (RFC 1939 §5 allows it)',
      check: (f) => callsVerdict<ListingRun>(f, (r) => r.extraAfterSize),
      hints: ['"This memo makes no requirement on what follows the message size in the scan listing" (RFC 1939 §5): read the first two words only.'],
    },
    {
      id: 'unique-id-lines',
      text: 'Parses unique-id listings (`UIDL`), keeping each unique-id exactly as sent (RFC 1939 §7)',
      check: (f) => callsVerdict<ListingRun>(f, (r) => r.uniqueIds),
      hints: ['A unique-id listing is the message-number, one space, and the unique-id: 1 to 70 printable characters, any of them but space (RFC 1939 §7).', 'Keep the unique-id as a string, unchanged: it is case-sensitive and may hold `:`, `<`, `+` or `/`.'],
    },
  ],
  mistakes: [
    {
      id: 'strings-not-numbers',
      goal: 'scan-lines',
      when: (f) => calls(f).some((c) => typeof field(c.actual, 'messageNumber') === 'string' || typeof field(c.actual, 'octets') === 'string'),
      hint: 'The message-number and the size came back as strings. Turn them into numbers: `Number(word)`.',
    },
    {
      id: 'size-with-extra',
      goal: 'extra-after-size',
      when: (f) => (callsResult<ListingRun>(f)?.extraAfterSize ?? []).some((c) => Number.isNaN(field(c.actual, 'octets')) || field(c.actual, 'octets') === null),
      hint: 'The size is not a number when text follows it: take only the second word of the line, not everything after the first space.',
    },
    {
      id: 'uid-changed',
      goal: 'unique-id-lines',
      when: (f) =>
        (callsResult<ListingRun>(f)?.uniqueIds ?? []).some((c) => {
          const actual = field(c.actual, 'uid');
          const expected = field(c.expected, 'uid');
          return typeof actual === 'string' && typeof expected === 'string' && actual !== expected && actual.toLowerCase().replace(/[^a-z0-9]/g, '') === expected.toLowerCase().replace(/[^a-z0-9]/g, '');
        }),
      hint: 'A unique-id came back changed (its case, or characters dropped). Keep it exactly as the server sent it: two ids that differ only in case are different ids.',
    },
  ],
};

export default exercise;
