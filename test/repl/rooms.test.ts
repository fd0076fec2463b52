import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPL_DIR = path.join(__dirname, '..', '..', 'src', 'repl');

/** A room is small enough to read in one sitting. */
const MAX_LINES = 400;

describe('the REPL’s rooms', () => {
  it(`are files of at most ${MAX_LINES} lines, each with one job`, () => {
    const files = readdirSync(REPL_DIR).filter((file) => file.endsWith('.ts'));
    expect(files).toContain('playground-repl.ts');
    const long = files.map((file) => [file, readFileSync(path.join(REPL_DIR, file), 'utf8').split('\n').length - 1] as const).filter(([, lines]) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
