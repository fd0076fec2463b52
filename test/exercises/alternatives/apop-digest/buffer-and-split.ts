// Splits on the brackets, rebuilds the timestamp, and feeds the hash two buffers.
import * as crypto from 'node:crypto';

export function apopDigest(greeting: string, secret: string): string {
  const inner = greeting.split('<').slice(1).find((part) => part.includes('@') && part.includes('>'));
  if (!inner) throw new Error('no timestamp');
  const hash = crypto.createHash('md5');
  hash.update(Buffer.from(`<${inner.slice(0, inner.indexOf('>'))}>`, 'utf8'));
  hash.update(Buffer.from(secret, 'utf8'));
  return hash.digest().toString('hex');
}
