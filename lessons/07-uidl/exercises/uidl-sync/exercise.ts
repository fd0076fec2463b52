/**
 * Keep UIDL sync state across runs (RFC 1939 §7): judged on which unique-ids the learner's
 * `newMessages` reports in five runs (a fresh start, a second run, after mail was deleted
 * elsewhere, after new mail came), each from a freshly loaded file, and on what the server saw.
 */
import type { ExerciseContext, ExerciseUnitDefinition, Facts } from '../../../../src/tutor';
import type * as Playground from '../../../../src/index';
import { callsResult, callsVerdict, loadFunctions, notJudgeable, verdict } from '../../../common';
import type { ExerciseCall } from '../../../common';

type RunName = 'first' | 'again' | 'after-delete' | 'new-mail' | 'settled';

interface SyncRun {
  problem?: string;
  runs: Partial<Record<RunName, ExerciseCall>>;
  /** RETR and TOP commands the learner's runs sent. */
  fetched: number;
}

/** The mail that "arrives" before the fourth run: a maildrop made afresh, so every unique-id is new. */
const NEW_MAIL = ['welcome', 'utf8-body', 'shipping-notice'];

async function run(context: ExerciseContext): Promise<SyncRun> {
  const result: SyncRun = { runs: {}, fetched: 0 };
  const { connect } = context.modules['pop3-playground'] as typeof Playground;
  const password = context.server.accounts.find((a) => a.name === 'alice')?.password ?? '';
  const stateFile = `${context.makeDir('uidl-sync')}/seen-uids`;
  /** A session of the check's own, logged in as alice. */
  async function session<T>(work: (pop: Playground.Pop3Client) => Promise<T>): Promise<T> {
    const pop = await connect({ host: context.server.host, port: context.server.port });
    try {
      await pop.user('alice');
      await pop.pass(password);
      const value = await work(pop);
      await pop.quit();
      return value;
    } finally {
      pop.close();
      await context.settle();
    }
  }
  const uids = (): Promise<string[]> => session(async (pop) => (await pop.uidl()).map((e) => e.uid));

  /** One run: the file loaded afresh (nothing in memory survives), its newMessages called on a logged-in client. */
  async function syncOnce(name: RunName, expected: string[]): Promise<boolean> {
    const loaded = await loadFunctions(context, ['newMessages']);
    if (typeof loaded === 'string') {
      result.problem = loaded;
      return false;
    }
    const from = (await context.transcript()).length;
    const call: ExerciseCall = { label: `run ${Object.keys(result.runs).length + 1} (${name}): newMessages(pop, stateFile)`, expected: [...expected].sort() };
    try {
      const actual = await session((pop) => Promise.resolve(loaded.newMessages!(pop, stateFile)));
      call.actual = Array.isArray(actual) ? [...(actual as unknown[])].sort() : actual;
    } catch (error) {
      call.threw = `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`;
    }
    await context.closeSessions();
    result.runs[name] = call;
    result.fetched += (await context.transcript()).slice(from).filter((e) => e.direction === 'C' && (e.keyword === 'RETR' || e.keyword === 'TOP')).length;
    return true;
  }

  await context.applyState({ mailboxes: { alice: 'seed' } });
  const all = await uids();
  if (!(await syncOnce('first', all))) return result;
  await syncOnce('again', []);
  await session(async (pop) => {
    await pop.dele(1);
    await pop.dele(2);
  });
  await syncOnce('after-delete', []);
  await context.applyState({ mailboxes: { alice: NEW_MAIL } });
  await syncOnce('new-mail', await uids());
  await syncOnce('settled', []);
  return result;
}

const runOf = (f: Facts, name: RunName): ExerciseCall | undefined => callsResult<SyncRun>(f)?.runs[name];
const gave = (call: ExerciseCall | undefined): number | undefined => (Array.isArray(call?.actual) ? (call.actual as unknown[]).length : undefined);

const exercise: ExerciseUnitDefinition = {
  formatVersion: 1,
  title: 'Keeping UIDL sync state across runs',
  summary: 'Report only the messages a mail client has not seen, remembered in a file between runs',
  rfc: ['RFC 1939 §7'],
  file: 'uidl-sync.ts',
  timeoutMs: 10_000,
  run,
  goals: [
    {
      id: 'first-run',
      text: 'The first run, with no state file yet, reports every message in the maildrop',
      check: (f) => callsVerdict<SyncRun>(f, (r) => (r.runs.first ? [r.runs.first] : undefined)),
      hints: ['`(await pop.uidl())` lists every message with its unique-id; with nothing remembered, every one is new.', "Read the state file only when it exists (`existsSync(stateFile)`), else start from an empty set."],
    },
    {
      id: 'remembers',
      text: 'Later runs report nothing already reported: the unique-ids seen are kept in `stateFile`',
      check: (f) => callsVerdict<SyncRun>(f, (r) => [r.runs.again, r.runs.settled].filter((c): c is ExerciseCall => c !== undefined)),
      hints: ['Each run starts from a freshly loaded file: only what is in `stateFile` survives. Write every unique-id of the listing there before you return.', "`writeFileSync(stateFile, uids.join('\\n'))`, and read it back with `readFileSync(stateFile, 'utf8').split('\\n')`."],
    },
    {
      id: 'unique-ids',
      text: 'After mail was deleted elsewhere and new mail came, it reports exactly the new messages (RFC 1939 §7)',
      check: (f) => callsVerdict<SyncRun>(f, (r) => [r.runs['after-delete'], r.runs['new-mail']].filter((c): c is ExerciseCall => c !== undefined)),
      hints: ['Message-numbers change when messages are deleted; unique-ids never do. Compare unique-ids, not numbers or counts.'],
    },
    {
      id: 'listing-only',
      text: 'It learns what is new from the unique-id listing alone: no RETR or TOP',
      check: (f) => {
        const waiting = notJudgeable(f);
        if (waiting) return waiting;
        const r = callsResult<SyncRun>(f);
        const returned = Object.values(r?.runs ?? {}).filter((c) => c.threw === undefined && Array.isArray(c.actual)).length;
        if (!r || returned < 5) return verdict(false, 'five runs that each return a list', `${returned} did`);
        return verdict(r.fetched === 0, 'no RETR or TOP from newMessages', `the runs sent ${r.fetched}`);
      },
      hints: ['`pop.uidl()` is all it takes: no need to retrieve a message to know whether it is new.'],
    },
  ],
  mistakes: [
    {
      id: 'state-in-memory',
      goal: 'remembers',
      when: (f) => (gave(runOf(f, 'first')) ?? 0) > 0 && gave(runOf(f, 'again')) === gave(runOf(f, 'first')),
      hint: 'The second run reported everything again. Nothing in memory outlives a run: keep the unique-ids in `stateFile`.',
    },
    {
      id: 'numbers-not-uids',
      goal: 'unique-ids',
      when: (f) => gave(runOf(f, 'again')) === 0 && gave(runOf(f, 'new-mail')) === 0,
      hint: 'New mail came and nothing was reported: it was told apart by message-numbers or by counting. Both change when mail is deleted; remember unique-ids (RFC 1939 §7).',
    },
    {
      id: 'retrieves',
      goal: 'listing-only',
      when: (f) => (callsResult<SyncRun>(f)?.fetched ?? 0) > 0,
      hint: 'It retrieved messages to decide what is new. The unique-id listing alone says so: `await pop.uidl()`.',
    },
  ],
};

export default exercise;
