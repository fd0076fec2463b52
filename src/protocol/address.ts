/** A dotted-quad IPv4 address, each part 0-255 without leading zeros (RFC 3986 §3.2.2 dec-octet). */
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * True for an address or name only this machine can reach: IPv4 127.0.0.0/8 (RFC 1122
 * §3.2.1.3), `::1` (RFC 4291 §2.5.3), IPv4-mapped `::ffff:127.x.y.z` (RFC 4291 §2.5.5.2), and
 * `localhost` or a name under it (RFC 6761 §6.3). Case-insensitive; IPv6 brackets are ignored.
 * Decides whether a password may cross in cleartext (RFC 2595 §6).
 */
export function isLoopback(address: string): boolean {
  const host = address.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  const ipv4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return ipv4.startsWith('127.') && IPV4.test(ipv4);
}
