import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer } from '../../src/repl/markdown';
import { createCachedMarkdownRenderer } from '../../src/repl/markdown-cache';

const STYLE = { colour: false, width: 60, terminal: false };
const LESSON = '# Title\n\n- send `USER alice` **first**\n\n| Command | Reply |\n|---|---|\n| STAT | +OK 2 320 |\n';

describe('rendered markdown kept on disk', () => {
  it('renders as the plain renderer does, and a later start reads the kept text instead of rendering', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'pg-md-cache-')), 'cache');
    const expected = createMarkdownRenderer(STYLE)(LESSON);
    expect(createCachedMarkdownRenderer(STYLE, { dir, isTTY: false })(LESSON)).toBe(expected);
    const kept = readdirSync(dir);
    expect(kept).toHaveLength(1);
    expect(readFileSync(path.join(dir, kept[0]!), 'utf8')).toBe(expected);

    // Proof that the next renderer reads the file: what it returns is what the file says.
    writeFileSync(path.join(dir, kept[0]!), 'kept text\n');
    expect(createCachedMarkdownRenderer(STYLE, { dir, isTTY: false })(LESSON)).toBe('kept text\n');
  });

  it('keeps apart what another style, terminal or colour setting would render differently', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-md-cache-'));
    createCachedMarkdownRenderer(STYLE, { dir, isTTY: false })(LESSON);
    createCachedMarkdownRenderer({ ...STYLE, width: 40 }, { dir, isTTY: false })(LESSON);
    createCachedMarkdownRenderer(STYLE, { dir, isTTY: true })(LESSON);
    createCachedMarkdownRenderer(STYLE, { dir, isTTY: false, env: { COLORTERM: 'truecolor' } })(LESSON);
    expect(readdirSync(dir)).toHaveLength(4);
  });

  it('keys each text by the width it was rendered at, so a resized terminal gets text that fits', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-md-cache-'));
    const prose = `${'word '.repeat(30)}\n`;
    const render = createCachedMarkdownRenderer(STYLE, { dir, isTTY: false });
    expect(render(prose, 40)).toBe(createMarkdownRenderer(STYLE)(prose, 40));
    expect(render(prose, 100)).toBe(createMarkdownRenderer(STYLE)(prose, 100));
    expect(readdirSync(dir)).toHaveLength(2);
    expect(Math.max(...render(prose, 40).split('\n').map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(Math.max(...render(prose, 100).split('\n').map((l) => l.length))).toBeGreaterThan(60);
  });

  it('still renders when the folder cannot be written', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pg-md-cache-')), 'not-a-folder');
    writeFileSync(file, '');
    const render = createCachedMarkdownRenderer(STYLE, { dir: file, isTTY: false });
    expect(render(LESSON)).toBe(createMarkdownRenderer(STYLE)(LESSON));
    expect(render('plain words\n')).toBe('plain words\n');
  });
});
