/**
 * `npm run bench [-- SUITE...]`: runs every benchmark suite, or the named ones, each in its
 * own process with the open-files limit raised to the hard limit.
 *
 *   server   bench/server.ts          the sandbox against Dovecot
 *   client   bench/client.ts          our client against poplib and curl
 *   repl     bench/repl-startup.ts    REPL start-up (when that file exists)
 *   workshop bench/workshop.ts        one classroom: 200 learners and 50 misbehaving clients
 *   docs     bench/docs.ts            the docs site: build, page JS, Run latency beside the terminal
 *
 * Not run by default: `profile-client [sweep|big]` (bench/profile-client.ts), our client under
 * the CPU profiler, with the hottest functions printed.
 *
 * Benchmarks are not tests: a missed target never changes the exit code. Only a suite that
 * crashes, or a name that is not a suite, does.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..');
const SUITE_TIMEOUT_MS = 10 * 60_000;

interface Suite {
  name: string;
  file: string;
  summary: string;
  /** Run when no suite is named. */
  byDefault: boolean;
  /** Takes the words after its name as arguments. */
  takesArgs?: boolean;
}

const SUITES: readonly Suite[] = [
  { name: 'server', file: 'bench/server.ts', summary: 'the sandbox against Dovecot: bulk RETR, sessions/s, NOOP latency', byDefault: true },
  { name: 'client', file: 'bench/client.ts', summary: 'our client against poplib and curl; streaming memory', byDefault: true },
  { name: 'repl', file: 'bench/repl-startup.ts', summary: 'REPL start-up time', byDefault: true },
  { name: 'workshop', file: 'bench/workshop.ts', summary: 'one classroom: 200 learners at a human pace and 50 misbehaving clients', byDefault: true, takesArgs: true },
  { name: 'docs', file: 'bench/docs.ts', summary: 'the docs site: build time, page JS, Run latency beside the terminal', byDefault: true, takesArgs: true },
  { name: 'profile-client', file: 'bench/profile-client.ts', summary: 'our client under the CPU profiler', byDefault: false, takesArgs: true },
];

interface Run {
  suite: Suite;
  args: string[];
}

interface Outcome {
  suite: string;
  status: 'ok' | 'skipped' | 'failed';
  seconds: number;
  detail?: string;
}

let current: ReturnType<typeof spawn> | undefined;

// Suites run in their own process group (so a timeout can stop their servers too); pass
// Ctrl+C on to that group.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (current?.pid !== undefined) {
      try {
        process.kill(-current.pid, signal);
      } catch {
        // already gone
      }
    }
    process.exit(130);
  });
}

/** Runs one suite in a child process; the shell raises the soft open-files limit first. */
function runSuite({ suite, args }: Run): Promise<Outcome> {
  const start = Date.now();
  if (!existsSync(join(REPO_ROOT, suite.file))) {
    return Promise.resolve({ suite: suite.name, status: 'skipped', seconds: 0, detail: `${suite.file} does not exist yet` });
  }
  process.stdout.write(`\n== ${suite.name}: ${suite.summary}\n`);
  return new Promise((resolve) => {
    const child = spawn(
      'bash',
      ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bench-suite', process.execPath, '-r', './src/register.js', suite.file, ...args],
      { cwd: REPO_ROOT, stdio: 'inherit', detached: true },
    );
    current = child;
    const timer = setTimeout(() => {
      process.stdout.write(`${suite.name}: still running after ${SUITE_TIMEOUT_MS / 1000} s, stopping it\n`);
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, SUITE_TIMEOUT_MS);
    const seconds = (): number => Math.round((Date.now() - start) / 100) / 10;
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ suite: suite.name, status: 'failed', seconds: seconds(), detail: error.message });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ suite: suite.name, status: 'ok', seconds: seconds() });
      else resolve({ suite: suite.name, status: 'failed', seconds: seconds(), detail: `exited with ${signal ?? code}` });
    });
  });
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (const word of process.argv.slice(2).filter((a) => a !== '--')) {
    const suite = SUITES.find((s) => s.name === word);
    const last = runs[runs.length - 1];
    if (suite) runs.push({ suite, args: [] });
    else if (last?.suite.takesArgs) last.args.push(word);
    else {
      process.stderr.write(`unknown suite ${word}; suites: ${SUITES.map((s) => s.name).join(', ')}\n`);
      process.exitCode = 2;
      return;
    }
  }
  if (runs.length === 0) runs.push(...SUITES.filter((s) => s.byDefault).map((suite) => ({ suite, args: [] })));
  const outcomes: Outcome[] = [];
  for (const run of runs) outcomes.push(await runSuite(run));
  process.stdout.write('\n== summary\n');
  for (const o of outcomes) {
    process.stdout.write(`${o.suite.padEnd(8)} ${o.status.padEnd(8)} ${String(o.seconds).padStart(6)} s${o.detail ? `   ${o.detail}` : ''}\n`);
  }
  if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
