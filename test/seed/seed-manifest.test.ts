import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Checks sandbox-server/seed/manifest.json against the .eml files it lists.
 * The files are byte-exact on purpose (CRLF, bare LF, missing final line
 * breaks), so everything here works on Buffers, never on normalised text.
 */

const SEED_DIR = path.join(__dirname, '..', '..', 'sandbox-server', 'seed');

interface SeedAccount {
  name: string;
  password: string;
  description: string;
  messages: string[];
}

interface SeedMessage {
  file: string;
  subject: string;
  description: string;
  tags: string[];
  date: string;
  from: string;
}

interface SeedManifest {
  formatVersion: number;
  accounts: SeedAccount[];
  messages: Record<string, SeedMessage>;
}

const TAGS = new Set([
  'plain',
  'alternative',
  'attachment',
  'rfc2047',
  'utf8-body',
  'dot-stuffing',
  'no-final-newline',
  'bare-lf',
  'long-line',
  'large',
  'thread',
  'duplicate',
  'headers-only',
  'empty-body',
  'utf8-headers',
  'over-long-line',
]);

const manifest = JSON.parse(fs.readFileSync(path.join(SEED_DIR, 'manifest.json'), 'utf8')) as SeedManifest;

function entry(name: string): SeedMessage {
  const e = manifest.messages[name];
  if (!e) throw new Error(`manifest has no message named ${name}`);
  return e;
}

function account(name: string): SeedAccount {
  const a = manifest.accounts.find((acc) => acc.name === name);
  if (!a) throw new Error(`manifest has no account named ${name}`);
  return a;
}

const cache = new Map<string, Buffer>();
function raw(name: string): Buffer {
  let buf = cache.get(name);
  if (!buf) {
    buf = fs.readFileSync(path.join(SEED_DIR, entry(name).file));
    cache.set(name, buf);
  }
  return buf;
}

const LF = 0x0a;
const CR = 0x0d;

/** Lines of a buffer without their terminators (LF or CRLF); a final unterminated line is included. */
function lines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === LF) {
      const end = i > start && buf[i - 1] === CR ? i - 1 : i;
      out.push(buf.subarray(start, end));
      start = i + 1;
    }
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

/** The header section: everything before the first empty line (the whole file if there is none). */
function headerSection(buf: Buffer): Buffer {
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === LF) {
      const lineLength = i - start - (i > start && buf[i - 1] === CR ? 1 : 0);
      if (lineLength === 0) return buf.subarray(0, start);
      start = i + 1;
    }
  }
  return buf;
}

/** Unfolded header values for a field name (case-insensitive), decoded as UTF-8. */
function headerValues(buf: Buffer, field: string): string[] {
  const unfolded = headerSection(buf)
    .toString('utf8')
    .replace(/\r?\n(?=[ \t])/g, '')
    .split(/\r?\n/);
  const prefix = field.toLowerCase() + ':';
  return unfolded.filter((l) => l.toLowerCase().startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
}

function header(buf: Buffer, field: string): string {
  const values = headerValues(buf, field);
  expect(values, `exactly one ${field} header`).toHaveLength(1);
  return values[0] as string;
}

/** Minimal RFC 2047 decoder (UTF-8 only, B and Q), enough for the seed's own subjects. */
function decodeRfc2047(value: string): string {
  const joined = value.replace(/(\?=)[ \t]+(?==\?)/g, '$1');
  return joined.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m: string, charset: string, enc: string, text: string) => {
    if (charset.toLowerCase() !== 'utf-8') throw new Error(`unexpected charset ${charset}`);
    const bytes =
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_h: string, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          );
    return bytes.toString('utf8');
  });
}

function hasHighByte(buf: Buffer): boolean {
  return buf.some((b) => b >= 0x80);
}

function isValidUtf8(buf: Buffer): boolean {
  return Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}

const allNames = manifest.accounts.flatMap((a) => a.messages);

