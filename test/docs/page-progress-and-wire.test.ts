import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../src/protocol/transcript';
import { parseProgress } from '../../src/tutor/progress';
import { exportProgress, importProgress, loadProgress, PROGRESS_KEY, saveProgress } from '../../site/runtime/progress-storage';
import type { KeyValueStorage } from '../../site/runtime/progress-storage';
import { wireLines } from '../../site/runtime/wire-lines';

function memoryStorage(): KeyValueStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

describe("the page's progress (the terminal's progress.json format)", () => {
  it('starts empty, and keeps unreadable storage from breaking the page', () => {
    const storage = memoryStorage();
    expect(loadProgress(storage)).toEqual({ formatVersion: 2, lessons: {} });
    storage.items.set(PROGRESS_KEY, 'not json');
    expect(loadProgress(storage)).toEqual({ formatVersion: 2, lessons: {} });
  });

  it('merges every save: a lesson done stays done, a goal met stays met', () => {
    const storage = memoryStorage();
    saveProgress(storage, parseProgress(JSON.stringify({ formatVersion: 2, lessons: { '01-first-contact': { status: 'done', completedAt: '2025-03-01T10:00:00.000Z', hints: {}, failedChecks: 0, goals: { 'raw-quit': { met: true, checks: 0, hintsShown: 0 } } } } }), 'a'));
    const later = saveProgress(storage, parseProgress(JSON.stringify({ formatVersion: 2, lessons: { '01-first-contact': { status: 'started', hints: { 'raw-quit': 1 }, failedChecks: 1, goals: { 'raw-quit': { met: false, checks: 2, hintsShown: 1 } } } } }), 'b'));
    expect(later.lessons['01-first-contact']).toMatchObject({ status: 'done', completedAt: '2025-03-01T10:00:00.000Z', failedChecks: 1, goals: { 'raw-quit': { met: true, checks: 2, hintsShown: 1 } } });
  });

  it('exports a file the terminal reads, and imports one back, merged', () => {
    const storage = memoryStorage();
    saveProgress(storage, parseProgress(JSON.stringify({ formatVersion: 2, current: '02-user-and-pass', lessons: { '02-user-and-pass': { status: 'started', hints: {}, failedChecks: 0, goals: {} } } }), 'page'));
    const file = exportProgress(storage);
    expect(parseProgress(file, 'progress.json')).toMatchObject({ formatVersion: 2, current: '02-user-and-pass' });
    const terminal = JSON.stringify({ formatVersion: 1, current: '03-apop-and-rpop', lessons: { '01-first-contact': { status: 'done', completedAt: '2025-03-01T10:00:00.000Z', hints: {}, failedChecks: 0 } } });
    const merged = importProgress(storage, terminal, 'progress.json');
    expect(Object.keys(merged.lessons).sort()).toEqual(['01-first-contact', '02-user-and-pass']);
    expect(merged.lessons['01-first-contact']?.status).toBe('done');
    expect(() => importProgress(storage, '{"formatVersion": 9}', 'a stranger')).toThrow(/a stranger/);
  });
});

const entry = (over: Partial<TranscriptEntry>): TranscriptEntry => ({ session: 's1', seq: 1, time: 0, direction: 'C', keyword: 'USER', args: [], text: '', stateBefore: 'AUTHORIZATION', stateAfter: 'AUTHORIZATION', ...over });

describe('the wire view', () => {
  it('shows each line with its CRLF, a multi-line reply ending in a lone dot, secrets as the log masks them', () => {
    const lines = wireLines([
      entry({ direction: '*', keyword: 'CONNECT', text: 'CONNECT from the page' }),
      entry({ direction: 'C', keyword: 'PASS', text: 'PASS ***' }),
      entry({ direction: 'S', keyword: 'PASS', status: '+OK', text: '+OK maildrop has 2 messages' }),
      entry({ direction: 'C', keyword: 'LIST', text: 'LIST' }),
      entry({ direction: 'S', keyword: 'LIST', status: '+OK', text: '+OK 2 messages', octets: 12 }),
    ]);
    expect(lines.map((l) => l.text)).toEqual(['*  s1 CONNECT from the page', 'C: PASS ***␍␊', 'S: +OK maildrop has 2 messages␍␊', 'C: LIST␍␊', 'S: +OK 2 messages␍␊', '   … 12 octets …', 'S: .␍␊']);
  });
});
