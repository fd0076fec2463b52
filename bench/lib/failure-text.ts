/** Turning failures into table-sized text. */

/** Short text for an error, for a table cell. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
}

/** The telling line of a failed program's output: the first error line (no stack frames), else the last line. */
export function summarizeFailure(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !l.startsWith('requireStack') && l !== '}' && l !== ']');
  const error = lines.find((l) => /error|refused|failed|denied|cannot/i.test(l));
  return (error ?? lines[lines.length - 1] ?? '(no output)').slice(0, 300);
}
