/**
 * Un-stuffing (RFC 1939 §3): the reply ends at the line that is a lone `.`; every other line
 * that starts with `.` had one dot added by the server, which comes off.
 */

/**
 * The message lines carried by a multi-line reply. `lines` are the reply's lines after its
 * status line, CRLF removed, up to and including the lone `.` that ends it.
 */
export function unstuff(lines: readonly string[]): string[] {
  const message: string[] = [];
  for (const line of lines) {
    if (line === '.') break;
    message.push(line.startsWith('.') ? line.slice(1) : line);
  }
  return message;
}
