import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { LessonFormatError, validateLessonDefinition } from '../../src/tutor';
import { loadExercises, loadLessons } from '../../src/tutor/node';
import { lessonSource, writeLessonsDir } from './lesson-fixtures';

describe('lesson loader', () => {
  it('loads good lessons in manifest order and reports each broken one with its path and reason', async () => {
    const dir = writeLessonsDir(
      ['01-good', '02-no-readme', '03-syntax', '04-bad-field', '05-missing', '06-also-good', '07-no-module'],
      {
        '01-good': { readme: '# Good\n', lesson: lessonSource('Good') },
        '02-no-readme': { lesson: lessonSource('No readme') },
        '03-syntax': { readme: '# S\n', lesson: 'export default {{{ nope' },
        '04-bad-field': { readme: '# B\n', lesson: lessonSource('Bad', 'goalz: [],') },
        '06-also-good': { readme: '# Also\n', lesson: lessonSource('Also good', "start: { mailboxes: { alice: ['welcome'] } },") },
        '07-no-module': { readme: '# N\n' },
        'stray-folder': { readme: '# S\n' },
      },
    );
    const { lessons, problems } = await loadLessons(dir);
    expect(lessons.map((l) => [l.number, l.id, l.definition.title])).toEqual([
      [1, '01-good', 'Good'],
      [6, '06-also-good', 'Also good'],
    ]);
    expect(lessons[0]?.markdown).toBe('# Good\n');
    const byPath = problems.map((p) => [path.relative(dir, p.path), p.reason]);
    expect(byPath).toEqual([
      [path.join('02-no-readme', 'README.md'), 'README.md is missing (the lesson prose)'],
      [path.join('03-syntax', 'lesson.ts'), expect.stringMatching(/^cannot be loaded: /)],
      [path.join('04-bad-field', 'lesson.ts'), 'unknown field "goalz"'],
      ['05-missing', 'folder not found (listed in manifest.json)'],
      [path.join('07-no-module', 'lesson.ts'), 'lesson.ts is missing (the lesson data)'],
      ['stray-folder', 'folder is not listed in manifest.json "order", so it is never shown'],
    ]);
  });

  it('lets lessons import values from their own folder, lessons/common and @noble/hashes, and refuses node: modules and project code as values', async () => {
    const TUTOR = path.join(__dirname, '..', '..', 'src', 'tutor').replace(/\\/g, '/');
    const withImport = (line: string): string => `${line}\n${lessonSource('Imports')}`;
    const dir = writeLessonsDir(['01-shared', '02-own-file', '03-project-value', '04-bad-shared', '05-node', '06-node-inside'], {
      '01-shared': { readme: '#\n', lesson: withImport("import { twice } from '../common';\nimport { md5 } from '@noble/hashes/legacy';") },
      '02-own-file': { readme: '#\n', lesson: withImport("export { helper } from './helper';") },
      '03-project-value': { readme: '#\n', lesson: withImport(`import {\n  createFacts,\n} from '${TUTOR}';`) },
      '04-bad-shared': { readme: '#\n', lesson: withImport("import { bad } from '../common/bad';") },
      '05-node': { readme: '#\n', lesson: withImport("import * as path from 'node:path';") },
      '06-node-inside': { readme: '#\n', lesson: withImport("import { read } from './reader';") },
    });
    writeFileSync(path.join(dir, '02-own-file', 'helper.ts'), "import type { Facts } from '../../x';\nexport const helper = 1;\n");
    writeFileSync(path.join(dir, '06-node-inside', 'reader.ts'), "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    mkdirSync(path.join(dir, 'common'));
    writeFileSync(path.join(dir, 'common', 'index.ts'), "export { twice } from './twice';\n");
    writeFileSync(path.join(dir, 'common', 'twice.ts'), 'export const twice = (n: number): number => n * 2;\n');
    writeFileSync(path.join(dir, 'common', 'bad.ts'), `import { loadLessons } from '${TUTOR}';\nexport const bad = loadLessons;\n`);
    const { lessons, problems } = await loadLessons(dir);
    expect(lessons.map((l) => l.id)).toEqual(['01-shared', '02-own-file']);
    expect(problems.map((p) => [path.relative(dir, p.path), p.reason])).toEqual([
      [path.join('03-project-value', 'lesson.ts'), expect.stringMatching(/^imports ".*src\/tutor" as a value: .*`import type`$/)],
      [path.join('common', 'bad.ts'), expect.stringMatching(/^imports ".*src\/tutor" as a value/)],
      [path.join('05-node', 'lesson.ts'), expect.stringMatching(/^imports "node:path" as a value: a lesson imports values only from its own folder, \.\.\/common and @noble\/hashes, no node: module/)],
      [path.join('06-node-inside', 'reader.ts'), expect.stringMatching(/^imports "node:fs" as a value/)],
    ]);
    await expect(loadLessons(writeLessonsDir(['common'], {}))).rejects.toThrow(/"common" holds the lessons' shared helpers/);
  });

  it('loads file exercises beside the lessons, holding each exercise.ts to its own rule (node: modules allowed) and reporting a broken one', async () => {
    const TUTOR = path.join(__dirname, '..', '..', 'src', 'tutor').replace(/\\/g, '/');
    const dir = writeLessonsDir(['01-one', '02-two'], {
      '01-one': { readme: '#\n', lesson: lessonSource('One', '') },
      '02-two': { readme: '#\n', lesson: `import { run } from './exercises/node-run/exercise';\n${lessonSource('Two', '')}` },
    });
    const unit = (file: string, head = "import { readFileSync } from 'node:fs';"): string =>
      `${head}\nexport default { formatVersion: 1, title: 'T', file: '${file}', goals: [{ id: 'g', text: 'x', check: () => false, hints: ['h'] }], run: async () => readFileSync };\n`;
    const write = (lesson: string, id: string, files: Record<string, string>): void => {
      mkdirSync(path.join(dir, lesson, 'exercises', id), { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, lesson, 'exercises', id, name), text);
    };
    const learner = { 'template.ts': 'export {};\n', 'solution.ts': 'export {};\n' };
    write('01-one', 'node-run', { 'exercise.ts': unit('a.ts'), ...learner });
    write('01-one', 'project-run', { 'exercise.ts': unit('b.ts', `import { loadLessons as readFileSync } from '${TUTOR}/node';`), ...learner });
    write('02-two', 'no-template', { 'exercise.ts': unit('c.ts'), 'solution.ts': 'export {};\n' });
    write('02-two', 'same-file', { 'exercise.ts': unit('a.ts'), ...learner });
    const { lessons, problems } = await loadLessons(dir);
    // A lesson's own goals are unaffected by the exercises beside it, and lesson.ts may not import one.
    expect(lessons.map((l) => l.id)).toEqual(['01-one']);
    expect(problems.map((p) => [path.relative(dir, p.path), p.reason])).toEqual([[path.join('02-two', 'lesson.ts'), expect.stringMatching(/^imports "\.\/exercises\/node-run\/exercise" as a value|node:fs/)]]);
    const loaded = await loadExercises([...lessons, { id: '02-two', dir: path.join(dir, '02-two') }]);
    expect(loaded.exercises.map((e) => [e.number, e.id, e.lessonId, e.definition.file])).toEqual([[1, 'node-run', '01-one', 'a.ts']]);
    expect(loaded.problems.map((p) => [path.relative(dir, p.path), p.reason])).toEqual([
      [path.join('01-one', 'exercises', 'project-run', 'exercise.ts'), expect.stringMatching(/^imports ".*src\/tutor\/node" as a value: an exercise imports values only from node: modules/)],
      [path.join('02-two', 'exercises', 'no-template', 'template.ts'), expect.stringMatching(/^is missing/)],
      [path.join('02-two', 'exercises', 'same-file', 'exercise.ts'), 'file "a.ts" is the file of exercise "node-run" too: the learner\'s files share one workspace'],
    ]);
  });

  it('checks seed message names when it knows them', async () => {
    const dir = writeLessonsDir(['01-seed'], { '01-seed': { readme: '#\n', lesson: lessonSource('Seed', "start: { mailboxes: { alice: ['no-such-mail'] } },") } });
    const { problems } = await loadLessons(dir, { isSeedMessage: (name) => name === 'welcome' });
    expect(problems.map((p) => p.reason)).toEqual(['start.mailboxes.alice: no seed message named "no-such-mail"']);
  });

  it('checks the client exports scope entries name against the client, loading it only then', async () => {
    const dir = writeLessonsDir(['01-known', '02-unknown', '03-typed-too'], {
      '01-known': { readme: '#\n', lesson: lessonSource('Known', "scope: [{ name: 'fetchNew', clientExport: 'fetchNew' }],") },
      '02-unknown': { readme: '#\n', lesson: lessonSource('Unknown', "scope: [{ name: 'f', clientExport: 'fetchAll' }],") },
      '03-typed-too': { readme: '#\n', lesson: lessonSource('Typed', "scope: [{ name: 'f', clientExport: 'fetchNew', type: 'string' }],") },
    });
    const { lessons, problems } = await loadLessons(dir);
    expect(lessons.map((l) => [l.id, l.definition.scope])).toEqual([['01-known', [{ name: 'fetchNew', clientExport: 'fetchNew' }]]]);
    expect(problems.map((p) => [path.relative(dir, p.path), p.reason])).toEqual([
      [path.join('02-unknown', 'lesson.ts'), 'scope[0].clientExport: the client has no export named "fetchAll"'],
      [path.join('03-typed-too', 'lesson.ts'), 'scope[0]: give either type and value, or clientExport (the client then gives both)'],
    ]);
    // Another client module names other exports.
    const other = path.join(writeLessonsDir([], {}), 'client.ts');
    writeFileSync(other, 'export const fetchAll = 1;\n');
    expect((await loadLessons(dir, { clientModule: other })).problems.map((p) => p.reason)).toEqual([
      'scope[0].clientExport: the client has no export named "fetchNew"',
      'scope[0]: give either type and value, or clientExport (the client then gives both)',
    ]);
  });

  it('refuses a manifest it cannot follow', async () => {
    await expect(loadLessons(writeLessonsDir([], {}, '{"formatVersion": 2, "order": []}'))).rejects.toThrow(/formatVersion must be 1/);
    await expect(loadLessons(writeLessonsDir([], {}, 'not json'))).rejects.toThrow(LessonFormatError);
    await expect(loadLessons(writeLessonsDir([], {}, '{"formatVersion": 1, "order": ["a", "a"]}'))).rejects.toThrow(/appears twice/);
  });

  it('validates definitions field by field', () => {
    const check = (value: unknown): string => {
      try {
        validateLessonDefinition(value);
        return 'ok';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const base = { formatVersion: 1, title: 'T' };
    expect(check(base)).toBe('ok');
    expect(check(null)).toMatch(/default export must be a lesson object/);
    expect(check({ ...base, formatVersion: 2 })).toBe('formatVersion must be 1, got 2');
    expect(check({ ...base, title: '' })).toBe('title must be a non-empty string');
    expect(check({ ...base, goals: [{ id: 'a', text: 't', check: 'no' }] })).toBe('goals[0].check must be a function (facts) => verdict');
    expect(check({ ...base, goals: [{ id: 'a', text: 't', check: () => true }, { id: 'a', text: 't', check: () => true }] })).toBe('goals[1].id "a" is used twice');
    expect(check({ ...base, mistakes: [{ id: 'm', when: () => true }] })).toBe('mistakes[0].hint must be a non-empty string');
    expect(check({ ...base, solution: [1] })).toBe('solution[0] must be a group { goal, lines } (a solution is all lines or all groups)');
    const goals = [{ id: 'a', text: 't', check: () => true }];
    expect(check({ ...base, goals, solution: [{ goal: 'a', lines: ['x'] }] })).toBe('ok');
    expect(check({ ...base, goals, solution: [{ goal: 'b', lines: ['x'] }] })).toBe('solution[0].goal must name a goal of this lesson, got "b"');
    expect(check({ ...base, goals, solution: [{ goal: 'a', lines: [] }] })).toBe('solution[0].lines must be a non-empty array of REPL input lines');
    expect(check({ ...base, goals, mistakes: [{ id: 'm', goal: 'nope', when: () => true, hint: 'h' }] })).toBe('mistakes[0].goal must name a goal of this lesson, got "nope"');
    expect(check({ ...base, scope: [{ name: 'not valid', type: 'string' }] })).toBe('scope[0].name must be an identifier');
    expect(check({ ...base, scope: [{ name: 'f', clientExport: 'fetchNew' }] })).toBe('ok');
    expect(check({ ...base, scope: [{ name: 'f', clientExport: 'no way' }] })).toBe('scope[0].clientExport must be the name of an export of the client');
    expect(check({ ...base, scope: [{ name: 'f', type: 'string', value: 1, typo: true }] })).toBe('scope[0]: unknown field "typo"');
    expect(check({ ...base, scope: [{ name: 'f', value: 1 }] })).toBe('scope[0].type must be TypeScript type text');
    expect(check({ ...base, start: { mailbox: {} } })).toBe('start: unknown field "mailbox"');
    expect(check({ ...base, start: { mailboxes: { alice: 'all' } } })).toBe('start.mailboxes.alice must be "seed" or an array of seed message names');
  });
});
