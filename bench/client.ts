/**
 * Client benchmarks: our client against Python's poplib and curl, each in its own process,
 * fetching the same mail from the sandbox (in its own process) and, when installed, Dovecot.
 *
 *   2,000 x 50 KB sweep      MB/s, target our client >= 3x poplib; both with each RETR awaited
 *                            in turn (`our client`) and with fetchNew(), which pipelines RETRs
 *   RETR 20 MiB              MB/s, target our client >= 0.8x curl
 *   retrStream 100 MiB       peak RSS growth of the client process, target < 32 MiB, beside
 *                            a bare socket reading the same RETR (what Node itself costs)
 *
 * Figures are printed, never asserted: benchmarks are not tests.
 */
import { MIB, createFixtureDir, makeMessage, makeMessages, totalOctets, writeEmlDirs, type BenchAccount } from './lib/mail-fixtures';
import { cpuPerMegabyte, measureOnce, measureThroughput, type Repetitions } from './lib/measure';
import { curlRetr, curlSweep, ourClientStream, ourClientSweep, poplibSweep, type StreamResult } from './lib/programs';
import { SuiteReport, type Figure } from './lib/report';
import { megabytesPerSecond } from './lib/stats';
import { failedToStart, isRunning, startDovecotTarget, startSandboxProcess, type MissingTarget, type Target } from './lib/targets';

const BULK_COUNT = 2_000;
const BULK_SIZE = 50_000;
const BIG_SIZE = 20 * MIB;
const HUGE_SIZE = 100 * MIB;
const RSS_GROWTH_LIMIT_MIB = 32;

const SWEEP_REPS: Repetitions = { warmups: 1, runs: 3 };
const BIG_REPS: Repetitions = { warmups: 1, runs: 5 };

const OURS = 'our client';
const OURS_PIPELINED = 'our fetchNew';
const BARE_SOCKET = 'bare socket';

type Either = Target | MissingTarget;

/** Client CPU per MB beside a throughput row (curl does not report its own; it shows as such). */
function addClientCpuRow(report: SuiteReport, figures: readonly Figure[]): void {
  report.add({
    label: '  client CPU per MB',
    figures: figures.map((f) => cpuPerMegabyte(f, 'clientCpuSeconds')),
    ratios: [{ label: 'vs poplib', of: OURS, to: 'poplib' }],
    note: 'client process CPU, start-up excluded; lower is better',
  });
}

/** Notes where a streaming run's memory growth sits: JS heap or Buffers. */
function noteBreakdown(report: SuiteReport, who: string, result: StreamResult): void {
  const parts = result.growthBreakdown;
  report.note(
    `${who}: peak growth of JS heap ${(parts.heapTotal / MIB).toFixed(1)} MiB (used ${(parts.heapUsed / MIB).toFixed(1)} MiB), Buffers ${(parts.arrayBuffers / MIB).toFixed(1)} MiB; ${result.method}`,
  );
}

function missingRow(server: MissingTarget, names: readonly string[], unit: string): Figure[] {
  return names.map((name) => ({ name, unit, missing: `${server.name} ${server.missing}` }));
}

