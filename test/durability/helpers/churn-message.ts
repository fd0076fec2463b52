/**
 * Messages whose bytes follow from a number k alone, so a reader can tell a complete message
 * from a damaged one: the Subject names k, and the body length varies with k (up to ~200 KB,
 * so a kill often lands in the middle of writing one).
 */
export function makeChurnMessage(k: number): Buffer {
  const lines = (k * 7919) % 3000;
  const body = Array.from({ length: lines }, (_, i) => `line ${i} of message ${k}: ${'x'.repeat((k + i) % 50)}`).join('\r\n');
  return Buffer.from(`From: churn@example.org\r\nSubject: m${k}\r\nMessage-ID: <m${k}@example.org>\r\n\r\n${body}\r\n`);
}

/** The k of a message made by {@link makeChurnMessage}; throws if the bytes are not exactly that message. */
export function churnKeyOf(bytes: Buffer): number {
  const match = /^From: churn@example\.org\r\nSubject: m(\d+)\r\n/.exec(bytes.toString('latin1', 0, 100));
  if (!match) throw new Error(`not a churn message: ${JSON.stringify(bytes.toString('latin1', 0, 80))}`);
  const k = Number(match[1]);
  if (!bytes.equals(makeChurnMessage(k))) throw new Error(`message m${k} is damaged (${bytes.length} octets, expected ${makeChurnMessage(k).length})`);
  return k;
}