describe('seed manifest structure', () => {
  it('has format version 1 and the four accounts with their passwords', () => {
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.accounts.map((a) => [a.name, a.password])).toEqual([
      ['alice', 'wonderland'],
      ['bob', 'builder'],
      ['zoe', 'unicode'],
      ['max', 'linelength'],
    ]);
    for (const a of manifest.accounts) expect(a.description.length).toBeGreaterThan(0);
  });

  it('lists every message name once, across all accounts', () => {
    expect(new Set(allNames).size).toBe(allNames.length);
  });

  it('defines every listed message, and lists every defined message', () => {
    for (const name of allNames) expect(manifest.messages, name).toHaveProperty([name]);
    expect(Object.keys(manifest.messages).sort()).toEqual([...allNames].sort());
  });

  it('uses kebab-case names, known tags and complete fields', () => {
    for (const name of allNames) {
      const e = entry(name);
      expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(e.subject.length, name).toBeGreaterThan(0);
      expect(e.description.length, name).toBeGreaterThan(0);
      expect(e.tags.length, name).toBeGreaterThan(0);
      for (const t of e.tags) expect(TAGS.has(t), `${name}: tag ${t}`).toBe(true);
      expect(e.from, name).toMatch(/^[^\s@<>]+@(?:[a-z0-9-]+\.)*example\.(?:org|com|net)$/);
      expect(e.date, name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/);
    }
  });

  it('points every message at an existing file inside its account folder, no file twice', () => {
    const files = new Set<string>();
    for (const a of manifest.accounts) {
      for (const name of a.messages) {
        const file = entry(name).file;
        expect(file.startsWith(`${a.name}/`), `${name}: ${file}`).toBe(true);
        expect(file.endsWith('.eml'), file).toBe(true);
        expect(path.normalize(file), file).toBe(file);
        expect(fs.statSync(path.join(SEED_DIR, file)).isFile(), file).toBe(true);
        files.add(file);
      }
    }
    expect(files.size).toBe(allNames.length);
  });

  it('has no .eml file that the manifest does not list', () => {
    const listed = new Set(allNames.map((n) => entry(n).file));
    for (const a of manifest.accounts) {
      for (const f of fs.readdirSync(path.join(SEED_DIR, a.name))) {
        expect(listed.has(`${a.name}/${f}`), f).toBe(true);
      }
    }
  });
});

describe('seed messages agree with the manifest', () => {
  it.each(allNames)('%s: Date, From and Subject headers match', (name) => {
    const e = entry(name);
    const buf = raw(name);
    const date = Date.parse(header(buf, 'Date'));
    expect(Number.isNaN(date)).toBe(false);
    expect(date).toBe(Date.parse(e.date));
    expect(date).toBeGreaterThanOrEqual(Date.parse('2025-01-01T00:00:00Z'));
    expect(date).toBeLessThan(Date.parse('2025-11-01T00:00:00Z'));
    expect(header(buf, 'From')).toContain(`<${e.from}>`);
    expect(decodeRfc2047(header(buf, 'Subject'))).toBe(e.subject);
  });

  it('gives every message a distinct Message-ID, except the byte-identical duplicates', () => {
    const ids = new Map<string, string[]>();
    for (const name of allNames) {
      const id = header(raw(name), 'Message-ID');
      expect(id, name).toMatch(/^<[^<>@\s]+@[^<>@\s]+>$/);
      ids.set(id, [...(ids.get(id) ?? []), name]);
    }
    const shared = [...ids.values()].filter((names) => names.length > 1);
    expect(shared).toEqual([['bob-duplicate-1', 'bob-duplicate-2']]);
  });

  it('uses only example.org, example.com and example.net domains', () => {
    for (const name of allNames) {
      const text = raw(name).toString('latin1');
      for (const m of text.matchAll(/@([A-Za-z0-9.-]+)/g)) {
        expect(m[1], name).toMatch(/(?:^|\.)example\.(?:org|com|net)$/);
      }
    }
  });

  it('uses CRLF everywhere except in bare-lf', () => {
    for (const name of allNames) {
      if (name === 'bare-lf') continue;
      const buf = raw(name);
      const problems: string[] = [];
      for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
        if (buf[i - 1] !== CR) problems.push(`bare LF at ${i}`);
      }
      for (let i = buf.indexOf(CR); i !== -1; i = buf.indexOf(CR, i + 1)) {
        if (buf[i + 1] !== LF) problems.push(`bare CR at ${i}`);
      }
      expect(problems, name).toEqual([]);
    }
  });

  it('ends every file with a line break, except the two that must not', () => {
    for (const name of allNames) {
      const endsWithBreak = raw(name).at(-1) === LF;
      expect(endsWithBreak, name).toBe(!['no-final-newline', 'ends-with-dot'].includes(name));
    }
  });
});

