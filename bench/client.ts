/**
 * Client benchmarks: our client against Python's poplib and curl, each in its own process,
 * fetching the same mail from the sandbox (in its own process) and, when installed, Dovecot.
 *
 *   2,000 x 50 KB sweep      MB/s, target our client >= 3x poplib; both with each RETR awaited
 *                            in turn (`our client`) and with fetchNew(), which pipelines RETRs
 *   RETR 20 MiB              MB/s, target our client >= 0.8x curl
 *   retrStream 100 MiB       peak RSS growth of the client process, target < 32 MiB, beside
 *                            a bare socket reading the same RETR (what Node itself costs)
 *   endless reply            peak RSS growth of retr() until MESSAGE_TOO_LARGE, at the default
 *                            maxMessageSize (256 MiB) and at 64 MiB, target <= limit + 32 MiB
 *
 * `bench/client.ts endless` runs only the last row (no sandbox, no Dovecot).
 * Figures are printed, never asserted: benchmarks are not tests.
 */
import * as net from 'node:net';
import { join } from 'node:path';
import { CLIENT_MAX_MESSAGE_SIZE } from '../src/protocol';
import { MIB, createFixtureDir, makeMessage, makeMessages, totalOctets, writeEmlDirs, type BenchAccount } from './lib/mail-fixtures';
import { cpuPerMegabyte, measureOnce, measureThroughput, type Repetitions } from './lib/measure';
import { curlRetr, curlSweep, ourClientStream, ourClientSweep, poplibSweep, runChild, type StreamResult } from './lib/programs';
import { SuiteReport, type Figure } from './lib/report';
import { megabytesPerSecond } from './lib/stats';
import { failedToStart, isRunning, startDovecotTarget, startSandboxProcess, type MissingTarget, type Target } from './lib/targets';

const BULK_COUNT = 2_000;
const BULK_SIZE = 50_000;
const BIG_SIZE = 20 * MIB;
const HUGE_SIZE = 100 * MIB;
const RSS_GROWTH_LIMIT_MIB = 32;
/** The default maxMessageSize and a smaller one: the client may hold up to each, plus slack. */
const ENDLESS_LIMITS = [CLIENT_MAX_MESSAGE_SIZE, 64 * MIB];
const ENDLESS_SLACK_MIB = 32;

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

/** A server whose reply to RETR never ends: a greeting, `+OK`, then body lines until the client leaves. */
async function startEndlessServer(): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const block = Buffer.from(`${'e'.repeat(1022)}\r\n`.repeat(1024)); // 1 MiB of lines, sent again and again
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write('+OK endless\r\n');
    socket.once('data', () => {
      socket.write('+OK\r\n');
      const pump = (): void => {
        while (!socket.destroyed && socket.write(block));
      };
      socket.on('drain', pump);
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { host: '127.0.0.1', port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Our client's retr() against the endless server, in a process of its own; its peak RSS growth. */
async function ourClientEndless(server: { host: string; port: number }, maxMessageSize: number): Promise<StreamResult> {
  const { stdout } = await runChild(process.execPath, [
    '--expose-gc', '-r', './src/register.js', join('bench', 'client-driver.ts'), 'endless', server.host, String(server.port), String(maxMessageSize),
  ]);
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as StreamResult;
}

/** The endless-reply row: what the client holds before it gives up at maxMessageSize. */
async function measureEndless(report: SuiteReport): Promise<void> {
  const server = await startEndlessServer();
  try {
    const figures: Figure[] = [];
    for (const limit of ENDLESS_LIMITS) {
      figures.push(
        await measureOnce(`limit ${limit / MIB} MiB`, 'MiB', async () => {
          const result = await ourClientEndless(server, limit);
          noteBreakdown(report, `endless reply, limit ${limit / MIB} MiB`, result);
          return { value: result.rssGrowth / MIB, detail: { ...result } };
        }),
      );
    }
    const limits = ENDLESS_LIMITS.map((limit) => ({ figure: `limit ${limit / MIB} MiB`, below: limit / MIB + ENDLESS_SLACK_MIB }));
    report.add({ label: 'endless reply, retr()', figures, limits, note: 'peak RSS growth until MESSAGE_TOO_LARGE' });
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const report = new SuiteReport('client');
  if (process.argv.slice(2).includes('endless')) {
    report.noteLoad('before measuring');
    await measureEndless(report);
    report.noteLoad('at the end');
    await report.finish();
    return;
  }
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

    await measureEndless(report);

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
