/**
 * The long fuzz run, on request: `npm run fuzz -- --lines 1000000 [--seed N] [--connections N] [--maildir DIR]`.
 * Starts a sandbox in this process, drives fuzz sessions (see fuzz-session.ts) until the given
 * number of command lines has been sent, then checks that an ordinary session still works.
 * Prints its figures and exits non-zero on any failure: a reply missing or extra, a malformed
 * reply, a handler that threw, or a server that no longer serves.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { startSandbox, type Sandbox } from '../../sandbox-server';
import { RawPop3 } from '../helpers/raw-pop3';
import { fuzzScript, runFuzzScript, type FuzzScript } from './fuzz-session';
import { checkNormalSession } from './normal-session';

interface Settings {
  lines: number;
  seed: number;
  connections: number;
  maildir: string | undefined;
}

const USAGE = 'usage: npm run fuzz -- [--lines N] [--seed N] [--connections N] [--maildir DIR]';
/** Scripts drawn from fast-check at a time. */
const BATCH = 400;
/** Maildrops are refilled after this many sessions, so DELE+QUIT never leaves them empty for long. */
const RESET_EVERY = 500;
/** One session in this many sends raw random bytes instead of command lines. */
const RAW_SESSION_EVERY = 20;
/** Problems printed in full; the rest are counted. */
const SHOWN_PROBLEMS = 20;

function parseArgs(argv: readonly string[]): Settings {
  const settings: Settings = { lines: 100_000, seed: Date.now() % 1_000_000_000, connections: 8, maildir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
    i += 1;
    if (flag === '--maildir') {
      settings.maildir = value;
      continue;
    }
    const n = Number(value.replace(/[_,]/g, ''));
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, got ${value}`);
    if (flag === '--lines') settings.lines = n;
    else if (flag === '--seed') settings.seed = n;
    else if (flag === '--connections') settings.connections = n;
    else throw new Error(`unknown option ${flag}; ${USAGE}`);
  }
  return settings;
}

/** Endless fuzz scripts, reproducible from the seed. */
function* scripts(sandbox: Sandbox, seed: number): Generator<FuzzScript> {
  const arbitrary = fuzzScript(sandbox.accounts);
  for (let batch = 0; ; batch++) yield* fc.sample(arbitrary, { numRuns: BATCH, seed: seed + batch });
}

/** A session of raw random bytes: only the server's survival is checked. */
async function runRawSession(port: number, random: () => number): Promise<void> {
  const peer = await RawPop3.connectAndGreet(port);
  try {
    const parts = 1 + Math.floor(random() * 6);
    for (let i = 0; i < parts; i++) {
      peer.write(Buffer.from(Array.from({ length: Math.floor(random() * 500) }, () => Math.floor(random() * 256))));
      await new Promise((resolve) => setImmediate(resolve));
    }
    peer.socket.end();
    await peer.waitClosed();
  } finally {
    peer.destroy();
  }
}

function figure(n: number): string {
  return n.toLocaleString('en-US');
}

async function main(): Promise<number> {
  const settings = parseArgs(process.argv.slice(2));
  const maildir = settings.maildir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-fuzz-')));
  const useMaildir = settings.maildir !== undefined;
  const sandbox = await startSandbox({ failedLoginDelayMs: 0, tlsPort: false, ...(useMaildir ? { maildir } : {}) });
  const internalErrors: string[] = [];
  sandbox.log.on('internal-error', (error: Error, session: string) => internalErrors.push(`${session}: ${error.stack ?? error.message}`));
  console.log(`fuzzing ${sandbox.host}:${sandbox.port} (${useMaildir ? `Maildir storage in ${maildir}` : 'memory storage'}), seed ${settings.seed}, ${settings.connections} connections at a time, until ${figure(settings.lines)} lines are sent`);

  const totals = { lines: 0, sessions: 0, rawSessions: 0, replies: 0, expected: 0 };
  const problems: string[] = [];
  const source = scripts(sandbox, settings.seed);
  let state = settings.seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const started = Date.now();
  let nextReport = settings.lines / 10;
  let resetting: Promise<void> = Promise.resolve();

  const worker = async (): Promise<void> => {
    while (totals.lines < settings.lines && problems.length < 1_000) {
      await resetting;
      const number = totals.sessions + totals.rawSessions;
      if (number > 0 && number % RESET_EVERY === 0) {
        resetting = Promise.all(sandbox.accounts.map((a) => sandbox.resetMailbox(a.name))).then(() => undefined);
      }
      if (number % RAW_SESSION_EVERY === RAW_SESSION_EVERY - 1) {
        totals.rawSessions += 1;
        await runRawSession(sandbox.port, random).catch((error: Error) => problems.push(`raw session: ${error.message}`));
        continue;
      }
      const script = source.next().value as FuzzScript;
      totals.sessions += 1;
      const outcome = await runFuzzScript(sandbox.port, script, sandbox.host);
      totals.lines += outcome.linesSent;
      totals.replies += outcome.replies;
      totals.expected += outcome.expected;
      for (const problem of outcome.problems) {
        problems.push(`${problem}\n    script: ${JSON.stringify({ ...script, lines: script.lines.map((l) => l.toString('latin1').slice(0, 200)) })}`);
      }
      if (totals.lines >= nextReport) {
        nextReport += settings.lines / 10;
        const seconds = (Date.now() - started) / 1000;
        process.stderr.write(`  ${figure(totals.lines)} lines, ${figure(totals.sessions)} sessions, ${figure(Math.round(totals.lines / seconds))} commands/s\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: settings.connections }, worker));
  const seconds = (Date.now() - started) / 1000;

  let normal = 'ok';
  try {
    await checkNormalSession(sandbox.port, sandbox.accounts[0]!);
  } catch (error) {
    normal = `FAILED: ${(error as Error).message}`;
  }
  await sandbox.close();
  if (!settings.maildir) await fs.rm(maildir, { recursive: true, force: true });

  const missing = totals.expected - totals.replies;
  const ratio = totals.expected === 0 ? 0 : totals.replies / totals.expected;
  console.log('');
  console.log(`lines sent:           ${figure(totals.lines)}`);
  console.log(`sessions:             ${figure(totals.sessions)} command sessions + ${figure(totals.rawSessions)} raw-byte sessions`);
  console.log(`duration:             ${seconds.toFixed(1)} s`);
  console.log(`commands/s:           ${figure(Math.round(totals.lines / seconds))}`);
  console.log(`replies per command:  ${ratio === 1 ? '1' : ratio.toFixed(6)} (${figure(totals.replies)} replies to ${figure(totals.expected)} lines due an answer; ${figure(missing)} missing)`);
  console.log(`oracle problems:      ${figure(problems.length)}`);
  console.log(`server errors:        ${figure(internalErrors.length)} internal errors (handler exceptions)`);
  console.log(`normal session after: ${normal}`);
  for (const problem of problems.slice(0, SHOWN_PROBLEMS)) console.log(`  problem: ${problem}`);
  for (const error of internalErrors.slice(0, SHOWN_PROBLEMS)) console.log(`  internal error: ${error}`);
  const failed = problems.length > 0 || internalErrors.length > 0 || sandbox.internalErrors.length > 0 || normal !== 'ok' || ratio !== 1;
  console.log(failed ? `FAILED (replay with --seed ${settings.seed})` : 'PASSED');
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
