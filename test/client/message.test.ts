import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, makeVisible, Pop3Message } from '../../src/client';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'), 'utf8');

describe('Pop3Message', () => {
  const message = new Pop3Message(
    crlf('From: Alice <alice@example.org>\nSubject: =?UTF-8?B?SGVsbG8g8J+Mjw==?=\n =?ISO-8859-1?Q?caf=E9?=\n\nFirst line\n\nSecond line\nThird\nFourth\n'),
    3,
  );

  it('keeps the bytes and offers text, size and header fields', () => {
    expect(message.size).toBe(message.bytes.length);
    expect(message.text.startsWith('From: Alice')).toBe(true);
    expect(message.from).toBe('Alice <alice@example.org>');
    expect(message.subject).toBe('Hello 🌏café');
    expect(message.header('SUBJECT')).toBe(message.subject);
    expect(message.header('x-missing')).toBeUndefined();
    expect(message.bodyText).toBe('First line\r\n\r\nSecond line\r\nThird\r\nFourth\r\n');
  });

  it('prints a short, readable form in the REPL', () => {
    expect(inspect(message)).toBe(
      `Pop3Message {\n  n: 3,\n  size: ${message.size},\n` + "  from: 'Alice <alice@example.org>',\n  subject: 'Hello 🌏café',\n  preview: [ 'First line', 'Second line', 'Third' ]\n}",
    );
  });

  it('shows control characters and escape sequences, never executes them', () => {
    const hostile = new Pop3Message(crlf('Subject: \x1b[2J\x1b]0;pwned\x07 \u202eevil\nFrom: x\x9bz\n\n\x1b[31mred\r\n'));
    const shown = inspect(hostile);
    expect(shown).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(shown).toContain('␛[2J␛]0;pwned␇ <U+202E>evil');
    expect(shown).toContain('x<U+009B>z');
    expect(shown).toContain('␛[31mred');
  });

  it('decodes RFC 2047 encoded-words, leaving unknown charsets alone', () => {
    expect(decodeEncodedWords('=?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=')).toBe('Grüße aus Köln');
    expect(decodeEncodedWords('=?x-unknown?B?AAAA?= plain')).toBe('=?x-unknown?B?AAAA?= plain');
  });

  it('makeVisible maps C0 to control pictures', () => {
    expect(makeVisible('a\tb\r\n\x00\x7f')).toBe('a␉b␍␊␀␡');
  });
});
