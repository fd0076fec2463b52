import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer } from '../../src/repl/markdown';
import { Screen } from '../../src/repl/screen';
import { TerminalFit } from '../../src/repl/terminal-fit';
import { displayWidth, markContinuations, wrapBeside, wrapLine } from '../../src/repl/text-wrap';
import { hasUnsafeCharacters, sanitizeForTerminal } from '../../src/repl/sanitize';
import { createPainter, decideStyle } from '../../src/repl/style';

describe('sanitising text for the terminal', () => {
  it('makes escape sequences and control characters visible', () => {
    expect(sanitizeForTerminal('a\u001b]0;title\u0007b')).toBe('a\\x1b]0;title\\x07b');
    expect(sanitizeForTerminal('x\u009b31my')).toBe('x\\x9b31my');
    expect(sanitizeForTerminal('lone\rcr\r\nline\ttab\u0000nul\u007f')).toBe('lone\\rcr\nline\ttab\\x00nul\\x7f');
    expect(sanitizeForTerminal('abc\u202edef')).toBe('abc\\u202edef');
    expect(sanitizeForTerminal('plain café ☕\n')).toBe('plain café ☕\n');
  });

  it('says whether anything needs escaping', () => {
    expect(hasUnsafeCharacters('ok\r\nfine\t')).toBe(false);
    expect(hasUnsafeCharacters('bad\u001b[2J')).toBe(true);
  });
});

describe('output style', () => {
  const tty = { isTTY: true, columns: 120, hasColors: () => true };
  const pipe = { isTTY: false };
  it('colours a colour terminal, and nothing else', () => {
    expect(decideStyle(tty, {})).toEqual({ colour: true, width: 100, terminal: true });
    expect(decideStyle(pipe, {})).toEqual({ colour: false, width: 80, terminal: false });
    expect(decideStyle({ ...tty, hasColors: () => false }, {}).colour).toBe(false);
  });

  it('respects NO_COLOR, TERM=dumb and FORCE_COLOR', () => {
    expect(decideStyle(tty, { NO_COLOR: '1' }).colour).toBe(false);
    expect(decideStyle(tty, { TERM: 'dumb' })).toMatchObject({ colour: false, terminal: false });
    expect(decideStyle(pipe, { FORCE_COLOR: '1' }).colour).toBe(true);
    expect(decideStyle(tty, { FORCE_COLOR: '0' }).colour).toBe(false);
    expect(decideStyle(tty, { NO_COLOR: '', FORCE_COLOR: '' }).colour).toBe(true);
  });

  it('paints only with colour', () => {
    expect(createPainter({ colour: false, width: 80, terminal: false }).green('x')).toBe('x');
    expect(createPainter({ colour: true, width: 80, terminal: true }).green('x')).toBe('\u001b[32mx\u001b[39m');
  });
});

describe('markdown rendering without colour', () => {
  const render = createMarkdownRenderer({ colour: false, width: 60, terminal: false });

  it('renders inline formatting inside tight list items, and keeps code spans visible', () => {
    const out = render('# Title\n\n- send `USER alice` **first**\n- then [PASS](https://example.org)\n');
    expect(out).toContain('# Title');
    expect(out).toContain('send `USER alice` first');
    expect(out).not.toContain('**');
    expect(out).not.toMatch(/\u001b\[/);
  });

  it('wraps prose to the width and draws tables in ASCII when not on a terminal', () => {
    const out = render(`${'word '.repeat(40)}\n\n| Command | Reply |\n|---|---|\n| STAT | +OK 2 320 |\n`);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    expect(out).toMatch(/\+-+\+-+\+/);
    expect(out).not.toMatch(/[─│┌┐└┘]/);
  });
});

describe('history hygiene', () => {
  it('knows which lines carry a password', async () => {
    const { carriesSecret } = await import('../../src/repl/history');
    expect(carriesSecret('PASS wonderland')).toBe(true);
    expect(carriesSecret('apop alice 0123abcd')).toBe(true);
    expect(carriesSecret('AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=')).toBe(true);
    expect(carriesSecret("await pop.pass('wonderland')")).toBe(true);
    expect(carriesSecret('USER alice')).toBe(false);
    expect(carriesSecret('AUTH')).toBe(false);
    expect(carriesSecret('const passes = 3')).toBe(false);
  });
});

/** A terminal on a stream: its width can change, as a real one's does on resize. */
function fakeTerminal(columns: number): PassThrough & { isTTY: true; columns: number; text(): string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true as const, columns });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return Object.assign(stream, { text: () => text });
}

const longestLine = (text: string): number => Math.max(...text.split('\n').map((line) => line.length));

