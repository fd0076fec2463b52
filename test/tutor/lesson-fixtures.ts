import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const TUTOR = path.join(__dirname, '..', '..', 'src', 'tutor').replace(/\\/g, '/');

/** A well-formed lesson.ts, with `extra` spliced into the object literal. */
export function lessonSource(title: string, extra = ''): string {
  return `import type { LessonDefinition } from '${TUTOR}';
const lesson: LessonDefinition = {
  formatVersion: 1,
  title: ${JSON.stringify(title)},
  goals: [{ id: 'connect', text: 'Connect', check: (f) => f.repl.clients > 0, hints: ['Use connect'] }],
  solution: ['const pop = await connect(sandbox)'],
  ${extra}
};
export default lesson;
`;
}

/** Writes a temporary lessons folder: manifest plus one folder per entry (README and lesson.ts). */
export function writeLessonsDir(order: readonly string[], folders: Record<string, { readme?: string; lesson?: string }>, manifest?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-lessons-'));
  writeFileSync(path.join(dir, 'manifest.json'), manifest ?? JSON.stringify({ formatVersion: 1, order }));
  for (const [name, files] of Object.entries(folders)) {
    mkdirSync(path.join(dir, name));
    if (files.readme !== undefined) writeFileSync(path.join(dir, name, 'README.md'), files.readme);
    if (files.lesson !== undefined) writeFileSync(path.join(dir, name, 'lesson.ts'), files.lesson);
  }
  return dir;
}