async function main(): Promise<void> {
  const report = new SuiteReport('client');
  const fixtures = createFixtureDir('client');
  const bulk: BenchAccount = { name: 'bulkmail', password: 'bulk-pass', messages: makeMessages(BULK_COUNT, BULK_SIZE, 'Fifty kilobytes') };
  const big: BenchAccount = { name: 'bigmail', password: 'big-pass', messages: [makeMessage(BIG_SIZE, 1, 'Twenty mebibytes')] };
  const huge: BenchAccount = { name: 'hugemail', password: 'huge-pass', messages: [makeMessage(HUGE_SIZE, 1, 'One hundred mebibytes')] };
  const accounts = [bulk, big, huge];
  writeEmlDirs(fixtures.path, accounts);
  const bulkOctets = totalOctets(bulk.messages);

  const servers: Either[] = [];
  try {
    report.noteLoad('before measuring');
    servers.push(await startSandboxProcess(accounts, fixtures.path).catch((error: unknown) => failedToStart('sandbox', error, report)));
    servers.push(await startDovecotTarget(accounts));
    const dovecot = servers[1];
    if (dovecot && !isRunning(dovecot) && dovecot.reason) report.note(`dovecot: ${dovecot.reason}`);

    for (const server of servers) {
      const label = `2,000 x 50 KB from ${server.name}`;
      const ratios = [
        { label: 'vs poplib', of: OURS, to: 'poplib', atLeast: 3.0 },
        { label: 'fetchNew vs poplib', of: OURS_PIPELINED, to: 'poplib', atLeast: 3.0 },
        { label: 'vs curl', of: OURS, to: 'curl' },
      ];
      if (!isRunning(server)) {
        report.add({ label, figures: missingRow(server, [OURS, OURS_PIPELINED, 'poplib', 'curl'], 'MB/s'), ratios });
        continue;
      }
      const figures = await measureThroughput(
        [
          { name: OURS, expectedBytes: bulkOctets, transfer: () => ourClientSweep(server, bulk) },
          { name: OURS_PIPELINED, expectedBytes: bulkOctets, transfer: () => ourClientSweep(server, bulk, 'fetch') },
          { name: 'poplib', expectedBytes: bulkOctets, transfer: () => poplibSweep(server, bulk) },
          { name: 'curl', expectedBytes: bulkOctets, transfer: () => curlSweep(server, bulk, BULK_COUNT) },
        ],
        SWEEP_REPS,
      );
      report.add({ label, figures, ratios });
      addClientCpuRow(report, figures);
    }

    for (const server of servers) {
      const label = `RETR 20 MiB from ${server.name}`;
      const ratios = [
        { label: 'vs curl', of: OURS, to: 'curl', atLeast: 0.8 },
        { label: 'vs poplib', of: OURS, to: 'poplib' },
      ];
      if (!isRunning(server)) {
        report.add({ label, figures: missingRow(server, [OURS, 'poplib', 'curl'], 'MB/s'), ratios });
        continue;
      }
      const figures = await measureThroughput(
        [
          { name: OURS, expectedBytes: BIG_SIZE, transfer: () => ourClientSweep(server, big) },
          { name: 'poplib', expectedBytes: BIG_SIZE, transfer: () => poplibSweep(server, big) },
          { name: 'curl', expectedBytes: BIG_SIZE, transfer: () => curlRetr(server, big, 1) },
        ],
        BIG_REPS,
      );
      report.add({ label, figures, ratios });
      addClientCpuRow(report, figures);
    }

    for (const server of servers) {
      const label = `retrStream 100 MiB from ${server.name}`;
      const names = [OURS, BARE_SOCKET, 'speed'];
      const limits = [{ figure: OURS, below: RSS_GROWTH_LIMIT_MIB }];
      if (!isRunning(server)) {
        report.add({ label, figures: missingRow(server, names, ''), limits });
        continue;
      }
      let speed: Figure = { name: 'speed', unit: 'MB/s', missing: 'not measured' };
      const ours = await measureOnce(OURS, 'MiB', async () => {
        const result = await ourClientStream(server, huge, 1);
        if (result.bytes < HUGE_SIZE * 0.99) throw new Error(`streamed ${result.bytes} of ${HUGE_SIZE} octets`);
        speed = { name: 'speed', unit: 'MB/s', value: megabytesPerSecond(HUGE_SIZE, result.seconds), detail: { seconds: result.seconds } };
        noteBreakdown(report, `${server.name} retrStream`, result);
        return { value: result.rssGrowth / MIB, detail: { ...result } };
      });
      const floor = await measureOnce(BARE_SOCKET, 'MiB', async () => {
        const result = await ourClientStream(server, huge, 1, 'stream-raw');
        if (result.bytes < HUGE_SIZE * 0.99) throw new Error(`streamed ${result.bytes} of ${HUGE_SIZE} octets`);
        noteBreakdown(report, `${server.name} bare socket`, result);
        return { value: result.rssGrowth / MIB, detail: { ...result } };
      });
      report.add({ label, figures: [ours, floor, speed], limits, note: 'peak RSS growth' });
    }

    report.noteLoad('at the end');
  } finally {
    for (const server of servers) if (isRunning(server)) await server.close().catch(() => undefined);
    fixtures.remove();
  }
  await report.finish();
}

main().catch((error: unknown) => {
  process.stderr.write(`client benchmarks: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
