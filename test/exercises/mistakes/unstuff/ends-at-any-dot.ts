export function unstuff(lines: readonly string[]): string[] {
  const message: string[] = [];
  for (const line of lines) {
    if (line.startsWith('.') && line !== '..') break;
    message.push(line === '..' ? '.' : line);
  }
  return message;
}
