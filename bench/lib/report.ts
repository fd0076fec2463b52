/**
 * Figures, ratios and targets: how every suite prints its table and writes its JSON.
 * Benchmarks are not tests (DESIGN.md): a missed target is printed, never thrown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { describeEnvironment, type BenchEnvironment } from './environment';

/** One measured figure, or the reason it could not be measured. */
export interface Figure {
  /** Column name: `sandbox`, `dovecot`, `our client`, `poplib`, `curl`. */
  name: string;
  /** The figure, when measured. */
  value?: number;
  unit: string;
  /** Why there is no value: "not installed", "failed: ...". */
  missing?: string;
  /** Raw samples behind the value, kept in the JSON for later reading. */
  samples?: number[];
  /** Anything else worth keeping (bytes moved, error counts). */
  detail?: Record<string, unknown>;
}

/** A ratio between two figures of the same row, with the target it is held to. */
export interface Ratio {
  /** Printed before the ratio, e.g. `vs poplib`; empty for the row's main ratio. */
  label: string;
  /** Column name of the numerator and of the denominator. */
  of: string;
  to: string;
  /** Minimum acceptable ratio; printed beside it. */
  atLeast?: number;
}

/** An absolute target on one figure, e.g. p99 under 20 ms. */
export interface Limit {
  figure: string;
  below?: number;
  above?: number;
}

/** One printed line of a suite's table. */
export interface Row {
  label: string;
  figures: Figure[];
  ratios?: Ratio[];
  limits?: Limit[];
  note?: string;
}

/** A ratio as computed for printing and for the JSON. */
export interface RatioResult {
  label: string;
  of: string;
  to: string;
  value?: number;
  atLeast?: number;
  met?: boolean;
  missing?: string;
}

/** A limit as computed for printing and for the JSON. */
export interface LimitResult extends Limit {
  value?: number;
  met?: boolean;
}

/** Whether a measured ratio or limit meets its target; undefined when nothing was measured. */
function meets(value: number | undefined, atLeast?: number, below?: number, above?: number): boolean | undefined {
  if (value === undefined) return undefined;
  if (atLeast !== undefined && value < atLeast) return false;
  if (below !== undefined && value >= below) return false;
  if (above !== undefined && value <= above) return false;
  return true;
}

/** Computes a row's ratios from its figures. */
export function computeRatios(row: Row): RatioResult[] {
  return (row.ratios ?? []).map((ratio) => {
    const of = row.figures.find((f) => f.name === ratio.of);
    const to = row.figures.find((f) => f.name === ratio.to);
    const base = { label: ratio.label, of: ratio.of, to: ratio.to, atLeast: ratio.atLeast };
    if (of?.value === undefined) return { ...base, missing: of?.missing ?? 'not measured' };
    if (to?.value === undefined) return { ...base, missing: to?.missing ?? 'not measured' };
    if (to.value === 0) return { ...base, missing: 'reference is zero' };
    const value = of.value / to.value;
    return { ...base, value, met: meets(value, ratio.atLeast) };
  });
}

/** Computes a row's absolute limits from its figures. */
export function computeLimits(row: Row): LimitResult[] {
  return (row.limits ?? []).map((limit) => {
    const figure = row.figures.find((f) => f.name === limit.figure);
    const value = figure?.value;
    return { ...limit, value, met: meets(value, undefined, limit.below, limit.above) };
  });
}

/** A figure as printed: three significant digits or so, or the reason it is missing. */
export function formatFigure(figure: Figure): string {
  if (figure.value === undefined) return `${figure.name} ${figure.missing ?? 'not measured'}`;
  return `${figure.name} ${formatNumber(figure.value)} ${figure.unit}`;
}

