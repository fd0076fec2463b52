/**
 * Server benchmarks: the sandbox (in its own process) against Dovecot on loopback, with the
 * same mailboxes and the same client programs, in the same run.
 *
 *   RETR 20 MiB via curl               MB/s, target >= 1.0x Dovecot
 *   RETR 2,000 x 50 KB via poplib      MB/s, target >= 1.0x Dovecot
 *   16 parallel login+UIDL+QUIT        sessions/s, target >= 3x Dovecot
 *   NOOP p50/p99, 1,000 sessions open  ms, target p99 < 20 ms
 *
 * Figures are printed, never asserted: benchmarks are not tests.
 */
import { readOpenFilesLimit } from './lib/environment';
import {
  KIB,
  MIB,
  createFixtureDir,
  makeManyAccounts,
  makeMessage,
  makeMessages,
  totalOctets,
  writeEmlDirs,
  type BenchAccount,
} from './lib/mail-fixtures';
import { cpuPerMegabyte, measureOnce, measureThroughput, type Contender, type Repetitions } from './lib/measure';
import { readTreeCpuSeconds } from './lib/process-cpu';
import { curlRetr, poplibSweep, type Transfer } from './lib/programs';
import { SuiteReport, type Figure } from './lib/report';
import { measureNoopLatency, measureSessionRate, warmAccounts } from './lib/session-workloads';
import { failedToStart, isRunning, startDovecotTarget, startSandboxProcess, type MissingTarget, type Target } from './lib/targets';

const BULK_COUNT = 2_000;
const BULK_SIZE = 50_000;
const BIG_SIZE = 20 * MIB;
const SESSION_ACCOUNTS = 1_000;
const PARALLEL_SESSIONS = 16;
const SESSION_WARMUP_MS = 1_000;
const SESSION_DURATION_MS = 5_000;
const NOOP_SAMPLES = 2_000;
const OPEN_CONCURRENCY = 20;

const CURL_REPS: Repetitions = { warmups: 1, runs: 5 };
const POPLIB_REPS: Repetitions = { warmups: 1, runs: 3 };

type Either = Target | MissingTarget;

/** Runs `measure` against each server in turn; a missing server gets its reason as the figure. */
async function perServer(servers: readonly Either[], unit: string, measure: (target: Target) => Promise<Figure>): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const server of servers) {
    figures.push(isRunning(server) ? await measure(server) : { name: server.name, unit, missing: server.missing });
  }
  return figures;
}

/**
 * Throughput of the running servers measured round-robin, with the server's CPU time taken
 * around each run (outside the program's own timing); missing servers keep their reason.
 */
async function throughputPerServer(servers: readonly Either[], reps: Repetitions, contender: (target: Target) => Contender): Promise<Figure[]> {
  const contenders = servers.filter(isRunning).map((target) => {
    const c = contender(target);
    return { ...c, transfer: () => withServerCpu(target, c.transfer) };
  });
  const measured = await measureThroughput(contenders, reps);
  return servers.map((s) => (isRunning(s) ? (measured.find((f) => f.name === s.name) as Figure) : { name: s.name, unit: 'MB/s', missing: s.missing }));
}

async function withServerCpu(target: Target, transfer: () => Promise<Transfer>): Promise<Transfer> {
  const before = readTreeCpuSeconds(target.pid);
  const result = await transfer();
  return { ...result, serverCpuSeconds: readTreeCpuSeconds(target.pid) - before };
}

const CPU_NOTE = 'server CPU incl. all its processes; lower is better';

