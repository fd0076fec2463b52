/**
 * The servers under measurement: the sandbox in its own process, and Dovecot through the
 * interop harness when a dovecot binary is installed. Both serve the same generated accounts.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killHard, printedSoFar, spawnTs, waitForExit, waitForLine } from '../../test/helpers/child-process';
import type { BenchAccount } from './mail-fixtures';
import { summarizeFailure } from './failure-text';

/** A running POP3 server on loopback. */
export interface Target {
  name: 'sandbox' | 'dovecot';
  host: string;
  port: number;
  /** The server's (master) process, for its CPU time. */
  pid: number;
  close(): Promise<void>;
}

/** A server that could not be started, and why; printed in place of its figures. */
export interface MissingTarget {
  name: 'sandbox' | 'dovecot';
  /** Short, for the table cell. */
  missing: string;
  /** The whole error, for a note below the table. */
  reason?: string;
}

export const REPO_ROOT = join(__dirname, '..', '..');
const READY_TIMEOUT_MS = 120_000;
/** Both servers are sized for the 1,000 sessions the NOOP workload holds open, plus headroom. */
export const MAX_SESSIONS = 1_100;

/**
 * Starts bench/sandbox-process.ts with the accounts (each must have its emlDir written) and
 * resolves once it prints its port. Its output is kept for the error message if it dies early.
 * `profileFile`: profile the sandbox's CPU from READY to close, into that file.
 */
export async function startSandboxProcess(accounts: readonly BenchAccount[], scratchDir: string, options: { profileFile?: string } = {}): Promise<Target> {
  const specPath = join(scratchDir, 'sandbox-spec.json');
  const users = accounts.map((a) => {
    if (a.emlDir === undefined) throw new Error(`account ${a.name} has no emlDir written`);
    return { name: a.name, password: a.password, emlDir: a.emlDir };
  });
  writeFileSync(specPath, JSON.stringify({ users }));
  const profile = options.profileFile ? ['--profile', options.profileFile] : [];
  // stdin is a pipe: the process exits when it closes (bench/sandbox-process.ts).
  const child = spawnTs(join(REPO_ROOT, 'bench', 'sandbox-process.ts'), [specPath, ...profile], { stdin: 'pipe' });
  let ready: { host: string; port: number };
  try {
    const [, json] = await waitForLine(child, /^READY (\{.*\})$/, READY_TIMEOUT_MS);
    ready = JSON.parse(json ?? '') as { host: string; port: number };
  } catch (error) {
    const ended = child.exitCode !== null || child.signalCode !== null;
    const why = ended ? `exited (${child.signalCode ?? child.exitCode}) before it was ready` : `not ready within ${READY_TIMEOUT_MS} ms`;
    await killHard(child);
    throw new Error(`sandbox process ${why}: ${summarizeFailure(printedSoFar(child))}`, { cause: error });
  }
  return {
    name: 'sandbox',
    host: ready.host,
    port: ready.port,
    pid: child.pid ?? -1,
    close: async () => {
      child.stdin?.end();
      await waitForExit(child, 10_000);
    },
  };
}

/** The interop harness; loaded lazily so a broken or missing harness costs only the Dovecot column. */
type DovecotHarness = typeof import('../../test/helpers/dovecot');

function loadDovecotHarness(): DovecotHarness | MissingTarget {
  const path = join(REPO_ROOT, 'test', 'helpers', 'dovecot.ts');
  if (!existsSync(path)) return { name: 'dovecot', missing: 'harness missing' };
  try {
    return require(path) as DovecotHarness;
  } catch (error) {
    return { name: 'dovecot', missing: 'harness failed to load (see note)', reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Starts Dovecot with the same accounts, or says why not ("not installed"). Limits that would
 * stop 1,000 open sessions are raised through the harness's options where it takes them.
 */
export async function startDovecotTarget(accounts: readonly BenchAccount[]): Promise<Target | MissingTarget> {
  const harness = loadDovecotHarness();
  if ('missing' in harness) return harness;
  if (!harness.isDovecotInstalled()) return { name: 'dovecot', missing: 'not installed' };
  try {
    const server = await harness.startDovecot({
      users: accounts.map((a) => ({ name: a.name, password: a.password, messages: a.messages })),
      tls: false, // the workloads are plain POP3 on loopback, as with the sandbox
      infoLog: false, // no log line per login: the sandbox does not write one either
      maxSessions: MAX_SESSIONS,
    });
    return {
      name: 'dovecot',
      host: server.host,
      port: server.port,
      pid: server.pid,
      close: async () => {
        await server.close();
      },
    };
  } catch (error) {
    return { name: 'dovecot', missing: 'failed to start (see note)', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Records why a server did not start: a short cell for the table, the whole error as a note. */
export function failedToStart(name: 'sandbox' | 'dovecot', error: unknown, report: { note(text: string): void }): MissingTarget {
  const reason = error instanceof Error ? error.message : String(error);
  report.note(`${name} failed to start: ${reason}`);
  return { name, missing: 'failed to start (see note)', reason };
}

/** Narrows a started-or-missing target. */
export function isRunning(target: Target | MissingTarget): target is Target {
  return !('missing' in target);
}
