import type { SessionState, TranscriptEntry } from '../../src/protocol';

/**
 * Builds hand-made transcripts for goal tests: each line is `C: USER alice`, `S: +OK ...`
 * or `* CONNECT`, with states given where they change.
 */
export function transcript(session: string, lines: readonly (string | [string, Partial<TranscriptEntry>])[]): TranscriptEntry[] {
  let state: SessionState = 'AUTHORIZATION';
  let lastKeyword = '';
  return lines.map((item, i) => {
    const [line, extra] = typeof item === 'string' ? [item, {}] : item;
    const direction = line.startsWith('C:') ? 'C' : line.startsWith('S:') ? 'S' : '*';
    const text = line.replace(/^(C:|S:|\*)\s*/, '');
    const words = text.split(' ');
    let keyword = (words[0] ?? '').toUpperCase();
    let status: TranscriptEntry['status'];
    if (direction === 'C') lastKeyword = keyword;
    if (direction === 'S') {
      status = text.startsWith('+OK') ? '+OK' : text.startsWith('-ERR') ? '-ERR' : '+';
      keyword = lastKeyword;
    }
    const stateBefore = state;
    const stateAfter = extra.stateAfter ?? state;
    state = stateAfter;
    return {
      session,
      seq: i + 1,
      time: 1_700_000_000_000 + i,
      direction,
      keyword,
      args: direction === 'C' ? words.slice(1) : [],
      text,
      stateBefore,
      stateAfter,
      ...(status ? { status } : {}),
      ...extra,
    } as TranscriptEntry;
  });
}

/** A session that logs alice in and quits. */
export const aliceLogsIn = transcript('s1', [
  '* CONNECT',
  'S: +OK POP3 sandbox ready',
  'C: USER alice',
  ['S: +OK now send PASS', { user: 'alice' }],
  'C: PASS ***',
  ['S: +OK maildrop has 15 messages', { stateAfter: 'TRANSACTION', user: 'alice' }],
  'C: QUIT',
  ['S: +OK bye', { stateAfter: 'CLOSED' }],
  '* CLOSE',
]);

/** A session with a wrong password. */
export const wrongPassword = transcript('s2', [
  '* CONNECT',
  'S: +OK POP3 sandbox ready',
  'C: USER alice',
  'S: +OK now send PASS',
  'C: PASS ***',
  ['S: -ERR [AUTH] invalid user name or password', { code: 'AUTH' }],
]);

/** PASS without USER first. */
export const passFirst = transcript('s3', ['* CONNECT', 'S: +OK ready', 'C: PASS ***', 'S: -ERR send USER first']);
