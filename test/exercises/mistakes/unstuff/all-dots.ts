export function unstuff(lines: readonly string[]): string[] {
  const end = lines.indexOf('.');
  return lines.slice(0, end).map((line) => line.replace(/^\.+/, ''));
}
