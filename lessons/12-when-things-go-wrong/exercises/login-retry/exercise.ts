/**
 * Retry a login the server refuses for now, with back-off (RFC 2449 §8.1.1, §8.1.2; RFC 1939
 * §4): judged on what the learner's `loginWithRetry` resolves or rejects with, the waits it asks
 * of the `sleep` it is given (a fake clock: no real time passes), and the logins the server saw.
 */
import type { ExerciseContext, ExerciseUnitDefinition, Facts } from '../../../../src/tutor';
import type * as Playground from '../../../../src/index';
import { callsResult, loadFunctions, notJudgeable, shown, verdict } from '../../../common';

type CaseName = 'in-use' | 'login-delay' | 'wrong-password';

/** One call of loginWithRetry. */
interface RetryCase {
  /** Logged in: the client it resolved with was in TRANSACTION. */
  loggedIn: boolean;
  /** What it rejected with: the error's code and response code. */
  rejected?: { code?: string; responseCode?: string; message: string };
  /** The waits it asked `sleep` for, ms. */
  waits: number[];
  /** PASS commands the server saw, and how it answered each (`+OK` or the response code). */
  passes: string[];
  /** Wall-clock time the call took, ms. */
  ms: number;
}

interface RetryRun {
  problem?: string;
  cases: Partial<Record<CaseName, RetryCase>>;
}

const ATTEMPTS = 4;
const FIRST_DELAY_MS = 1_000;
/** In the IN-USE case, the maildrop is free again after this many waits. */
const BUSY_FOR_WAITS = 2;

async function run(context: ExerciseContext): Promise<RetryRun> {
  const result: RetryRun = { cases: {} };
  const password = context.server.accounts.find((a) => a.name === 'alice')?.password ?? '';
  const server = { host: context.server.host, port: context.server.port };
  async function tryCase(name: CaseName, faults: Parameters<ExerciseContext['setFaults']>[0], options: { password: string; freeAfter?: number }): Promise<boolean> {
    const loaded = await loadFunctions(context, ['loginWithRetry']);
    if (typeof loaded === 'string') {
      result.problem = loaded;
      return false;
    }
    await context.setFaults(faults);
    const from = (await context.transcript()).length;
    const record: RetryCase = { loggedIn: false, waits: [], passes: [], ms: 0 };
    const sleep = async (ms: number): Promise<void> => {
      record.waits.push(ms);
      if (options.freeAfter !== undefined && record.waits.length === options.freeAfter) await context.setFaults(undefined);
    };
    const started = Date.now();
    try {
      const pop = (await loaded.loginWithRetry!({ server, user: 'alice', password: options.password, attempts: ATTEMPTS, firstDelayMs: FIRST_DELAY_MS, sleep })) as Playground.Pop3Client | undefined;
      record.loggedIn = pop?.state === 'TRANSACTION';
      await pop?.quit();
    } catch (error) {
      const e = error as { code?: unknown; responseCode?: unknown; message?: unknown };
      record.rejected = { ...(typeof e?.code === 'string' ? { code: e.code } : {}), ...(typeof e?.responseCode === 'string' ? { responseCode: e.responseCode } : {}), message: String(e?.message ?? error) };
    }
    record.ms = Date.now() - started;
    await context.setFaults(undefined);
    await context.closeSessions();
    await context.settle();
    record.passes = (await context.transcript())
      .slice(from)
      .filter((e) => e.direction === 'S' && e.keyword === 'PASS')
      .map((e) => (e.status === '+OK' ? '+OK' : (e.code ?? '-ERR')));
    result.cases[name] = record;
    return true;
  }
  if (!(await tryCase('in-use', { refuseLogin: 'IN-USE' }, { password, freeAfter: BUSY_FOR_WAITS }))) return result;
  await tryCase('login-delay', { refuseLogin: 'LOGIN-DELAY' }, { password });
  await tryCase('wrong-password', undefined, { password: 'not-the-password' });
  return result;
}

const caseOf = (f: Facts, name: CaseName): RetryCase | undefined => callsResult<RetryRun>(f)?.cases[name];
const judged = (f: Facts, name: CaseName, judge: (c: RetryCase) => ReturnType<typeof verdict>): ReturnType<typeof verdict> => {
  const waiting = notJudgeable(f);
  if (waiting) return waiting;
  const c = caseOf(f, name);
  return c ? judge(c) : verdict(false, `the ${name} case to run`, 'it did not');
};
const outcome = (c: RetryCase): string => (c.loggedIn ? 'it logged in' : c.rejected ? `it rejected with ${c.rejected.code ?? 'an error'}${c.rejected.responseCode ? ` [${c.rejected.responseCode}]` : ''}: ${c.rejected.message}` : 'it resolved without a logged-in client');

