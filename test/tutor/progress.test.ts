import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emptyProgress, lessonProgress, markDone, ProgressFileError } from '../../src/tutor';
import { readProgress, resolveStateDir, writeProgress } from '../../src/tutor/node';

const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'pg-progress-'));

describe('progress file', () => {
  it('round-trips through small, readable JSON', () => {
    const file = path.join(tempDir(), 'nested', 'progress.json');
    const progress = emptyProgress();
    progress.current = '02-user-and-pass';
    markDone(progress, '01-first-contact', new Date('2025-03-01T10:00:00Z'));
    const second = lessonProgress(progress, '02-user-and-pass');
    second.hints['wrong-password'] = 2;
    second.failedChecks = 3;
    writeProgress(file, progress);
    expect(readProgress(file)).toEqual(progress);
    expect(readFileSync(file, 'utf8')).toBe(`{
  "formatVersion": 1,
  "lessons": {
    "01-first-contact": {
      "status": "done",
      "hints": {},
      "failedChecks": 0,
      "completedAt": "2025-03-01T10:00:00.000Z"
    },
    "02-user-and-pass": {
      "status": "started",
      "hints": {
        "wrong-password": 2
      },
      "failedChecks": 3
    }
  },
  "current": "02-user-and-pass"
}
`);
  });

  it('keeps the first completion time', () => {
    const progress = emptyProgress();
    markDone(progress, 'a', new Date('2025-01-01T00:00:00Z'));
    markDone(progress, 'a', new Date('2026-01-01T00:00:00Z'));
    expect(progress.lessons.a?.completedAt).toBe('2025-01-01T00:00:00.000Z');
  });

  it('treats a missing file as no progress, and refuses a corrupt one without touching it', () => {
    const dir = tempDir();
    expect(readProgress(path.join(dir, 'none.json'))).toEqual(emptyProgress());
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ half');
    expect(() => readProgress(bad)).toThrow(ProgressFileError);
    expect(readFileSync(bad, 'utf8')).toBe('{ half');
    writeFileSync(bad, '{"formatVersion": 7}');
    expect(() => readProgress(bad)).toThrow(/formatVersion must be 1/);
  });

  it('ignores malformed entries instead of failing', () => {
    const file = path.join(tempDir(), 'p.json');
    writeFileSync(file, JSON.stringify({ formatVersion: 1, current: 'x', lessons: { x: { status: 'weird', hints: { g: -1, h: 2.7 }, failedChecks: 'no' }, y: 5 } }));
    expect(readProgress(file)).toEqual({ formatVersion: 1, current: 'x', lessons: { x: { status: 'started', hints: { h: 2 }, failedChecks: 0 } } });
  });

  it('lives under the XDG state directory unless --state-dir says otherwise', () => {
    expect(resolveStateDir('/tmp/explicit', {})).toBe('/tmp/explicit');
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: '/xdg/state' })).toBe('/xdg/state/pop3-playground');
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: 'relative/ignored' })).toBe(path.join(os.homedir(), '.local', 'state', 'pop3-playground'));
    expect(resolveStateDir(undefined, {})).toBe(path.join(os.homedir(), '.local', 'state', 'pop3-playground'));
  });
});
