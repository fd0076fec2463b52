/** Small statistics over samples: medians for throughput, percentiles for latency. */

/** The p-th percentile (0-100) by nearest rank; throws on no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** The median: the figure reported for repeated throughput runs, robust to one slow outlier. */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Decimal megabytes per second, as curl and most tools print them. */
export function megabytesPerSecond(bytes: number, seconds: number): number {
  return bytes / 1e6 / seconds;
}

/** Seconds elapsed since a `process.hrtime.bigint()` reading. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