const exercise: ExerciseUnitDefinition = {
  formatVersion: 1,
  title: 'Retry with back-off',
  summary: 'Log in again later when the server says [IN-USE] or [LOGIN-DELAY], waiting longer each time; give up on anything else',
  rfc: ['RFC 2449 §8.1.1', 'RFC 2449 §8.1.2', 'RFC 1939 §4'],
  file: 'login-retry.ts',
  timeoutMs: 10_000,
  run,
  goals: [
    {
      id: 'retries-in-use',
      text: 'Refused with `[IN-USE]`, it tries again and resolves with the client logged in once the maildrop is free',
      check: (f) => judged(f, 'in-use', (c) => verdict(c.loggedIn && c.passes.length === BUSY_FOR_WAITS + 1 && c.passes.at(-1) === '+OK', `two logins refused with [IN-USE], a third that succeeds, and the client resolved`, `${outcome(c)}; the server answered ${shown(c.passes)}`)),
      hints: ['Catch the `Pop3ReplyError` of `pop.pass(...)`: its `responseCode` is `IN-USE` when another session holds the maildrop (RFC 1939 §4, RFC 2449 §8.1.1).', 'Close the refused connection, wait (`await options.sleep(delay)`), connect and log in again; resolve with the client that got in.'],
    },
    {
      id: 'backs-off',
      text: 'Waits through `options.sleep`, `firstDelayMs` first, and longer before each new attempt',
      check: (f) =>
        judged(f, 'in-use', (c) => {
          const growing = c.waits.every((ms, i) => i === 0 || ms > c.waits[i - 1]!);
          return verdict(c.waits.length === BUSY_FOR_WAITS && c.waits[0] === FIRST_DELAY_MS && growing, `${BUSY_FOR_WAITS} waits, the first of ${FIRST_DELAY_MS} ms, each longer than the one before`, `it asked for ${shown(c.waits)}`);
        }),
      hints: ['Wait with `await options.sleep(ms)`, never with your own timer: the check passes a clock of its own.', 'Double the delay after each wait: 1000, 2000, 4000...'],
    },
    {
      id: 'gives-up',
      text: 'Refused with `[LOGIN-DELAY]` every time, it gives up after `attempts` logins and rejects with the server\'s error',
      check: (f) => judged(f, 'login-delay', (c) => verdict(c.passes.length === ATTEMPTS && c.rejected?.responseCode === 'LOGIN-DELAY', `${ATTEMPTS} logins, then a rejection with the [LOGIN-DELAY] error`, `the server saw ${c.passes.length} logins; ${outcome(c)}`)),
      hints: ['Count the attempts; after the last one, throw the error the server gave (RFC 2449 §8.1.2: LOGIN-DELAY means "not so soon").'],
    },
    {
      id: 'no-retry-otherwise',
      text: 'A wrong password is not tried again: one login, then the server\'s error',
      check: (f) => judged(f, 'wrong-password', (c) => verdict(c.passes.length === 1 && c.rejected?.code === 'ERR_REPLY', 'one login, then a rejection with the Pop3ReplyError', `the server saw ${c.passes.length} logins; ${outcome(c)}`)),
      hints: ['Only `IN-USE` and `LOGIN-DELAY` mean "later"; any other error is thrown at once.'],
    },
  ],
  mistakes: [
    {
      id: 'own-timer',
      goal: 'backs-off',
      when: (f) => {
        const c = caseOf(f, 'in-use');
        return c !== undefined && c.passes.length > 1 && c.waits.length === 0;
      },
      hint: 'It retried without calling `options.sleep`. Wait through the `sleep` you are given: the check runs a fast clock, and so can your tests.',
    },
    {
      id: 'same-delay',
      goal: 'backs-off',
      when: (f) => {
        const waits = caseOf(f, 'in-use')?.waits ?? [];
        return waits.length > 1 && waits.every((ms) => ms === waits[0]);
      },
      hint: 'Every wait was as long as the first. Back off: make each wait longer than the last (double it).',
    },
    {
      id: 'retries-everything',
      goal: 'no-retry-otherwise',
      when: (f) => (caseOf(f, 'wrong-password')?.passes.length ?? 0) > 1,
      hint: 'A wrong password was tried again. Retrying cannot fix it: only `[IN-USE]` and `[LOGIN-DELAY]` say "try later".',
    },
  ],
};

export default exercise;