describe('the screen at a terminal', () => {
  it('reads the width at every print, so lesson text follows a resize', () => {
    const terminal = fakeTerminal(60);
    const screen = new Screen({ output: terminal, style: { colour: false, width: 60, terminal: true } });
    const hint = { goalId: 'g', goalText: 'Read the greeting', tier: 1, tiers: 2, text: 'word '.repeat(40) };
    screen.hint(hint);
    expect(longestLine(terminal.text())).toBeLessThanOrEqual(60);
    const before = terminal.text().length;
    terminal.columns = 100;
    terminal.emit('resize');
    screen.hint(hint);
    const after = terminal.text().slice(before);
    expect(longestLine(after)).toBeGreaterThan(60);
    expect(longestLine(after)).toBeLessThanOrEqual(100);
  });
});

describe('tables within the width', () => {
  const lesson12 = readFileSync(path.join(__dirname, '..', '..', 'lessons', '12-when-things-go-wrong', 'README.md'), 'utf8');
  const codes = lesson12.slice(lesson12.indexOf('The codes you will meet'));
  const table = codes.slice(0, codes.indexOf('\n\n', codes.indexOf('| `[AUTH]`')));
  const render = createMarkdownRenderer({ colour: false, width: 80, terminal: true });

  it("lays lesson 12's response-code table out as a list at 60 columns, each cell under its column's name", () => {
    const out = render(table, 60);
    expect(longestLine(out)).toBeLessThanOrEqual(60);
    expect(out).toContain(['`[LOGIN-DELAY]`', '  Meaning: You logged in too recently (RFC 2449 §8.1.1).', '  What to do: Wait at least the seconds CAPA announces;', '  retrying at once cannot work.'].join('\n'));
  });

  it('wraps the cells of the same table at 100 columns, and keeps a table that fits as it is', () => {
    const out = render(table, 100);
    expect(longestLine(out)).toBeLessThanOrEqual(100);
    expect(out).toMatch(/│ Code +│ Meaning +│ What to do +│/);
    expect(out).toMatch(/│ `\[AUTH\]` +│ The credentials were wrong \(RFC +│ Never retry on your own: the password +│\n│ +│ 3206 §5\)\. +│ will not become right, and repeated +│/);
    const small = render('| Command | Reply |\n|---|---|\n| STAT | +OK 2 320 |\n', 60);
    expect(small).toContain('│ STAT    │ +OK 2 320 │');
  });
});

