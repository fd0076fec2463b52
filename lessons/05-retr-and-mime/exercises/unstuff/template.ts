/**
 * Un-stuffing (RFC 1939 §3). A multi-line reply ends with a line holding a lone `.`. So that a
 * message line starting with `.` cannot end it early, the server puts one more `.` in front of
 * every such line (dot-stuffing); the client takes it off again.
 *
 * Write `unstuff` below, then `npm run exercises -- watch unstuff` (or `.exercise watch
 * unstuff` in the playground): every save runs it on stuffed bodies and on RETR replies read
 * off the wire from the sandbox.
 */

/**
 * The message lines carried by a multi-line reply. `lines` are the reply's lines after its
 * status line, CRLF removed, up to and including the lone `.` that ends it.
 */
export function unstuff(lines: readonly string[]): string[] {
  const message: string[] = [];
  for (const line of lines) {
    // TODO 1: a line that is exactly '.' ends the reply: stop there.
    // TODO 2: a line that starts with '.' had one dot added: take it off.
    message.push(line);
  }
  throw new Error(`unstuff is not written yet (${message.length} lines)`);
}
