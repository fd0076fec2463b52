import { describe, expect, it } from 'vitest';
import { formatTranscriptEntry, type TranscriptEntry } from '../../src/protocol';

/** An entry with the fields every test shares; each test adds what it is about. */
function entry(fields: Partial<TranscriptEntry> & Pick<TranscriptEntry, 'direction' | 'keyword' | 'text'>): TranscriptEntry {
  return { session: 's1', seq: 1, time: 0, args: [], stateBefore: 'AUTHORIZATION', stateAfter: 'AUTHORIZATION', ...fields };
}

describe('formatTranscriptEntry', () => {
  it('formats a client command', () => {
    expect(formatTranscriptEntry(entry({ direction: 'C', keyword: 'USER', args: ['alice'], text: 'USER alice' }))).toBe('C: USER alice');
  });

  it('formats a redacted client command as it was recorded', () => {
    expect(formatTranscriptEntry(entry({ direction: 'C', keyword: 'PASS', args: ['***'], text: 'PASS ***' }))).toBe('C: PASS ***');
  });

  it('formats a server status line', () => {
    expect(
      formatTranscriptEntry(entry({ direction: 'S', keyword: 'USER', status: '-ERR', code: 'IN-USE', text: '-ERR [IN-USE] maildrop already locked' })),
    ).toBe('S: -ERR [IN-USE] maildrop already locked');
    expect(formatTranscriptEntry(entry({ direction: 'S', keyword: 'AUTH', status: '+', text: '+ ' }))).toBe('S: + ');
  });

  it('adds the body size to a server line that carried a multi-line body', () => {
    expect(
      formatTranscriptEntry(
        entry({ direction: 'S', keyword: 'RETR', args: ['1'], status: '+OK', text: '+OK 1120 octets', octets: 1120, stateBefore: 'TRANSACTION', stateAfter: 'TRANSACTION' }),
      ),
    ).toBe('S: +OK 1120 octets  (+1120 octets)');
    expect(formatTranscriptEntry(entry({ direction: 'S', keyword: 'LIST', status: '+OK', text: '+OK', octets: 0 }))).toBe('S: +OK  (+0 octets)');
  });

  it('formats an event line with "*"', () => {
    expect(
      formatTranscriptEntry(entry({ direction: '*', keyword: 'UPDATE', text: 'UPDATE removed 1 message', uids: ['a1'], stateBefore: 'TRANSACTION', stateAfter: 'UPDATE' })),
    ).toBe('*  UPDATE removed 1 message');
    expect(formatTranscriptEntry(entry({ direction: '*', keyword: 'CONNECT', text: 'CONNECT 127.0.0.1:50123' }))).toBe('*  CONNECT 127.0.0.1:50123');
  });

  it('ignores octets on lines other than server replies', () => {
    expect(formatTranscriptEntry(entry({ direction: 'C', keyword: 'RETR', args: ['1'], text: 'RETR 1', octets: 10 }))).toBe('C: RETR 1');
    expect(formatTranscriptEntry(entry({ direction: '*', keyword: 'CLOSE', text: 'CLOSE', octets: 10 }))).toBe('*  CLOSE');
  });

  it('marks entries an injected fault produced', () => {
    expect(
      formatTranscriptEntry(entry({ direction: 'S', keyword: 'RETR', status: '-ERR', code: 'SYS/TEMP', text: '-ERR [SYS/TEMP] try again later', fault: 'fail=RETR' })),
    ).toBe('S: -ERR [SYS/TEMP] try again later  [fault: fail=RETR]');
    expect(formatTranscriptEntry(entry({ direction: 'S', keyword: 'RETR', status: '+OK', text: '+OK 900 octets', octets: 450, fault: 'drop-mid-retr' }))).toBe(
      'S: +OK 900 octets  (+450 octets)  [fault: drop-mid-retr]',
    );
    expect(formatTranscriptEntry(entry({ direction: '*', keyword: 'FAULT', text: 'FAULT connection dropped', fault: 'drop-after=3' }))).toBe(
      '*  FAULT connection dropped  [fault: drop-after=3]',
    );
  });
});
