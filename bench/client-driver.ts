/**
 * Runs just our client, in its own process, for the client benchmarks. Prints one JSON line.
 *
 *   client-driver.ts sweep  HOST PORT USER PASS     RETR every message (await each, as a learner writes it)
 *   client-driver.ts fetch  HOST PORT USER PASS     fetchNew(): UIDL, LIST, then RETRs pipelined 8 deep
 *   client-driver.ts stream HOST PORT USER PASS N   retrStream(N), chunks discarded; peak RSS growth
 *
 * Times run from connect() through quit(), without process start-up, like poplib-sweep.py.
 * Run `stream` with --expose-gc so the baseline is taken after a collection.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, fetchNew } from '../src/client';

const TIMEOUT_MS = 60_000;
const SAMPLE_INTERVAL_MS = 5;

async function sweep(host: string, port: number, user: string, password: string): Promise<void> {
  const start = process.hrtime.bigint();
  const client = await connect({ host, port, timeout: TIMEOUT_MS });
  await client.user(user);
  await client.pass(password);
  const { count } = await client.stat();
  let bytes = 0;
  for (let n = 1; n <= count; n++) {
    const message = await client.retr(n);
    bytes += message.size;
  }
  await client.quit();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ seconds, bytes, messages: count })}\n`);
}

/** The client's own bulk retrieval: RETRs pipelined when the server offers PIPELINING (RFC 2449 §6.6). */
async function fetchAll(host: string, port: number, user: string, password: string): Promise<void> {
  const start = process.hrtime.bigint();
  const client = await connect({ host, port, timeout: TIMEOUT_MS });
  await client.user(user);
  await client.pass(password);
  let bytes = 0;
  let messages = 0;
  await fetchNew(client, {
    seen: [],
    keepMessages: false,
    onMessage: (message) => {
      bytes += message.size;
      messages++;
    },
  });
  await client.quit();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ seconds, bytes, messages })}\n`);
}

/** VmHWM (peak resident set) of this process in bytes, from /proc/self/status. */
function readPeakRss(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets the kernel's peak-RSS mark to the current RSS (Linux ≥ 4.0); false where not allowed. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function stream(host: string, port: number, user: string, password: string, messageNumber: number): Promise<void> {
  const client = await connect({ host, port, timeout: TIMEOUT_MS });
  await client.user(user);
  await client.pass(password);
  await client.list(messageNumber);
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
  const baseline = process.memoryUsage();
  const baselineRss = baseline.rss;
  const kernelPeak = resetPeakRss();
  let sampledPeak = baselineRss;
  // Where growth sits (JS heap or Buffers outside it) tells the client engineer what to look at.
  const peaks = { heapTotal: baseline.heapTotal, heapUsed: baseline.heapUsed, arrayBuffers: baseline.arrayBuffers };
  const sample = (): void => {
    const rss = process.memoryUsage.rss();
    if (rss > sampledPeak) sampledPeak = rss;
  };
  const sampleBreakdown = (): void => {
    const usage = process.memoryUsage();
    peaks.heapTotal = Math.max(peaks.heapTotal, usage.heapTotal);
    peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, usage.arrayBuffers);
  };
  const sampler = setInterval(() => {
    sample();
    sampleBreakdown();
  }, SAMPLE_INTERVAL_MS);
  const start = process.hrtime.bigint();
  let bytes = 0;
  let chunks = 0;
  for await (const chunk of client.retrStream(messageNumber)) {
    bytes += (chunk as Buffer).length;
    if (++chunks % 16 === 0) sample();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(sampler);
  sample();
  const hwm = kernelPeak ? readPeakRss() : undefined;
  const peakRss = Math.max(sampledPeak, hwm ?? 0);
  await client.quit();
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      bytes,
      messages: 1,
      baselineRss,
      peakRss,
      rssGrowth: peakRss - baselineRss,
      method: hwm !== undefined ? 'VmHWM after clear_refs, and rss sampled every 5 ms' : 'rss sampled every 5 ms',
      gcBeforeBaseline: collect !== undefined,
      growthBreakdown: {
        heapTotal: peaks.heapTotal - baseline.heapTotal,
        heapUsed: peaks.heapUsed - baseline.heapUsed,
        arrayBuffers: peaks.arrayBuffers - baseline.arrayBuffers,
      },
    })}\n`,
  );
}

async function main(): Promise<void> {
  const [mode, host, port, user, password, n] = process.argv.slice(2);
  if (!host || !port || !user || password === undefined) throw new Error('usage: client-driver.ts sweep|fetch|stream HOST PORT USER PASS [N]');
  if (mode === 'sweep') await sweep(host, Number(port), user, password);
  else if (mode === 'fetch') await fetchAll(host, Number(port), user, password);
  else if (mode === 'stream') await stream(host, Number(port), user, password, Number(n ?? 1));
  else throw new Error(`unknown mode ${String(mode)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`client-driver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