/** Numbers as people read them: 412.3, 12.5, 0.84, 1,234. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 10_000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function formatRatio(ratio: RatioResult): string {
  const prefix = ratio.label ? `ratio ${ratio.label} ` : 'ratio ';
  const target = ratio.atLeast !== undefined ? ` (target >= ${ratio.atLeast.toFixed(1)}x${verdict(ratio.met)})` : '';
  if (ratio.value === undefined) return `${prefix}n/a${target}`;
  return `${prefix}${ratio.value.toFixed(2)}x${target}`;
}

function formatLimit(limit: LimitResult, unit: string): string {
  const bound = limit.below !== undefined ? `< ${limit.below} ${unit}` : `> ${limit.above ?? 0} ${unit}`;
  return `(target ${limit.figure} ${bound}${verdict(limit.met)})`;
}

function verdict(met: boolean | undefined): string {
  if (met === undefined) return '';
  return met ? ', met' : ', MISSED';
}

/** Prints rows in aligned columns, one line each. */
export function formatTable(suite: string, rows: readonly Row[]): string {
  const cells = rows.map((row) => {
    const parts = [`${suite}: ${row.label}`, ...row.figures.map(formatFigure)];
    const tail = [
      ...computeRatios(row).map(formatRatio),
      ...computeLimits(row).map((l) => formatLimit(l, row.figures.find((f) => f.name === l.figure)?.unit ?? '')),
    ];
    if (row.note) tail.push(`[${row.note}]`);
    return { parts, tail };
  });
  const widths: number[] = [];
  for (const { parts } of cells) {
    parts.forEach((part, i) => {
      widths[i] = Math.max(widths[i] ?? 0, part.length);
    });
  }
  return cells
    .map(({ parts, tail }) => {
      const padded = parts.map((part, i) => part.padEnd(widths[i] ?? 0));
      return [...padded, ...tail].join('   ').trimEnd();
    })
    .join('\n');
}

/** The JSON written beside each run. */
export interface SuiteResult {
  suite: string;
  startedAt: string;
  finishedAt: string;
  environment: BenchEnvironment;
  rows: (Row & { ratioResults: RatioResult[]; limitResults: LimitResult[] })[];
  notes: string[];
}

/** Collects a suite's rows, prints each as it lands and writes the JSON at the end. */
export class SuiteReport {
  readonly suite: string;
  private readonly startedAt = new Date();
  private readonly rows: Row[] = [];
  private readonly notes: string[] = [];

  constructor(suite: string) {
    this.suite = suite;
  }

  /** Adds a row and prints it at once, so a slow suite shows progress. */
  add(row: Row): void {
    this.rows.push(row);
    process.stdout.write(`${formatTable(this.suite, [row])}\n`);
  }

  /** Adds a free-form line (limits raised, what was skipped and why). */
  note(text: string): void {
    this.notes.push(text);
    process.stdout.write(`${this.suite}: note: ${text}\n`);
  }

  /**
   * Notes the machine's load. Other work on a 2-core machine moves every figure, so a busy
   * run says so; ratios suffer less because contenders are measured round-robin.
   */
  noteLoad(when: string): void {
    const [one] = loadavg();
    const cores = cpus().length;
    const busy = (one ?? 0) > cores * 0.5 ? ': other work is running, figures are noisy' : '';
    this.note(`load average ${(one ?? 0).toFixed(2)} on ${cores} cores ${when}${busy}`);
  }

  /** Prints the whole table, aligned, and writes bench/results/<suite>-<timestamp>.json. */
  async finish(): Promise<string> {
    const finishedAt = new Date();
    process.stdout.write(`\n${formatTable(this.suite, this.rows)}\n`);
    const result: SuiteResult = {
      suite: this.suite,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      environment: await describeEnvironment(),
      rows: this.rows.map((row) => ({ ...row, ratioResults: computeRatios(row), limitResults: computeLimits(row) })),
      notes: this.notes,
    };
    const dir = join(__dirname, '..', 'results');
    mkdirSync(dir, { recursive: true });
    const stamp = this.startedAt.toISOString().replace(/[:.]/g, '-');
    const file = join(dir, `${this.suite}-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${this.suite}: figures written to ${file}\n`);
    return file;
  }
}
