import { describe, expect } from 'vitest';
import { fakeServerTest, GREETING } from './fake-server';

/** C0 and C1 controls, DEL, bidirectional overrides: what must never reach a terminal raw. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const it = fakeServerTest({ timeout: 2000 });

describe('error messages quoting the server make its control characters visible', () => {
  it('in a -ERR reply (Pop3ReplyError)', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { send: '-ERR \x1b]0;pwned\x07 no \u009b31m\u202eeulav\r\n' }]);
    const pop = await fake.open();
    const error = (await pop.noop().catch((e: unknown) => e)) as Error & { reply: { line: string } };
    expect(error.message).toBe('NOOP failed: -ERR ␛]0;pwned␇ no <U+009B>31m<U+202E>eulav');
    // The reply itself stays as received: the program may want the exact text.
    expect(error.reply.line).toBe('-ERR \x1b]0;pwned\x07 no \u009b31m\u202eeulav');
  });

  it('in a -ERR greeting', async ({ fake }) => {
    await fake.start([{ send: '-ERR \x1b[2J go away\r\n' }, { expectClose: true }]);
    const error = (await fake.open().catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('greeting failed: -ERR ␛[2J go away');
  });

  it('in a status line that is not one (MalformedReplyError)', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'STAT' }, { send: '\u009b2J\u202e HTTP/1.1 400\r\n' }, { stall: true }]);
    const pop = await fake.open();
    const error = (await pop.stat().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'MALFORMED_REPLY' });
    expect(error.message).toContain('HTTP/1.1 400');
    expect(error.message).not.toMatch(CONTROL);
  });

  it('in a malformed drop listing', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'STAT' }, { send: '+OK \u009b31m 3\r\n' }]);
    const pop = await fake.open();
    const error = (await pop.stat().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'MALFORMED_REPLY' });
    expect(error.message).toContain('<U+009B>31m');
    expect(error.message).not.toMatch(CONTROL);
  });
});
