import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { numberedRoster, parseRoster, slugOf } from '../../workshop/roster';
import { serveClassroom } from '../../workshop/serve';
import { LESSONS_DIR } from './classroom-fixture';

const roster = (text: string | Uint8Array): ReturnType<typeof parseRoster> => parseRoster(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, 'roster.csv');
const problem = (text: string | Uint8Array): string => {
  try {
    roster(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the roster was accepted');
};

describe('reading a roster', () => {
  it('reads names with ids made from them, quoted commas, a BOM and blank lines', () => {
    expect(roster('\ufeffname\r\nAda Lovelace\r\n\r\n"Hopper, Grace"\r\nZoë O\'Neill\r\n李雷\r\n')).toEqual([
      { id: 'ada-lovelace', name: 'Ada Lovelace' },
      { id: 'hopper-grace', name: 'Hopper, Grace' },
      { id: 'zoe-o-neill', name: "Zoë O'Neill" },
      { id: slugOf('李雷'), name: '李雷' },
    ]);
    expect(slugOf('李雷')).toMatch(/^l-[0-9a-f]{8}$/);
  });

  it('takes ids from a second column, and makes them only where it is empty', () => {
    expect(roster('Name,ID\nAda,ada-l\nBob,\n')).toEqual([
      { id: 'ada-l', name: 'Ada' },
      { id: 'bob', name: 'Bob' },
    ]);
  });

  it('lists every problem with its line, and says nothing was created', () => {
    expect(problem('name,id\nAda,a\nBob,a\n\nada,c\n,d\nEve,Bad Id\nFay,f,x\nGus\u0007\n')).toBe(
      [
        'roster.csv: 6 problems:',
        '  line 3: the id "a" is already used on line 2',
        '  line 5: the name "ada" is already on line 2; tell them apart (a last initial, say)',
        '  line 6: the name is empty',
        '  line 7: the id "Bad Id" must be 1-40 lower-case letters, digits and dashes, starting and ending with a letter or digit',
        '  line 8: 3 cells, but the header has 2 (quote a name that contains a comma)',
        '  line 9: the name "Gus\\u0007" contains control characters',
        'Nothing was created; fix the file and run the command again.',
      ].join('\n'),
    );
  });

  it('refuses a file that is empty, header only, headed wrongly, not UTF-8 or badly quoted', () => {
    expect(problem('')).toContain('line 1: the first line must be the header "name" or "name,id", got ""');
    expect(problem('name\n')).toContain('the roster names no learner');
    expect(problem('email\nada@example.org\n')).toContain('line 1: the first line must be the header "name" or "name,id", got "email"');
    expect(problem(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0x41, 0xe9, 0x0a]))).toContain('the file is not UTF-8 text; save it as "CSV UTF-8" (at byte 6)');
    expect(problem('name\nAda\n"Bob\nCy\n')).toMatch(/^roster\.csv: line \d+: Quote Not Closed/);
    expect(problem('name\nAda\n"Bob"x\n')).toMatch(/^roster\.csv: line 3: /);
  });

  it('numbers learners when there is no roster', () => {
    expect(numberedRoster(3)).toEqual([
      { id: 'learner-01', name: 'Learner 01' },
      { id: 'learner-02', name: 'Learner 02' },
      { id: 'learner-03', name: 'Learner 03' },
    ]);
    expect(numberedRoster(120)[119]).toEqual({ id: 'learner-120', name: 'Learner 120' });
    expect(() => numberedRoster(0)).toThrow('--learners wants a whole number from 1 to 500, got 0');
  });
});

describe('serve with a bad roster', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('stops before creating anything in the data folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'classroom-roster-'));
    dirs.push(dir);
    const file = path.join(dir, 'roster.csv');
    writeFileSync(file, 'name\nAda\nAda\n');
    const data = path.join(dir, 'data');
    await expect(serveClassroom({ roster: file, host: '127.0.0.1', port: 0, data, tlsNames: [], lessonsDir: LESSONS_DIR }, () => undefined)).rejects.toThrow(
      `${file}: line 3: the name "Ada" is already on line 2; tell them apart (a last initial, say)`,
    );
    expect(existsSync(data)).toBe(false);
    expect(readdirSync(dir)).toEqual(['roster.csv']);
  });

  it('says which file it could not read', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-roster.csv');
    await expect(serveClassroom({ roster: missing, host: '127.0.0.1', port: 0, data: path.join(os.tmpdir(), 'unused'), tlsNames: [], lessonsDir: LESSONS_DIR }, () => undefined)).rejects.toThrow(
      `cannot read the roster ${missing}`,
    );
  });
});
