// An index loop and a regular expression that drops one leading dot.
export function unstuff(lines: string[]): string[] {
  const out = [];
  let i = 0;
  while (i < lines.length && lines[i] !== '.') {
    out.push(lines[i]!.replace(/^\./, ''));
    i += 1;
  }
  return out;
}