describe('lines fitted to the terminal', () => {
  it('wraps the REPL’s own lines at word boundaries, keeping indentation and hanging past a status mark', () => {
    expect(wrapLine('  ✘ Read the greeting the server sends when you connect to it', 30)).toBe(['  ✘ Read the greeting the', '    server sends when you', '    connect to it'].join('\n'));
    expect(wrapLine('short stays', 30)).toBe('short stays');
    // Colour does not count towards the width.
    expect(wrapLine('\u001b[31m✘\u001b[39m one two three four five six seven eight', 26).split('\n').map((l) => l.replace(/\u001b\[\d+m/g, ''))).toEqual(['✘ one two three four five', '  six seven eight']);
  });

  it('lays a described command beside its name, or under it when the terminal is narrow', () => {
    expect(wrapBeside('  .check'.padEnd(12), 'Check the goals now and say why', 32)).toBe(['  .check    Check the goals now', '            and say why'].join('\n'));
    expect(wrapBeside('  .lesson <number or name>'.padEnd(30), 'Go to a lesson by number', 40)).toBe(['  .lesson <number or name>', '    Go to a lesson by number'].join('\n'));
  });

  it('cuts a wire line with a continuation mark and drops nothing', () => {
    const line = `S: +OK ${'x'.repeat(30)} end`;
    const cut = markContinuations(line, 20);
    expect(cut).toBe(['S: +OK xxxxxxxxxxxx↩', 'xxxxxxxxxxxxxxxxxx ↩', 'end'].join('\n'));
    expect(cut.replace(/↩\n/g, '')).toBe(line);
    expect(markContinuations(line, 20, '\\').split('\n')[0]).toBe('S: +OK xxxxxxxxxxxx\\');
    expect(markContinuations('fits\nas it is', 20)).toBe('fits\nas it is');
  });

  it('wraps goals and hints, and marks continuations in trace, replies, values and what the code prints', () => {
    const terminal = fakeTerminal(40);
    const screen = new Screen({ output: terminal, style: { colour: false, width: 40, terminal: true } });
    screen.goals([{ id: 'g', text: 'Read the greeting with `pop.greeting` after you connect', met: false }]);
    screen.printSafe(`+OK ${'y'.repeat(50)}`);
    screen.trace({ session: 's1', seq: 1, time: 0, direction: 'S', keyword: 'NOOP', args: [], status: '+OK', text: `+OK ${'z'.repeat(50)}`, stateBefore: 'TRANSACTION', stateAfter: 'TRANSACTION' });
    screen.value('v'.repeat(60));
    screen.learnerConsole.log('b'.repeat(45));
    for (const line of terminal.text().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    expect(terminal.text()).toContain('  ✘ Read the greeting with\n    `pop.greeting` after you connect\n');
    expect(terminal.text()).toContain(`+OK ${'y'.repeat(35)}↩\n${'y'.repeat(15)}\n`);
    expect(terminal.text()).toMatch(/S: \+OK z+↩\nz+\n/);
    expect(terminal.text()).toContain(`'${'v'.repeat(38)}↩\n${'v'.repeat(22)}'\n`);
    expect(terminal.text()).toContain(`${'b'.repeat(39)}↩\n${'b'.repeat(6)}\n`);
  });
});

describe('output blocks', () => {
  const md = '```ts\nawait pop.stat()\n```\n\n```output\n{ count: 2, size: 320 }\n```\n\n```pop3\nSTAT\n```\n';

  it('are labelled with a plain Output: line without colour, under the code that printed them', () => {
    const out = createMarkdownRenderer({ colour: false, width: 60, terminal: true })(md);
    expect(out).toContain('  await pop.stat()\n\n  Output:\n  { count: 2, size: 320 }\n\n  STAT\n');
    expect(out.match(/Output:/g)).toHaveLength(1);
  });

  it('are labelled with a dim Output: line in colour', () => {
    const out = createMarkdownRenderer({ colour: true, width: 60, terminal: true })(md);
    expect(out).toContain('  \u001b[2mOutput:\u001b[22m\n  { count: 2, size: 320 }\n');
  });
});

describe('inline code next to punctuation', () => {
  const lesson05 = readFileSync(path.join(__dirname, '..', '..', 'lessons', '05-retr-and-mime', 'README.md'), 'utf8');
  const prose = lesson05.slice(0, lesson05.indexOf('```'));
  const strip = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

  it('never shows a lone `.` and the full stop after it as `..`, with colour or without', () => {
    for (const colour of [false, true]) {
      const out = strip(createMarkdownRenderer({ colour, width: 100, terminal: true })(prose)).replace(/\s+/g, ' ');
      expect(out).toContain('removes that first `.`.');
      expect(out).not.toMatch(/[^`]\.\.[^.]/);
    }
    // Code with letters in it is told apart by colour alone.
    expect(createMarkdownRenderer({ colour: true, width: 60, terminal: true })('Send `QUIT`.')).toContain('\u001b[33mQUIT\u001b[39m.');
  });

  it('keeps goals and hints unambiguous too', () => {
    const terminal = fakeTerminal(80);
    new Screen({ output: terminal, style: { colour: true, width: 80, terminal: true } }).goals([{ id: 'g', text: 'See the lone `.` that ends `LIST`.', met: true }]);
    expect(strip(terminal.text())).toBe('  ✔ See the lone `.` that ends LIST.\n');
  });
});

describe('lists and whole lessons within the width', () => {
  it('wraps list items under their text, nested lists under their item', () => {
    const md = '* `USER alice` names the maildrop. A careful server answers `+OK` to any name, so that the\n  reply cannot tell an attacker which names exist.\n  1. a nested item long enough to wrap past the width of forty\n* short\n';
    expect(createMarkdownRenderer({ colour: false, width: 80, terminal: true })(md, 40)).toBe(
      [
        '  * `USER alice` names the maildrop. A',
        '    careful server answers `+OK` to any',
        '    name, so that the reply cannot tell',
        '    an attacker which names exist.',
        '    1. a nested item long enough to',
        '       wrap past the width of forty',
        '  * short',
        '',
      ].join('\n'),
    );
  });

  it('fits every lesson at 60 and 100 columns: prose wrapped, code lines marked where they go on', () => {
    const lessons = path.join(__dirname, '..', '..', 'lessons');
    for (const columns of [60, 100]) {
      const terminal = fakeTerminal(columns);
      const render = createMarkdownRenderer({ colour: false, width: 80, terminal: true });
      const fit = new TerminalFit(terminal, { colour: false, width: 80, terminal: true });
      for (const folder of readdirSync(lessons).filter((name) => /^\d\d-/.test(name))) {
        const out = fit.wire(render(readFileSync(path.join(lessons, folder, 'README.md'), 'utf8'), columns));
        for (const line of out.split('\n')) expect(displayWidth(line), `${folder}: ${line}`).toBeLessThanOrEqual(columns);
        // Prose is wrapped at words, never cut: a cut starts in a code block (indented).
        const lines = out.split('\n');
        lines.forEach((line, i) => {
          if (line.endsWith('↩') && !lines[i - 1]?.endsWith('↩')) expect(line, folder).toMatch(/^ {2}/);
        });
      }
    }
  });
});
