import { describe, expect, it } from 'vitest';
import { findApopTimestamp, LineReader, parseStatusLine, stuffMultiline, toCanonicalCrlf, unstuffMultiline } from '../../src/protocol';

describe('protocol core smoke', () => {
  it('round-trips dot-stuffing', () => {
    const msg = toCanonicalCrlf(Buffer.from('a\n.\n..b\n.c'));
    expect(msg.toString()).toBe('a\r\n.\r\n..b\r\n.c\r\n');
    const wire = stuffMultiline(msg);
    expect(wire.toString()).toBe('a\r\n..\r\n...b\r\n..c\r\n.\r\n');
    expect(unstuffMultiline(wire).equals(msg)).toBe(true);
  });
  it('splits lines and reports over-long ones', () => {
    const r = new LineReader();
    r.push(Buffer.from('USER al'));
    expect(r.next(255)).toBeUndefined();
    r.push(Buffer.from('ice\r\nNOOP\n'));
    expect(r.next(255)).toMatchObject({ kind: 'line', octets: 12 });
    expect((r.next(255) as { line: Buffer }).line.toString()).toBe('NOOP');
    r.push(Buffer.alloc(300, 0x41));
    expect(r.next(255)).toEqual({ kind: 'too-long', limit: 255 });
    r.push(Buffer.from('AAA\r\nSTAT\r\n'));
    expect((r.next(255) as { line: Buffer }).line.toString()).toBe('STAT');
  });
  it('parses response codes and the APOP timestamp', () => {
    expect(parseStatusLine('-ERR [in-use] locked')).toEqual({ kind: 'err', code: 'IN-USE', text: 'locked', line: '-ERR [in-use] locked' });
    expect(findApopTimestamp('+OK <no> hi <1896.697170952@dbc.mtview.ca.us>')).toBe('<1896.697170952@dbc.mtview.ca.us>');
    expect(findApopTimestamp('+OK ' + '<'.repeat(1_000_000))).toBeUndefined();
  });
});
