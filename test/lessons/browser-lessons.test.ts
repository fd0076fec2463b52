import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_LESSON_FOLDER } from '../../src/tutor';
import { bundleForBrowser } from '../helpers/browser-bundle';
import { nodeGlobalsIn } from '../tutor/node-globals';
import { LESSONS_DIR } from './lesson-attempt';

// docs/lesson-format.md: lessons and their shared helpers import no Node module, directly or
// through the files they import, so the tutor can run them in a browser; a file exercise's
// check module is the one exception, and no lesson imports it.
const lessonFiles = readdirSync(LESSONS_DIR)
  .filter((entry) => entry !== SHARED_LESSON_FOLDER && statSync(path.join(LESSONS_DIR, entry)).isDirectory())
  .map((entry) => `lessons/${entry}/lesson.ts`);
const sharedFiles = readdirSync(path.join(LESSONS_DIR, SHARED_LESSON_FOLDER))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => `lessons/${SHARED_LESSON_FOLDER}/${file}`);

describe('lessons in a browser', () => {
  it('are all here: every lesson folder and every shared helper', () => {
    expect(lessonFiles.length).toBeGreaterThanOrEqual(14);
    expect(sharedFiles).toContain(`lessons/${SHARED_LESSON_FOLDER}/md5.ts`);
  });

  for (const file of [...lessonFiles, ...sharedFiles]) {
    it(`${file} bundles with no Node module, and what it takes in uses no Node global`, async () => {
      const bundle = await bundleForBrowser(file);
      expect(bundle.inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
      const ours = bundle.inputs.filter((input) => input.startsWith('lessons/') || input.startsWith('src/'));
      expect(ours).toContain(file);
      expect(ours.filter((input) => input.endsWith('/check.ts'))).toEqual([]);
      expect(ours.flatMap(nodeGlobalsIn)).toEqual([]);
    });
  }

  it('would refuse the capstone’s check module, which reads the learner’s Maildir with node:fs', async () => {
    await expect(bundleForBrowser('lessons/13-capstone-fetcher/exercises/fetcher/check.ts')).rejects.toThrow(/node:/);
  });
});
