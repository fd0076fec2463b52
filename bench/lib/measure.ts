/** Repeated measurement: warm-up runs, timed runs, the median as the figure; failures become text. */
import type { Figure } from './report';
import { median, megabytesPerSecond } from './stats';
import type { Transfer } from './programs';
import { describeError } from './failure-text';

/** How many times to run a workload. */
export interface Repetitions {
  warmups: number;
  runs: number;
}

/** One program fetching one workload, as a column of a throughput row. */
export interface Contender {
  name: string;
  /** Octets the maildrop holds for this workload; every contender fetches the same. */
  expectedBytes: number;
  transfer: () => Promise<Transfer>;
}

/**
 * Runs every contender `warmups + runs` times, round-robin (A B C, A B C, ...) so that load
 * from elsewhere on the machine falls on all of them alike, and reports each one's median
 * MB/s over its timed runs. MB/s are computed from the octets the maildrop holds. A run that
 * moved under 99% of them is a failure, not a fast run; a failed contender drops out of the
 * later rounds and shows its error instead of a figure.
 */
export async function measureThroughput(contenders: readonly Contender[], reps: Repetitions): Promise<Figure[]> {
  const state = contenders.map((c) => ({ contender: c, seconds: [] as number[], bytes: [] as number[], cpu: [] as number[], clientCpu: [] as number[], error: undefined as string | undefined }));
  for (let round = 0; round < reps.warmups + reps.runs; round++) {
    for (const entry of state) {
      if (entry.error !== undefined) continue;
      try {
        const result = await entry.contender.transfer();
        if (result.bytes < entry.contender.expectedBytes * 0.99) {
          throw new Error(`moved ${result.bytes} of ${entry.contender.expectedBytes} octets`);
        }
        if (round >= reps.warmups) {
          entry.seconds.push(result.seconds);
          entry.bytes.push(result.bytes);
          if (result.serverCpuSeconds !== undefined) entry.cpu.push(result.serverCpuSeconds);
          if (result.cpuSeconds !== undefined) entry.clientCpu.push(result.cpuSeconds);
        }
      } catch (error) {
        entry.error = describeError(error);
      }
    }
  }
  return state.map(({ contender, seconds, bytes, cpu, clientCpu, error }): Figure => {
    if (error !== undefined) return { name: contender.name, unit: 'MB/s', missing: `failed: ${error}` };
    const samples = seconds.map((s) => megabytesPerSecond(contender.expectedBytes, s));
    return {
      name: contender.name,
      value: median(samples),
      unit: 'MB/s',
      samples,
      detail: { seconds, bytesReported: bytes, expectedBytes: contender.expectedBytes, ...(cpu.length > 0 ? { serverCpuSeconds: cpu } : {}),
        ...(clientCpu.length > 0 ? { clientCpuSeconds: clientCpu } : {}),
      },
    };
  });
}

/**
 * CPU milliseconds per MB moved, from the CPU seconds a throughput figure recorded under
 * `key` (`serverCpuSeconds` or `clientCpuSeconds`): steadier than MB/s on a busy machine.
 */
export function cpuPerMegabyte(figure: Figure, key: 'serverCpuSeconds' | 'clientCpuSeconds'): Figure {
  const cpu = figure.detail?.[key] as number[] | undefined;
  const moved = figure.detail?.expectedBytes as number | undefined;
  if (figure.value === undefined) return { name: figure.name, unit: 'ms/MB', missing: figure.missing ?? 'not measured' };
  if (!cpu?.length || !moved) return { name: figure.name, unit: 'ms/MB', missing: 'not reported' };
  const total = cpu.reduce((a, b) => a + b, 0);
  return { name: figure.name, unit: 'ms/MB', value: (1000 * total) / ((moved / 1e6) * cpu.length), samples: cpu };
}

/** Runs one measurement that yields a figure itself; a thrown error becomes the figure's text. */
export async function measureOnce(name: string, unit: string, run: () => Promise<Omit<Figure, 'name' | 'unit'>>): Promise<Figure> {
  try {
    return { name, unit, ...(await run()) };
  } catch (error) {
    return { name, unit, missing: `failed: ${describeError(error)}` };
  }
}
