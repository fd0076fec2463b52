/**
 * Peak resident-set growth of this process over a stretch of work: the kernel's high-water
 * mark (VmHWM, reset through /proc/self/clear_refs) where Linux allows it, and rss sampled
 * every few milliseconds everywhere, whichever is higher.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const SAMPLE_INTERVAL_MS = 5;

/** What {@link PeakMemoryTracker.finish} reports, in bytes. */
export interface PeakMemory {
  baselineRss: number;
  peakRss: number;
  rssGrowth: number;
  method: string;
  gcBeforeBaseline: boolean;
  /** Peak growth of the JS heap and of Buffer memory: where the RSS growth sits. */
  growthBreakdown: { heapTotal: number; heapUsed: number; arrayBuffers: number };
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

/** Resets the kernel's peak-RSS mark to the current RSS (Linux >= 4.0); false where not allowed. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Tracks peak memory from construction (the baseline, taken after a GC when --expose-gc) to finish(). */
export class PeakMemoryTracker {
  private readonly baseline: NodeJS.MemoryUsage;
  private readonly kernelPeak: boolean;
  private readonly gcBeforeBaseline: boolean;
  private sampledPeak: number;
  private readonly peaks: { heapTotal: number; heapUsed: number; arrayBuffers: number };
  private readonly timer: NodeJS.Timeout;

  constructor() {
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    collect?.();
    this.gcBeforeBaseline = collect !== undefined;
    this.baseline = process.memoryUsage();
    this.kernelPeak = resetPeakRss();
    this.sampledPeak = this.baseline.rss;
    this.peaks = { heapTotal: this.baseline.heapTotal, heapUsed: this.baseline.heapUsed, arrayBuffers: this.baseline.arrayBuffers };
    this.timer = setInterval(() => this.sampleAll(), SAMPLE_INTERVAL_MS);
  }

  /** A cheap rss reading; call it from the data path too, in case the timer is starved. */
  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.sampledPeak) this.sampledPeak = rss;
  }

  private sampleAll(): void {
    const usage = process.memoryUsage();
    if (usage.rss > this.sampledPeak) this.sampledPeak = usage.rss;
    this.peaks.heapTotal = Math.max(this.peaks.heapTotal, usage.heapTotal);
    this.peaks.heapUsed = Math.max(this.peaks.heapUsed, usage.heapUsed);
    this.peaks.arrayBuffers = Math.max(this.peaks.arrayBuffers, usage.arrayBuffers);
  }

  /** Stops sampling and reports the peak growth over the baseline. */
  finish(): PeakMemory {
    clearInterval(this.timer);
    this.sampleAll();
    const hwm = this.kernelPeak ? readPeakRss() : undefined;
    const peakRss = Math.max(this.sampledPeak, hwm ?? 0);
    return {
      baselineRss: this.baseline.rss,
      peakRss,
      rssGrowth: peakRss - this.baseline.rss,
      method: hwm !== undefined ? `VmHWM after clear_refs, and rss sampled every ${SAMPLE_INTERVAL_MS} ms` : `rss sampled every ${SAMPLE_INTERVAL_MS} ms`,
      gcBeforeBaseline: this.gcBeforeBaseline,
      growthBreakdown: {
        heapTotal: this.peaks.heapTotal - this.baseline.heapTotal,
        heapUsed: this.peaks.heapUsed - this.baseline.heapUsed,
        arrayBuffers: this.peaks.arrayBuffers - this.baseline.arrayBuffers,
      },
    };
  }
}
