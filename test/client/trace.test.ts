import { describe, expect } from 'vitest';
import { formatTraceLine } from '../../src/client';
import type { TranscriptEntry } from '../../src/protocol';
import { fakeServerTest, GREETING } from './fake-server';

const it = fakeServerTest();

describe('the trace', () => {
  it('reads as a short C:/S: transcript, bodies summarised, state tracked', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'USER alice' }, { send: '+OK\r\n' },
      { expect: 'PASS wonderland' }, { send: '+OK maildrop locked and ready\r\n' },
      { expect: 'RETR 1' }, { send: '+OK 25 octets\r\nSubject: hi\r\n\r\n\x1b[31mred\r\n.\r\n' },
      { expect: 'DELE 1' }, { send: '-ERR [SYS/TEMP] try later\r\n' },
      { expect: 'QUIT' }, { send: '+OK bye\r\n' },
    ]);
    const entries: TranscriptEntry[] = [];
    const pop = await fake.open({ trace: (e) => entries.push(e) });
    await pop.user('alice');
    await pop.pass('wonderland');
    await pop.retr(1);
    await pop.dele(1).catch(() => undefined);
    await pop.quit();
    const lines = entries.map((e) => formatTraceLine(e).replace(/^c\d+ /, '').replace(/:\d+ /, ':PORT '));
    expect(lines).toEqual([
      '*  CONNECT to 127.0.0.1:PORT (pop3)',
      'S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>',
      'C: USER alice',
      'S: +OK',
      'C: PASS ***',
      'S: +OK maildrop locked and ready',
      'C: RETR 1',
      'S: +OK 25 octets',
      'S: (25 octets, 3 lines)',
      'C: DELE 1',
      'S: -ERR [SYS/TEMP] try later',
      'C: QUIT',
      'S: +OK bye',
      '*  CLOSE after QUIT',
    ]);
    expect(entries.map((e) => `${e.stateBefore}>${e.stateAfter}`)).toContain('AUTHORIZATION>TRANSACTION');
    expect(entries.at(-2)).toMatchObject({ status: '+OK', stateBefore: 'TRANSACTION', stateAfter: 'UPDATE' });
    expect(entries.at(-1)).toMatchObject({ direction: '*', keyword: 'CLOSE', stateBefore: 'UPDATE', stateAfter: 'CLOSED' });
    expect(entries.find((e) => e.keyword === 'DELE' && e.direction === 'S')).toMatchObject({ status: '-ERR', code: 'SYS/TEMP' });
    expect(entries.find((e) => e.octets !== undefined)).toMatchObject({ keyword: 'RETR', octets: 25 });
    expect(new Set(entries.map((e) => e.session)).size).toBe(1);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
  });

  it('keeps the state on a -ERR, except that QUIT\'s -ERR comes from UPDATE (RFC 1939 §6)', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'USER alice' }, { send: '+OK\r\n' },
      { expect: 'PASS wrong' }, { send: '-ERR [AUTH] invalid password\r\n' },
      { expect: 'PASS wonderland' }, { send: '+OK maildrop locked and ready\r\n' },
      { expect: 'QUIT' }, { send: '-ERR some deleted messages not removed\r\n' },
    ]);
    const entries: TranscriptEntry[] = [];
    const pop = await fake.open({ trace: (e) => entries.push(e) });
    await pop.user('alice');
    await expect(pop.pass('wrong')).rejects.toMatchObject({ responseCode: 'AUTH' });
    expect(pop.state).toBe('AUTHORIZATION');
    await pop.pass('wonderland');
    await expect(pop.quit()).rejects.toMatchObject({ code: 'ERR_REPLY' });
    expect(pop.state).toBe('CLOSED');
    const replies = entries.filter((e) => e.direction === 'S').map((e) => `${e.status} ${e.stateBefore}>${e.stateAfter}`);
    expect(replies).toEqual([
      '+OK AUTHORIZATION>AUTHORIZATION',
      '+OK AUTHORIZATION>AUTHORIZATION',
      '-ERR AUTHORIZATION>AUTHORIZATION',
      '+OK AUTHORIZATION>TRANSACTION',
      '-ERR TRANSACTION>UPDATE',
    ]);
  });

  it('makes control characters in server lines visible when printed', () => {
    const line = formatTraceLine({
      session: 'c9', seq: 1, time: 0, direction: 'S', keyword: 'NOOP', args: [], status: '+OK',
      text: '+OK \x1b]0;title\x07 done', stateBefore: 'TRANSACTION', stateAfter: 'TRANSACTION',
    });
    expect(line).toBe('c9 S: +OK ␛]0;title␇ done');
  });
});
