import * as path from 'node:path';
import { createTwoslasher } from 'twoslash';
import { describe, expect, it } from 'vitest';
import { parseCodeBlocks } from '../../src/tutor/code-blocks';
import { lessonPage, lessonPageData } from '../../scripts/docs/lesson-page';
import type { LessonPageInput } from '../../scripts/docs/lesson-page';
import { scopeDeclarations, twoslashSource } from '../../scripts/docs/twoslash-source';
import { twoslashCompilerOptions } from '../../scripts/docs/twoslash-options';
import { SANDBOX_SCOPE_TYPE } from '../../src/repl/target';

const REPO_ROOT = path.join(__dirname, '..', '..');

const README = [
  '# Counting',
  '',
  'Prose before.',
  '',
  '```ts',
  'const pop = await connect(sandbox)',
  "await pop.user('alice')",
  '```',
  '',
  '```output',
  "{ ok: true }",
  '```',
  '',
  '```ts fails',
  'await pop.list(9)',
  'const lost = 1',
  '```',
  '',
  '```ts',
  "await pop.pass('wonderland')",
  '(await pop.list()).length',
  '```',
  '',
  '```pop3',
  'CAPA',
  '```',
  '',
  'Prose after.',
].join('\n');

const input = (markdown: string, overrides: Partial<LessonPageInput> = {}): LessonPageInput => ({
  id: '04-counting',
  number: 4,
  title: 'Counting',
  markdown,
  goals: [{ id: 'count', html: 'Count with <code>STAT</code>', hints: ['<p>Use STAT.</p>'] }],
  mistakes: {},
  solution: ['await pop.stat()'],
  scope: scopeDeclarations(SANDBOX_SCOPE_TYPE, []),
  terminalOnly: {},
  ...overrides,
});

describe('lesson pages from READMEs', () => {
  it('checks each ts block after the injected scope and the earlier blocks that run, hidden above the cut', () => {
    const { blocks } = parseCodeBlocks(README);
    const source = twoslashSource(blocks, 2, scopeDeclarations(SANDBOX_SCOPE_TYPE, [{ name: 'fetchNew', clientExport: 'fetchNew' }]));
    const [hidden = '', shown = ''] = source.split('// ---cut---\n');
    expect(hidden).toContain("import { connect as connect } from 'pop3-playground'");
    expect(hidden).toContain("import { fetchNew as fetchNew } from 'pop3-playground'");
    expect(hidden).toContain("const pop = await connect(sandbox)\nawait pop.user('alice')");
    expect(hidden, 'a fails block builds no scope').not.toContain('const lost');
    // The REPL runs each line alone: the `(` line gets a `;` the reader does not see.
    expect(shown).toBe("await pop.pass('wonderland')\n// ---cut-start---\n;\n// ---cut-end---\n(await pop.list()).length");
  });

  it('gives a fails block the type errors its output block recorded', () => {
    const markdown = ['```ts', 'const pop = await connect(sandbox)', '```', '', '```ts fails', 'await pop.retr("1")', '```', '', '```output', "✘ Type error: Argument of type 'string' is not assignable to parameter of type 'number'. (TS2345)", '```'].join('\n');
    const { blocks } = parseCodeBlocks(markdown);
    expect(twoslashSource(blocks, 1, scopeDeclarations(SANDBOX_SCOPE_TYPE, []))).toContain('// @errors: 2345\n// ---cut---');
  });

  it('type-checks with twoslash: an unexpected error fails, a recorded one passes, hovers know the client', () => {
    const twoslasher = createTwoslasher({ compilerOptions: twoslashCompilerOptions(REPO_ROOT), vfsRoot: REPO_ROOT });
    const scope = scopeDeclarations(SANDBOX_SCOPE_TYPE, []);
    const good = parseCodeBlocks(['```ts', 'const pop = await connect(sandbox)', 'await pop.retr(1)', '```'].join('\n')).blocks;
    const result = twoslasher(twoslashSource(good, 0, scope), 'ts');
    expect(result.hovers.find((h) => h.target === 'pop')?.text).toBe('const pop: Pop3Client');
    const bad = parseCodeBlocks(['```ts', 'const pop = await connect(sandbox)', "await pop.retr('1')", '```'].join('\n')).blocks;
    expect(() => twoslasher(twoslashSource(bad, 0, scope), 'ts')).toThrow(/2345/);
    const recorded = parseCodeBlocks(['```ts fails', 'const pop = await connect(sandbox)', "await pop.retr('1')", '```', '', '```output', "✘ Type error: Argument of type 'string' is not assignable to parameter of type 'number'. (TS2345)", '```'].join('\n')).blocks;
    expect(twoslasher(twoslashSource(recorded, 0, scope), 'ts').errors.map((e) => e.code)).toEqual([2345]);
  }, 60_000);

  it('keeps every line of prose, wraps each block with its output, and puts the lesson bar under the title', () => {
    const page = lessonPage(input(README, { twoslash: false }));
    const body = page.slice(page.indexOf('\n---\n') + 5);
    expect(body.startsWith('\n# Counting\n\n<LessonBar />\n')).toBe(true);
    for (const prose of ['Prose before.', 'Prose after.']) expect(body).toContain(prose);
    expect(body).toContain('<RunBlock :index="0" :runnable="true">\n\n```ts\nconst pop = await connect(sandbox)');
    expect(body).toContain("<template #expected>\n\n```output\n{ ok: true }\n```\n\n</template>\n</RunBlock>");
    expect(body).toContain('<RunBlock :index="3" :runnable="true">\n\n```pop3\nCAPA\n```');
    expect(body.endsWith('## Goals\n\n<LessonGoals />\n\n## Your turn\n\n<LessonPrompt />\n')).toBe(true);
  });

  it('marks examples of a lesson only the terminal can run, and carries the page data in the front matter', () => {
    const page = lessonPage(input(README, { twoslash: false, terminalOnly: { blocks: 'needs TLS', goals: 'needs TLS' } }));
    expect(page).toContain('<RunBlock :index="0" :runnable="false">');
    const data = lessonPageData(input(README));
    expect(data.blocks.map((b) => [b.language, b.mode, b.input.length, b.output])).toEqual([
      ['ts', 'run', 2, '{ ok: true }'],
      ['ts', 'fails', 2, undefined],
      ['ts', 'run', 2, undefined],
      ['pop3', 'run', 1, undefined],
    ]);
    const front = page.split('\n').find((l) => l.startsWith('lesson: '));
    expect(JSON.parse(front?.slice('lesson: '.length) ?? '{}').terminalOnly).toEqual({ blocks: 'needs TLS', goals: 'needs TLS' });
  });
});