describe('alice', () => {
  const alice = account('alice');

  it('has at least 12 messages, starting with welcome', () => {
    expect(alice.messages.length).toBeGreaterThanOrEqual(12);
    expect(alice.messages[0]).toBe('welcome');
    for (const name of [
      'welcome',
      'newsletter-alternative',
      'report-attachment',
      'encoded-subject',
      'utf8-body',
      'dot-lines',
      'ends-with-dot',
      'bare-lf',
      'no-final-newline',
      'long-line',
      'big-attachment',
      'thread-question',
      'thread-reply',
      'thread-followup',
    ]) {
      expect(alice.messages, name).toContain(name);
    }
  });

  it('has no line over 998 octets and no raw non-ASCII byte in any header section', () => {
    for (const name of alice.messages) {
      const buf = raw(name);
      for (const line of lines(buf)) expect(line.length, name).toBeLessThanOrEqual(998);
      expect(hasHighByte(headerSection(buf)), name).toBe(false);
    }
  });

  it('welcome is short plain ASCII', () => {
    const buf = raw('welcome');
    expect(buf.length).toBeLessThan(4096);
    expect(hasHighByte(buf)).toBe(false);
    expect(header(buf, 'Content-Type')).toMatch(/^text\/plain/);
  });

  it('newsletter-alternative is multipart/alternative with text/plain and text/html parts', () => {
    const buf = raw('newsletter-alternative');
    expect(header(buf, 'Content-Type')).toMatch(/^multipart\/alternative;/);
    const text = buf.toString('latin1');
    expect(text).toMatch(/\r\nContent-Type: text\/plain/);
    expect(text).toMatch(/\r\nContent-Type: text\/html/);
  });

  it('report-attachment is multipart/mixed with a base64 attachment', () => {
    const buf = raw('report-attachment');
    expect(header(buf, 'Content-Type')).toMatch(/^multipart\/mixed;/);
    const text = buf.toString('latin1');
    expect(text).toMatch(/\r\nContent-Disposition: attachment; filename="[^"]+"/);
    expect(text).toMatch(/\r\nContent-Transfer-Encoding: base64\r\n/);
  });

  it('encoded-subject has an RFC 2047 Subject and a quoted-printable body', () => {
    const buf = raw('encoded-subject');
    expect(header(buf, 'Subject')).toMatch(/=\?UTF-8\?[BQ]\?/i);
    expect(hasHighByte(Buffer.from(entry('encoded-subject').subject, 'utf8'))).toBe(true);
    expect(header(buf, 'Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(hasHighByte(buf)).toBe(false);
  });

  it('utf8-body has an 8-bit UTF-8 body under ASCII headers', () => {
    const buf = raw('utf8-body');
    expect(header(buf, 'Content-Type')).toMatch(/charset=utf-8/i);
    expect(header(buf, 'Content-Transfer-Encoding')).toBe('8bit');
    const body = buf.subarray(headerSection(buf).length);
    expect(hasHighByte(body)).toBe(true);
    expect(isValidUtf8(buf)).toBe(true);
  });

  it('dot-lines has body lines that begin with a dot, followed by more text', () => {
    const body = lines(raw('dot-lines')).map((l) => l.toString('latin1'));
    for (const want of ['.', '..', '...', '.leading dot', '.hidden']) {
      expect(body.some((l) => l === want || (want.length > 3 && l.startsWith(want))), want).toBe(true);
    }
    const lastDotLine = body.map((l) => l.startsWith('.')).lastIndexOf(true);
    expect(body.slice(lastDotLine + 1).filter((l) => l.trim().length > 0).length).toBeGreaterThan(0);
  });

  it('ends-with-dot ends with a lone "." line and no line break', () => {
    const buf = raw('ends-with-dot');
    expect(buf.subarray(-3).toString('latin1')).toBe('\r\n.');
    expect(buf.toString('latin1').endsWith('\n.')).toBe(true);
  });

  it('no-final-newline does not end with a line break', () => {
    const buf = raw('no-final-newline');
    expect(buf.at(-1)).not.toBe(LF);
    expect(buf.at(-1)).not.toBe(CR);
  });

  it('bare-lf really uses bare LF line endings, with at most one CRLF line', () => {
    const buf = raw('bare-lf');
    let bare = 0;
    let crlf = 0;
    for (let i = 0; i < buf.length; i++) {
      if (buf[i] === LF) {
        if (buf[i - 1] === CR) crlf++;
        else bare++;
      }
    }
    expect(bare).toBeGreaterThan(20);
    expect(crlf).toBeLessThanOrEqual(1);
    expect(headerSection(buf).includes('\r')).toBe(false);
  });

  it('long-line has a line of 990 to 998 octets', () => {
    const longest = Math.max(...lines(raw('long-line')).map((l) => l.length));
    expect(longest).toBeGreaterThanOrEqual(990);
    expect(longest).toBeLessThanOrEqual(998);
  });

  it('big-attachment is over 1 MiB, multipart/mixed, with 76-character base64 lines', () => {
    const buf = raw('big-attachment');
    expect(buf.length).toBeGreaterThanOrEqual(1_100_000);
    expect(header(buf, 'Content-Type')).toMatch(/^multipart\/mixed;/);
    const b64 = lines(buf).filter((l) => /^[A-Za-z0-9+/]+=*$/.test(l.toString('latin1')) && l.length > 40);
    expect(b64.length).toBeGreaterThan(10_000);
    expect(b64.slice(0, -1).every((l) => l.length === 76)).toBe(true);
  });

  it('the thread links up through Message-ID, In-Reply-To and References', () => {
    const q = raw('thread-question');
    const r = raw('thread-reply');
    const f = raw('thread-followup');
    const qid = header(q, 'Message-ID');
    const rid = header(r, 'Message-ID');
    expect(headerValues(q, 'In-Reply-To')).toEqual([]);
    expect(header(r, 'In-Reply-To')).toBe(qid);
    expect(header(r, 'References').split(/\s+/)).toEqual([qid]);
    expect(header(f, 'In-Reply-To')).toBe(rid);
    expect(header(f, 'References').split(/\s+/)).toEqual([qid, rid]);
    const subject = entry('thread-question').subject;
    expect(entry('thread-reply').subject).toBe(`Re: ${subject}`);
    expect(entry('thread-followup').subject).toBe(`Re: ${subject}`);
    expect(Date.parse(entry('thread-question').date)).toBeLessThan(Date.parse(entry('thread-reply').date));
    expect(Date.parse(entry('thread-reply').date)).toBeLessThan(Date.parse(entry('thread-followup').date));
  });
});

describe('bob', () => {
  it('has the duplicates, headers-only and empty-body messages', () => {
    const bob = account('bob');
    for (const name of ['bob-welcome', 'bob-duplicate-1', 'bob-duplicate-2', 'bob-headers-only', 'bob-empty-body']) {
      expect(bob.messages, name).toContain(name);
    }
  });

  it('bob-duplicate-1 and bob-duplicate-2 are byte-identical, separate files', () => {
    expect(entry('bob-duplicate-1').file).not.toBe(entry('bob-duplicate-2').file);
    expect(raw('bob-duplicate-1').equals(raw('bob-duplicate-2'))).toBe(true);
  });

  it('bob-headers-only has header lines and no blank line, no body', () => {
    const buf = raw('bob-headers-only');
    expect(headerSection(buf).length).toBe(buf.length);
    expect(buf.includes('\r\n\r\n')).toBe(false);
    expect(buf.subarray(-2).toString('latin1')).toBe('\r\n');
    for (const line of lines(buf)) expect(line.toString('latin1')).toMatch(/^[A-Za-z-]+: /);
  });

  it('bob-empty-body has headers, one blank line and nothing after it', () => {
    const buf = raw('bob-empty-body');
    expect(buf.subarray(-4).toString('latin1')).toBe('\r\n\r\n');
    expect(headerSection(buf).length).toBe(buf.length - 2);
  });
});

describe('zoe', () => {
  it.each(account('zoe').messages)('%s has raw UTF-8 in Subject and From', (name) => {
    const buf = raw(name);
    const head = headerSection(buf);
    expect(hasHighByte(head)).toBe(true);
    expect(isValidUtf8(head)).toBe(true);
    expect(header(buf, 'Subject')).toBe(entry(name).subject);
    expect(header(buf, 'Subject')).not.toContain('=?');
    expect(hasHighByte(Buffer.from(header(buf, 'Subject'), 'utf8'))).toBe(true);
    expect(hasHighByte(Buffer.from(header(buf, 'From'), 'utf8'))).toBe(true);
  });
});

describe('max', () => {
  it('max-3000-octet-line has a line of exactly 3,000 octets', () => {
    const lengths = lines(raw('max-3000-octet-line')).map((l) => l.length);
    expect(lengths).toContain(3000);
    expect(Math.max(...lengths)).toBe(3000);
  });

  it('max-short has no line over 998 octets', () => {
    for (const line of lines(raw('max-short'))) expect(line.length).toBeLessThanOrEqual(998);
  });
});