async function main(): Promise<void> {
  const report = new SuiteReport('server');
  const limit = readOpenFilesLimit();
  report.note(`open files limit ${limit ? `${limit.soft} (hard ${limit.hard})` : 'unknown'}; 1,000 sessions need about 1,000 descriptors per side`);

  const fixtures = createFixtureDir('server');
  const big: BenchAccount = { name: 'bigmail', password: 'big-pass', messages: [makeMessage(BIG_SIZE, 1, 'Twenty mebibytes')] };
  const bulk: BenchAccount = { name: 'bulkmail', password: 'bulk-pass', messages: makeMessages(BULK_COUNT, BULK_SIZE, 'Fifty kilobytes') };
  const many = makeManyAccounts(SESSION_ACCOUNTS, makeMessages(3, 2 * KIB, 'Small note'));
  const accounts = [big, bulk, ...many];
  writeEmlDirs(fixtures.path, accounts);

  const servers: Either[] = [];
  try {
    report.noteLoad('before measuring');
    servers.push(await startSandboxProcess(accounts, fixtures.path).catch((error: unknown) => failedToStart('sandbox', error, report)));
    servers.push(await startDovecotTarget(accounts));
    const dovecot = servers[1];
    if (dovecot && !isRunning(dovecot) && dovecot.reason) report.note(`dovecot: ${dovecot.reason}`);

    const bigFigures = await throughputPerServer(servers, CURL_REPS, (t) => ({ name: t.name, expectedBytes: BIG_SIZE, transfer: () => curlRetr(t, big, 1) }));
    report.add({ label: 'RETR 20 MiB via curl', figures: bigFigures, ratios: [{ label: '', of: 'sandbox', to: 'dovecot', atLeast: 1.0 }] });
    report.add({ label: '  CPU per MB, RETR 20 MiB', figures: bigFigures.map((f) => cpuPerMegabyte(f, 'serverCpuSeconds')), ratios: [{ label: '', of: 'sandbox', to: 'dovecot' }], note: CPU_NOTE });

    const bulkOctets = totalOctets(bulk.messages);
    const bulkFigures = await throughputPerServer(servers, POPLIB_REPS, (t) => ({ name: t.name, expectedBytes: bulkOctets, transfer: () => poplibSweep(t, bulk) }));
    report.add({ label: 'RETR 2,000 x 50 KB via poplib', figures: bulkFigures, ratios: [{ label: '', of: 'sandbox', to: 'dovecot', atLeast: 1.0 }] });
    report.add({ label: '  CPU per MB, 2,000 x 50 KB', figures: bulkFigures.map((f) => cpuPerMegabyte(f, 'serverCpuSeconds')), ratios: [{ label: '', of: 'sandbox', to: 'dovecot' }], note: CPU_NOTE });

    const sessionFigures = await perServer(servers, 'sessions/s', (t) =>
      measureOnce(t.name, 'sessions/s', async () => {
        await warmAccounts(t, many, PARALLEL_SESSIONS);
        await measureSessionRate(t, many, PARALLEL_SESSIONS, SESSION_WARMUP_MS);
        const before = readTreeCpuSeconds(t.pid);
        const rate = await measureSessionRate(t, many, PARALLEL_SESSIONS, SESSION_DURATION_MS);
        const serverCpuSeconds = readTreeCpuSeconds(t.pid) - before;
        if (rate.completed === 0) throw new Error(`no session completed: ${rate.firstError ?? 'unknown error'}`);
        if (rate.failed > 0) report.note(`${t.name}: ${rate.failed} of ${rate.completed + rate.failed} sessions failed (${rate.firstError ?? '?'})`);
        return { value: rate.sessionsPerSecond, detail: { ...rate, serverCpuSeconds } };
      }),
    );
    report.add({ label: `${PARALLEL_SESSIONS} parallel login+UIDL+QUIT`, figures: sessionFigures, ratios: [{ label: '', of: 'sandbox', to: 'dovecot', atLeast: 3.0 }] });
    report.add({
      label: '  CPU per session',
      figures: sessionFigures.map((f): Figure => {
        const cpu = f.detail?.serverCpuSeconds as number | undefined;
        const completed = f.detail?.completed as number | undefined;
        if (cpu === undefined || !completed) return { name: f.name, unit: 'ms', missing: f.missing ?? 'not measured' };
        return { name: f.name, unit: 'ms', value: (1000 * cpu) / completed };
      }),
      ratios: [{ label: '', of: 'sandbox', to: 'dovecot' }],
      note: CPU_NOTE,
    });

    const latencies = new Map<string, { p50: Figure; p99: Figure }>();
    for (const server of servers) {
      if (!isRunning(server)) {
        latencies.set(server.name, {
          p50: { name: server.name, unit: 'ms', missing: server.missing },
          p99: { name: server.name, unit: 'ms', missing: server.missing },
        });
        continue;
      }
      try {
        const noop = await measureNoopLatency(server, many, NOOP_SAMPLES, OPEN_CONCURRENCY);
        const detail = { ...noop };
        latencies.set(server.name, {
          p50: { name: server.name, unit: 'ms', value: noop.p50Ms, detail },
          p99: { name: server.name, unit: 'ms', value: noop.p99Ms, detail },
        });
        if (noop.failedToOpen > 0) {
          report.note(`${server.name}: ${noop.failedToOpen} of ${SESSION_ACCOUNTS} sessions failed to open (${noop.firstError ?? '?'}); latency measured on ${noop.sessionsOpen}`);
        }
      } catch (error) {
        const missing = `failed: ${error instanceof Error ? error.message : String(error)}`;
        latencies.set(server.name, { p50: { name: server.name, unit: 'ms', missing }, p99: { name: server.name, unit: 'ms', missing } });
      }
    }
    const pick = (which: 'p50' | 'p99'): Figure[] => servers.map((s) => latencies.get(s.name)?.[which] as Figure);
    report.add({ label: 'NOOP p50, 1,000 sessions open', figures: pick('p50') });
    report.add({ label: 'NOOP p99, 1,000 sessions open', figures: pick('p99'), limits: [{ figure: 'sandbox', below: 20 }] });
    report.noteLoad('at the end');
  } finally {
    for (const server of servers) if (isRunning(server)) await server.close().catch(() => undefined);
    fixtures.remove();
  }
  await report.finish();
}

main().catch((error: unknown) => {
  process.stderr.write(`server benchmarks: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
