/** Repeated measurement: warm-up runs, timed runs, the median as the figure; failures become text. */
import type { Figure } from './report';
import { median, megabytesPerSecond } from './stats';
import type { Transfer } from './programs';

/** How many times to run a workload. */
export interface Repetitions {
  warmups: number;
  runs: number;
}

/** Short text for an error, for a table cell. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
}

/**
 * Runs a transfer `warmups + runs` times and reports the median MB/s of the timed runs,
 * computed from the octets the maildrop holds (every program fetched the same octets). A run
 * that moved under 99% of them counts as a failure, not as a fast run.
 */
export async function measureThroughput(name: string, expectedBytes: number, reps: Repetitions, transfer: () => Promise<Transfer>): Promise<Figure> {
  try {
    const seconds: number[] = [];
    const moved: number[] = [];
    for (let i = 0; i < reps.warmups + reps.runs; i++) {
      const result = await transfer();
      if (result.bytes < expectedBytes * 0.99) {
        throw new Error(`moved ${result.bytes} of ${expectedBytes} octets`);
      }
      if (i >= reps.warmups) {
        seconds.push(result.seconds);
        moved.push(result.bytes);
      }
    }
    const samples = seconds.map((s) => megabytesPerSecond(expectedBytes, s));
    return {
      name,
      value: median(samples),
      unit: 'MB/s',
      samples,
      detail: { seconds, bytesReported: moved, expectedBytes },
    };
  } catch (error) {
    return { name, unit: 'MB/s', missing: `failed: ${describeError(error)}` };
  }
}

/** Runs one measurement that yields a figure itself; a thrown error becomes the figure's text. */
export async function measureOnce(name: string, unit: string, run: () => Promise<Omit<Figure, 'name' | 'unit'>>): Promise<Figure> {
  try {
    return { name, unit, ...(await run()) };
  } catch (error) {
    return { name, unit, missing: `failed: ${describeError(error)}` };
  }
}
