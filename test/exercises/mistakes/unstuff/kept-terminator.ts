export function unstuff(lines: readonly string[]): string[] {
  const message: string[] = [];
  for (const line of lines) {
    message.push(line.startsWith('..') ? line.slice(1) : line);
    if (line === '.') break;
  }
  return message;
}
